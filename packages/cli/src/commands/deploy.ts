import { followExecutionLog, type PontClient, readEventStream } from '@pont/sdk';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { SilentFailure, UsageError } from '../exit-codes.js';
import { createLogPrinter } from '../log-printer.js';
import { age, duration, parseOutput, renderTable, toJson, toYaml } from '../output.js';

export interface Deployment {
  id: string;
  app: string;
  environment: string;
  version: string;
  previousVersion?: string;
  kind: string;
  trigger: string;
  sourceEnvironment?: string;
  rollbackOf?: string;
  rolledBackBy?: string;
  requestedBy: string;
  requestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  status: string;
  message?: string;
  forced?: { by: string; reason: string };
  executions: Array<{ id: string; batch: number; nodes: string[]; state: string }>;
  health: Array<{
    url: string;
    node?: string;
    attempt: number;
    ok: boolean;
    status?: number;
    error?: string;
  }>;
  events: Array<{ time: string; level: string; message: string }>;
}

const FINAL = new Set(['succeeded', 'failed', 'rolled-back', 'rejected', 'cancelled', 'incomplete']);
const base = (project: string) => `/api/v1/projects/${encodeURIComponent(project)}/deployments`;

interface WaitOptions {
  project?: string;
  follow?: boolean;
  detach?: boolean;
  output?: string;
}

interface ForceOptions {
  force?: boolean;
  reason?: string;
}

function forceOf(options: ForceOptions): { force?: { reason: string } } {
  if (!options.force) {
    if (options.reason) throw new UsageError('--reason goes with --force');
    return {};
  }
  if (!options.reason?.trim())
    throw new UsageError('--force needs --reason TEXT: say why the freeze is broken');
  return { force: { reason: options.reason } };
}

const clock = (iso: string) => iso.slice(11, 19);

/**
 * Follows a deployment to its end: prints its timeline as it happens (and, with `logs`, the log
 * of each batch's execution), waits out an approval, and returns the final deployment.
 */
