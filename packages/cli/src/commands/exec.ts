import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { SilentFailure, UsageError } from '../exit-codes.js';
import { exitCodeFor } from '../log-printer.js';
import { type Execution, followExecution } from './run.js';

export interface ExecOptions {
  project?: string;
  env: string;
  nodes?: string;
  shell?: boolean;
  threadcount?: string;
}

/** `pont exec --env test --nodes 'tags: web' -- df -h`: a one-off command, followed to the end. */
export async function runExec(ctx: CliContext, words: string[], options: ExecOptions): Promise<void> {
  if (words.length === 0) throw new UsageError('no command: pont exec --env ENV --nodes FILTER -- COMMAND');
  const project = ctx.project(options.project);
  const client = ctx.client();
  const body: Record<string, unknown> = {
    environment: options.env,
    command: words.join(' '),
    shell: options.shell !== false,
  };
  if (options.nodes) body.nodes = options.nodes;
  if (options.threadcount) body.threadcount = Number(options.threadcount);
  const execution = await client.request<Execution>(
    'POST',
    `/api/v1/projects/${encodeURIComponent(project)}/exec`,
    { body },
  );
  ctx.err(`execution ${execution.id}: ${execution.state}`);
  const state = await followExecution(ctx, client, project, execution);
  if (exitCodeFor(state) !== 0) {
    ctx.err(`execution ${execution.id} ${state}`);
    throw new SilentFailure(1);
  }
}

export function registerExec(program: Command, ctx: CliContext): void {
  program
    .command('exec')
    .description('Run a one-off command on the matching nodes of an environment (policy action: exec)')
    .argument('[command...]', 'the command, after --')
    .requiredOption('-e, --env <environment>', 'environment')
    .option('-n, --nodes <filter>', 'node filter, e.g. "tags: web !name: web-3" (default: every node)')
    .option('-p, --project <project>', 'project')
    .option('--no-shell', 'run the words as a program and arguments, without /bin/sh')
    .option('--threadcount <n>', 'nodes at once (default: all, up to 32)')
    .action((words: string[], options: ExecOptions) => runExec(ctx, words, options));
}
