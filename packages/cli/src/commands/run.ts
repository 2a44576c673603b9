import { followExecutionLog, type PontClient } from '@pont/sdk';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { SilentFailure, UsageError } from '../exit-codes.js';
import { createLogPrinter, exitCodeFor } from '../log-printer.js';
import { parseOutput, toJson, toYaml } from '../output.js';
import { confirm } from '../prompt.js';

export interface Execution {
  id: string;
  project: string;
  job?: string;
  environment: string;
  state: string;
  message?: string;
  requestedBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  trigger: string;
  type: string;
}

export interface RunOptions {
  project?: string;
  env: string;
  option?: string[];
  follow?: boolean;
  output?: string;
}

/** `--option k=v` repeated; a key given twice becomes a list (multi-valued options). */
export function parseOptionPairs(pairs: string[] | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option expects name=value, got "${pair}"`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const existing = out[key];
    out[key] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

const path = (project: string, id: string) =>
  `/api/v1/projects/${encodeURIComponent(project)}/executions/${encodeURIComponent(id)}`;

/**
 * Follows an execution to its end: waits out approval, streams the log, and on Ctrl-C asks
 * whether to kill the execution or leave it running. Returns the final state.
 */
export async function followExecution(
  ctx: CliContext,
  client: PontClient,
  project: string,
  execution: Execution,
): Promise<string> {
  const print = createLogPrinter((text) => ctx.out(text), ctx.isTTY && !ctx.env.NO_COLOR);
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    if (execution.state === 'waiting-approval') {
      ctx.err(
        `execution ${execution.id} is waiting for approval in ${execution.environment}; another user can run: pont approve ${execution.id} -p ${project}`,
      );
      let dots = 0;
      while (!controller.signal.aborted) {
        const current = (await client.request<{ execution: Execution }>('GET', path(project, execution.id)))
          .execution;
        if (current.state !== 'waiting-approval') break;
        if (ctx.isTTY) process.stderr.write(`\rwaiting for approval${'.'.repeat((dots++ % 3) + 1)}   `);
        await new Promise((r) => setTimeout(r, 1000));
      }
      if (ctx.isTTY) process.stderr.write('\n');
    }
    return await followExecutionLog(client, project, execution.id, {
      signal: controller.signal,
      onLine: print,
      onReconnect: (attempt) => ctx.err(`connection lost; resuming the log (attempt ${attempt})`),
    });
  } catch (error) {
    if (!interrupted) throw error;
    process.off('SIGINT', onSigint);
    const kill = ctx.stdin.isTTY ? await confirm(`\nkill execution ${execution.id}?`) : false;
    if (kill) {
      const killed = await client.request<Execution>('POST', `${path(project, execution.id)}/kill`);
      ctx.err(`execution ${execution.id} killed (${killed.state})`);
      return 'aborted';
    }
    ctx.err(
      `left execution ${execution.id} running; follow it again with: pont logs ${execution.id} -p ${project} --follow`,
    );
    throw new SilentFailure(130);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export async function runRun(ctx: CliContext, job: string, options: RunOptions): Promise<void> {
  const project = ctx.project(options.project);
  const client = ctx.client();
  const execution = await client.request<Execution>(
    'POST',
    `/api/v1/projects/${encodeURIComponent(project)}/jobs/${encodeURIComponent(job)}/run`,
    {
      body: { environment: options.env, options: parseOptionPairs(options.option) },
    },
  );
  const format = parseOutput(options.output, 'name');
  if (!options.follow) {
    if (format === 'json') return ctx.out(toJson(execution));
    if (format === 'yaml') return ctx.out(toYaml(execution));
    ctx.out(execution.id);
    ctx.err(
      `execution ${execution.id} of ${job} in ${options.env}: ${execution.state}; follow it with pont logs ${execution.id} --follow`,
    );
    return;
  }
  ctx.err(`execution ${execution.id} of ${job} in ${options.env}: ${execution.state}`);
  const state = await followExecution(ctx, client, project, execution);
  const final = (await client.request<{ execution: Execution }>('GET', path(project, execution.id)))
    .execution;
  ctx.err(
    `execution ${execution.id} ${state}${final.durationMs !== undefined ? ` in ${(final.durationMs / 1000).toFixed(1)}s` : ''}${final.message && state !== 'succeeded' ? `: ${final.message}` : ''}`,
  );
  if (exitCodeFor(state) !== 0) throw new SilentFailure(exitCodeFor(state));
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('Run a job in an environment (exit code follows the result with --follow)')
    .argument('<job>')
    .requiredOption('-e, --env <environment>', 'environment to run in')
    .option('-p, --project <project>', 'project')
    .option('--option <name=value...>', 'option value; repeat for several (or for a multi-valued option)')
    .option('-f, --follow', 'stream the log until the end; Ctrl-C asks whether to kill')
    .option('-o, --output <format>', 'without --follow: name (id, default), yaml or json')
    .action((job: string, options: RunOptions) => runRun(ctx, job, options));
}