export async function followDeployment(
  ctx: CliContext,
  client: PontClient,
  project: string,
  start: Deployment,
  logs: boolean,
): Promise<Deployment> {
  const print = createLogPrinter((text) => ctx.out(text), ctx.isTTY && !ctx.env.NO_COLOR);
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let shownEvents = 0;
  const followed = new Set<string>();
  let current = start;
  const show = async (d: Deployment) => {
    current = d;
    for (const event of d.events.slice(shownEvents)) {
      const mark = event.level === 'error' ? '✗ ' : event.level === 'warn' ? '! ' : '';
      ctx.out(`${clock(event.time)} ${mark}${event.message}`);
      if (event.message.startsWith("waiting for another user's approval"))
        ctx.err(`another user can approve it: pont deployments approve ${d.id} -p ${project}`);
    }
    shownEvents = d.events.length;
    if (!logs) return;
    for (const execution of d.executions) {
      if (followed.has(execution.id)) continue;
      followed.add(execution.id);
      await followExecutionLog(client, project, execution.id, { signal: controller.signal, onLine: print });
    }
  };
  try {
    for (let attempt = 0; !FINAL.has(current.status); attempt++) {
      try {
        const response = await client.fetchRaw('GET', `${base(project)}/${encodeURIComponent(start.id)}`, {
          query: { follow: 1 },
          headers: { accept: 'text/event-stream' },
          signal: controller.signal,
        });
        if (!response.body) throw new Error('no response body');
        for await (const event of readEventStream(response.body)) {
          if (event.event === 'deployment') await show(JSON.parse(event.data) as Deployment);
          if (event.event === 'end') break;
        }
      } catch (error) {
        if (controller.signal.aborted) throw error;
        if ((error as { status?: number }).status && (error as { status: number }).status < 500) throw error;
        ctx.err(`connection lost; following deployment ${start.id} again (attempt ${attempt + 1})`);
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
      }
      if (!FINAL.has(current.status)) {
        const detail = await client.request<{ deployment: Deployment }>(
          'GET',
          `${base(project)}/${encodeURIComponent(start.id)}`,
        );
        await show(detail.deployment);
      }
    }
    return current;
  } catch (error) {
    if (!interrupted) throw error;
    ctx.err(
      `stopped following; deployment ${start.id} carries on. Follow it again with: pont deployments get ${start.id} -p ${project} --follow`,
    );
    throw new SilentFailure(130);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** The final line and the exit code: 0 only when the deployment succeeded. */
function conclude(ctx: CliContext, d: Deployment): void {
  const took = d.durationMs !== undefined ? ` in ${duration(d.durationMs)}` : '';
  if (d.status === 'succeeded') {
    ctx.err(`deployment ${d.id} succeeded${took}: ${d.app} ${d.version} runs in ${d.environment}`);
    return;
  }
  const what =
    d.status === 'rolled-back'
      ? 'failed and was rolled back automatically'
      : d.status === 'incomplete'
        ? 'is incomplete'
        : d.status;
  ctx.err(`deployment ${d.id} ${what}${took}${d.message ? `: ${d.message}` : ''}`);
  throw new SilentFailure(1);
}

async function submitted(
  ctx: CliContext,
  client: PontClient,
  project: string,
  d: Deployment,
  options: WaitOptions,
): Promise<void> {
  const format = parseOutput(options.output, 'name');
  if (options.detach) {
    if (format === 'json') return ctx.out(toJson(d));
    if (format === 'yaml') return ctx.out(toYaml(d));
    ctx.out(d.id);
    ctx.err(`deployment ${d.id}: ${d.status}; follow it with pont deployments get ${d.id} --follow`);
    return;
  }
  const from = d.previousVersion ? ` (was ${d.previousVersion})` : '';
  ctx.err(`deployment ${d.id}: ${d.kind} ${d.app} ${d.version} to ${d.environment}${from}, ${d.status}`);
  const final = await followDeployment(ctx, client, project, d, options.follow === true);
  if (format === 'json') ctx.out(toJson(final));
  else if (format === 'yaml') ctx.out(toYaml(final));
  conclude(ctx, final);
}

export function registerDeploy(program: Command, ctx: CliContext): void {
  const waitFlags = (command: Command) =>
    command
      .option('-p, --project <project>', 'project')
      .option('-f, --follow', 'also stream the log of each batch')
      .option('--detach', 'print the deployment id and return at once')
      .option(
        '-o, --output <format>',
        'with --detach: name (id, default), yaml or json; else the final record',
      );

  waitFlags(
    program
      .command('deploy')
      .description(
        'Deploy a version of an app to an environment; waits with progress (exit 1 unless it succeeds)',
      )
      .argument('<app>')
      .argument('<version>')
      .requiredOption('-e, --env <environment>', 'environment to deploy to')
      .option('--force', 'deploy through a freeze window (admins only; needs --reason)')
      .option('--reason <text>', 'why the freeze is broken'),
  ).action(async (app: string, version: string, options: WaitOptions & ForceOptions & { env: string }) => {
    const project = ctx.project(options.project);
    const client = ctx.client();
    const d = await client.request<Deployment>('POST', base(project), {
      body: { app, environment: options.env, version, ...forceOf(options) },
    });
    await submitted(ctx, client, project, d, options);
  });

  waitFlags(
    program
      .command('promote')
      .description('Deploy to --to exactly the version running in --from (the promotion path applies)')
      .argument('<app>')
      .requiredOption('--from <environment>', 'where the version runs now')
      .requiredOption('--to <environment>', 'where to deploy it')
      .option('--force', 'deploy through a freeze window (admins only; needs --reason)')
      .option('--reason <text>', 'why the freeze is broken'),
  ).action(async (app: string, options: WaitOptions & ForceOptions & { from: string; to: string }) => {
    const project = ctx.project(options.project);
    const client = ctx.client();
    const d = await client.request<Deployment>('POST', `${base(project)}/promote`, {
      body: { app, from: options.from, to: options.to, ...forceOf(options) },
    });
    await submitted(ctx, client, project, d, options);
  });

  waitFlags(
    program
      .command('rollback')
      .description('Redeploy the previous successful version of an app in an environment')
      .argument('<app>')
      .requiredOption('-e, --env <environment>', 'environment'),
  ).action(async (app: string, options: WaitOptions & { env: string }) => {
    const project = ctx.project(options.project);
    const client = ctx.client();
    const d = await client.request<Deployment>('POST', `${base(project)}/rollback`, {
      body: { app, environment: options.env },
    });
    await submitted(ctx, client, project, d, options);
  });

  const deployments = program
    .command('deployments')
    .description('Deployment history, approvals and the environment matrix');
  deployments
    .command('list')
    .description('Deployments, newest first')
    .option('-p, --project <project>', 'project')
    .option('--app <app>', 'only this app')
    .option('-e, --env <environment>', 'only this environment')
    .option('--status <status>', 'only this status')
    .option('--limit <n>', 'how many (default 20)')
    .option('-o, --output <format>', 'table, yaml or json')
    .action(
      async (options: {
        project?: string;
        app?: string;
        env?: string;
        status?: string;
        limit?: string;
        output?: string;
      }) => {
        const project = ctx.project(options.project);
        const { items } = await ctx.client().request<{ items: Deployment[] }>('GET', base(project), {
          query: {
            app: options.app,
            environment: options.env,
            status: options.status,
            limit: options.limit ?? 20,
          },
        });
        const format = parseOutput(options.output);
        if (format === 'json') return ctx.out(toJson({ items }));
        if (format === 'yaml') return ctx.out(toYaml(items));
        if (items.length === 0) return ctx.err('No deployments found.');
        ctx.out(
          renderTable(
            ['ID', 'APP', 'ENVIRONMENT', 'VERSION', 'FROM', 'KIND', 'STATUS', 'BY', 'DURATION', 'AGE'],
            items.map((d) => [
              d.id,
              d.app,
              d.environment,
              d.version,
              d.previousVersion ?? '',
              d.kind,
              d.status,
              d.requestedBy,
              duration(d.durationMs),
              age(d.requestedAt),
            ]),
          ),
        );
      },
    );

  deployments
    .command('get')
    .description('One deployment: timeline, batches, health checks, flags changed since the previous one')
    .argument('<id>')
    .option('-p, --project <project>', 'project')
    .option('-f, --follow', 'wait for it to end, streaming the batches’ logs')
    .option('-o, --output <format>', 'text (default), yaml or json')
    .action(async (id: string, options: { project?: string; follow?: boolean; output?: string }) => {
      const project = ctx.project(options.project);
      const client = ctx.client();
      const detail = await client.request<DeploymentDetail>(
        'GET',
        `${base(project)}/${encodeURIComponent(id)}`,
      );
      if (options.follow) {
        const final = await followDeployment(ctx, client, project, detail.deployment, true);
        return conclude(ctx, final);
      }
      const format = options.output === 'text' ? 'table' : parseOutput(options.output);
      if (format === 'json') return ctx.out(toJson(detail));
      if (format === 'yaml') return ctx.out(toYaml(detail));
      printDetail(ctx, detail);
    });

  for (const [verb, what] of [
    ['approve', 'Approve'],
    ['reject', 'Reject'],
  ] as const) {
    deployments
      .command(verb)
      .description(`${what} a deployment waiting for approval (not your own)`)
      .argument('<id>')
      .option('-p, --project <project>', 'project')
      .option('-m, --comment <text>', 'why')
      .action(async (id: string, options: { project?: string; comment?: string }) => {
        const project = ctx.project(options.project);
        const d = await ctx
          .client()
          .request<Deployment>('POST', `${base(project)}/${encodeURIComponent(id)}/${verb}`, {
            body: options.comment ? { comment: options.comment } : {},
          });
        ctx.out(`deployment ${d.id} (${d.app} ${d.version} to ${d.environment}): ${d.status}`);
      });
  }

  deployments
    .command('cancel')
    .description('Cancel a deployment that is queued or waiting for approval')
    .argument('<id>')
    .option('-p, --project <project>', 'project')
    .action(async (id: string, options: { project?: string }) => {
      const project = ctx.project(options.project);
      const d = await ctx
        .client()
        .request<Deployment>('POST', `${base(project)}/${encodeURIComponent(id)}/cancel`);
      ctx.out(`deployment ${d.id}: ${d.status}`);
    });

  deployments
    .command('matrix')
    .description('Apps × environments: the version running, its age, and the latest deployment if it differs')
    .option('-p, --project <project>', 'project')
    .option('-o, --output <format>', 'table or json')
    .action(async (options: { project?: string; output?: string }) => {
      const project = ctx.project(options.project);
      const matrix = await ctx
        .client()
        .request<Matrix>('GET', `/api/v1/projects/${encodeURIComponent(project)}/environment-matrix`);
      if (parseOutput(options.output) === 'json') return ctx.out(toJson(matrix));
      const envs = matrix.environments;
      ctx.out(
        renderTable(
          ['APP', ...envs.map((e) => `${e.name.toUpperCase()}${e.frozen ? ' (FROZEN)' : ''}`)],
          matrix.apps.map((a) => [a.name, ...envs.map((e) => cellText(a.cells[e.name]))]),
        ),
      );
    });
}

interface DeploymentDetail {
  deployment: Deployment;
  approvals: Array<{ status: string; requestedBy: string; decidedBy?: string; comment?: string }>;
  artifact?: { version: string; sha256: string; uploadedAt: string; labels: Record<string, string> };
  previousArtifact?: { version: string; sha256: string; uploadedAt: string; labels: Record<string, string> };
  flagChanges: Array<{
    time: string;
    flag: string;
    actor: string;
    action: string;
    changes: Array<{ path: string }>;
  }>;
  flagChangesHidden?: boolean;
}

interface MatrixCell {
  version?: string;
  since?: string;
  last?: { version: string; status: string };
  pending: number;
  frozen?: string;
}

interface Matrix {
  environments: Array<{ name: string; frozen?: string }>;
  apps: Array<{ name: string; cells: Record<string, MatrixCell> }>;
}

function cellText(cell: MatrixCell | undefined): string {
  if (!cell) return '';
  const parts: string[] = [];
  parts.push(cell.version ? `${cell.version} (${age(cell.since)})` : '-');
  const last = cell.last;
  if (last && (last.status !== 'succeeded' || last.version !== cell.version))
    parts.push(`${last.status} ${last.version}`);
  if (cell.pending > 0) parts.push(`+${cell.pending} pending`);
  if (cell.frozen) parts.push('frozen');
  return parts.join(', ');
}

function printDetail(ctx: CliContext, detail: DeploymentDetail): void {
  const d = detail.deployment;
  const lines = [
    `deployment ${d.id}: ${d.kind} ${d.app} ${d.version} to ${d.environment}`,
    `status:    ${d.status}${d.message ? ` (${d.message})` : ''}`,
    `requested: by ${d.requestedBy} at ${d.requestedAt} (${d.trigger})`,
  ];
  if (d.sourceEnvironment) lines.push(`from:      ${d.sourceEnvironment}`);
  if (d.forced) lines.push(`forced:    by ${d.forced.by}: ${d.forced.reason}`);
  if (d.durationMs !== undefined) lines.push(`duration:  ${duration(d.durationMs)}`);
  const a = detail.artifact;
  const p = detail.previousArtifact;
  if (a || p) {
    lines.push('versions:');
    if (p) lines.push(`  before  ${p.version}  sha256 ${p.sha256.slice(0, 12)}  ${labelText(p.labels)}`);
    if (a) lines.push(`  after   ${a.version}  sha256 ${a.sha256.slice(0, 12)}  ${labelText(a.labels)}`);
  }
  if (d.executions.length > 0) {
    lines.push('batches:');
    for (const e of d.executions)
      lines.push(`  ${e.batch}  ${e.state.padEnd(10)} ${e.id}  ${e.nodes.join(', ')}`);
  }
  if (d.health.length > 0) {
    lines.push('health checks:');
    for (const h of d.health)
      lines.push(
        `  ${h.ok ? 'ok  ' : 'FAIL'} ${h.url}${h.node ? ` (${h.node})` : ''} attempt ${h.attempt}: ${h.status ?? h.error}`,
      );
  }
  if (detail.flagChangesHidden)
    lines.push('flags changed since the previous deployment: (not visible to you)');
  else if (detail.flagChanges.length > 0) {
    lines.push(`flags changed in ${d.environment} since the previous deployment:`);
    for (const f of detail.flagChanges)
      lines.push(
        `  ${f.time}  ${f.flag}  ${f.action} by ${f.actor}  ${f.changes.map((c) => c.path).join(', ')}`,
      );
  } else lines.push(`flags changed in ${d.environment} since the previous deployment: none`);
  for (const ap of detail.approvals)
    lines.push(
      `approval:  ${ap.status}${ap.decidedBy ? ` by ${ap.decidedBy}` : ''}${ap.comment ? `: ${ap.comment}` : ''}`,
    );
  lines.push('timeline:');
  for (const e of d.events)
    lines.push(`  ${e.time}  ${e.level === 'info' ? '' : `${e.level}: `}${e.message}`);
  ctx.out(lines.join('\n'));
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
