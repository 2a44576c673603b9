import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { SilentFailure } from '../exit-codes.js';
import { createLogPrinter, exitCodeFor } from '../log-printer.js';
import { age, duration, parseOutput, renderTable, toJson, toYaml } from '../output.js';
import { type Execution, followExecution } from './run.js';

const base = (project: string) => `/api/v1/projects/${encodeURIComponent(project)}/executions`;

interface ListOptions {
  project?: string;
  job?: string;
  state?: string;
  env?: string;
  since?: string;
  limit?: string;
  output?: string;
}

async function list(ctx: CliContext, options: ListOptions): Promise<void> {
  const project = ctx.project(options.project);
  const { items } = await ctx.client().request<{ items: Execution[] }>('GET', base(project), {
    query: {
      job: options.job,
      state: options.state,
      environment: options.env,
      since: options.since,
      limit: options.limit ?? 20,
    },
  });
  const format = parseOutput(options.output);
  if (format === 'json') return ctx.out(toJson({ items }));
  if (format === 'yaml') return ctx.out(toYaml(items));
  if (items.length === 0) return ctx.err('No executions found.');
  const rows = items.map((e) => [
    e.id,
    e.job ?? '(ad-hoc)',
    e.environment,
    e.state,
    e.requestedBy,
    duration(e.durationMs),
    age(e.createdAt),
  ]);
  ctx.out(renderTable(['ID', 'JOB', 'ENVIRONMENT', 'STATE', 'BY', 'DURATION', 'AGE'], rows));
}

interface LogsOptions {
  project?: string;
  follow?: boolean;
  node?: string;
  step?: string;
}

async function logs(ctx: CliContext, id: string, options: LogsOptions): Promise<void> {
  const project = ctx.project(options.project);
  const client = ctx.client();
  if (options.follow) {
    const { execution } = await client.request<{ execution: Execution }>(
      'GET',
      `${base(project)}/${encodeURIComponent(id)}`,
    );
    const state = await followExecution(ctx, client, project, execution);
    if (exitCodeFor(state) !== 0) throw new SilentFailure(exitCodeFor(state));
    return;
  }
  const print = createLogPrinter((text) => ctx.out(text), ctx.isTTY && !ctx.env.NO_COLOR);
  let from = 0;
  for (;;) {
    const page = await client.request<{ lines: Array<Parameters<typeof print>[0]>; state: string }>(
      'GET',
      `${base(project)}/${encodeURIComponent(id)}/log`,
      {
        query: { from, limit: 10_000, node: options.node, step: options.step },
      },
    );
    for (const line of page.lines) print(line);
    const last = page.lines[page.lines.length - 1];
    if (!last || page.lines.length < 10_000) break;
    from = last.seq + 1;
  }
}

async function decide(
  ctx: CliContext,
  verb: 'approve' | 'reject',
  id: string,
  options: { project?: string; comment?: string },
): Promise<void> {
  const project = ctx.project(options.project);
  const execution = await ctx
    .client()
    .request<Execution>('POST', `${base(project)}/${encodeURIComponent(id)}/${verb}`, {
      body: options.comment ? { comment: options.comment } : {},
    });
  ctx.out(`execution ${id} ${verb === 'approve' ? 'approved' : 'rejected'}: now ${execution.state}`);
}

export function registerExecutions(program: Command, ctx: CliContext): void {
  const executions = program
    .command('executions')
    .alias('execution')
    .description('Executions of jobs and ad-hoc commands');
  executions
    .command('list')
    .description('Recent executions, newest first')
    .option('-p, --project <project>', 'project')
    .option('--job <job>', 'only this job')
    .option(
      '--state <state>',
      'queued, waiting-approval, running, succeeded, failed, aborted, timed-out, incomplete',
    )
    .option('-e, --env <environment>', 'only this environment')
    .option('--since <time>', 'ISO time or duration back from now (1h, 7d)')
    .option('--limit <n>', 'how many (default 20)')
    .option('-o, --output <format>', 'table, yaml or json')
    .action((options: ListOptions) => list(ctx, options));
  executions
    .command('get')
    .argument('<id>')
    .option('-p, --project <project>', 'project')
    .option('-o, --output <format>', 'yaml (default) or json')
    .action(async (id: string, options: { project?: string; output?: string }) => {
      const detail = await ctx
        .client()
        .request<unknown>('GET', `${base(ctx.project(options.project))}/${encodeURIComponent(id)}`);
      ctx.out(parseOutput(options.output, 'yaml') === 'json' ? toJson(detail) : toYaml(detail));
    });

  program
    .command('logs')
    .description("An execution's log; --follow streams it until the end (exit code follows the result)")
    .argument('<execution>')
    .option('-p, --project <project>', 'project')
    .option('-f, --follow', 'stream new lines until the execution ends')
    .option('--node <node>', 'only this node')
    .option('--step <step>', 'only this step')
    .action((id: string, options: LogsOptions) => logs(ctx, id, options));

  program
    .command('kill')
    .description('Kill a running execution (SIGTERM, then SIGKILL after a grace period)')
    .argument('<execution>')
    .option('-p, --project <project>', 'project')
    .action(async (id: string, options: { project?: string }) => {
      const execution = await ctx
        .client()
        .request<Execution>('POST', `${base(ctx.project(options.project))}/${encodeURIComponent(id)}/kill`);
      ctx.out(`execution ${id}: ${execution.state}`);
    });

  for (const verb of ['approve', 'reject'] as const) {
    program
      .command(verb)
      .description(
        `${verb === 'approve' ? 'Approve' : 'Reject'} an execution waiting for approval (not your own)`,
      )
      .argument('<execution>')
      .option('-p, --project <project>', 'project')
      .option('-m, --comment <comment>', 'why')
      .action((id: string, options: { project?: string; comment?: string }) =>
        decide(ctx, verb, id, options),
      );
  }
}
