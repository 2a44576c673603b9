import type { FlagEnvironment, FlagResource } from '@pont/sdk';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { SilentFailure, UsageError } from '../exit-codes.js';
import { age, parseOutput, renderTable, toJson, toYaml } from '../output.js';
import { confirm } from '../prompt.js';
import { loadDocuments, locateError, readAll } from '../resource-files.js';
import { unifiedDiff } from '../unified-diff.js';

interface Approval {
  id: string;
  environment: string;
  status: string;
  decidedBy?: string;
}

interface FlagChange {
  id: string;
  flag: string;
  environments: string[];
  summary: string;
  requestedBy: string;
  requestedAt: string;
  runAt?: string;
  status: string;
  message?: string;
  approvals?: Approval[];
}

interface ChangeOutcome {
  status: 'applied' | 'unchanged' | 'pending-approval' | 'scheduled' | 'dry-run';
  project: string;
  flag: string;
  environments: string[];
  approvalRequired: string[];
  killSwitch: boolean;
  summary: string;
  changes: Array<{ path: string; before?: unknown; after?: unknown }>;
  before?: FlagResource;
  after?: FlagResource;
  change?: FlagChange;
  approvals?: Approval[];
  kind?: 'Flag' | 'Segment';
}

interface Cell {
  enabled: boolean;
  strategies: number;
  rollout?: number;
  lastSeenAt?: string;
}

interface Overview {
  environments: Array<{ name: string; protected: boolean }>;
  flags: Array<{
    name: string;
    key: string;
    type: string;
    stale: boolean;
    lastSeenAt?: string;
    pendingChanges: number;
    environments: Record<string, Cell>;
  }>;
}

interface CommonOptions {
  project?: string;
  output?: string;
}

interface ChangeOptions extends CommonOptions {
  env: string;
  at?: string;
  dryRun?: boolean;
}

const enc = encodeURIComponent;
const flagPath = (project: string, name: string) => `/api/v1/projects/${enc(project)}/flags/${enc(name)}`;

/** `in 2h`, `30m` or an ISO time → ISO time. */
export function parseAt(value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined) return undefined;
  const relative = /^(?:in\s+)?(\d+)\s*(s|m|h|d)$/i.exec(value.trim());
  if (relative) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2]?.toLowerCase() as 's'] ?? 0;
    return new Date(now + Number(relative[1]) * unit).toISOString();
  }
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new UsageError(`--at "${value}" is neither a time (2030-01-01T09:00:00Z) nor a delay (30m, 2h)`);
  return new Date(time).toISOString();
}

function cell(c: Cell | undefined): string {
  if (!c?.enabled) return 'off';
  if (c.rollout !== undefined && c.rollout < 100) return `${c.rollout}%`;
  return c.strategies > 0 ? 'on*' : 'on';
}

/** Prints what a change did: applied, waiting for approval, scheduled. */
function describeOutcome(ctx: CliContext, outcome: ChangeOutcome, project: string): void {
  switch (outcome.status) {
    case 'applied':
      ctx.out(
        `${outcome.summary}: done${outcome.killSwitch ? ' (kill switch: effective at once in protected environments)' : ''}`,
      );
      return;
    case 'unchanged':
      ctx.out(`${outcome.summary}: nothing to change`);
      return;
    case 'scheduled':
      ctx.out(
        `${outcome.summary}: scheduled for ${outcome.change?.runAt} (change ${outcome.change?.id}; cancel with pont flags cancel ${outcome.change?.id})`,
      );
      return;
    case 'pending-approval': {
      const envs = outcome.approvalRequired.join(', ');
      ctx.out(`${outcome.summary}: waits for approval in ${envs} (change ${outcome.change?.id})`);
      ctx.err(
        `another user with approve in ${envs} can run: pont flags approve ${outcome.change?.id} -p ${project}`,
      );
      return;
    }
    case 'dry-run':
      ctx.out(
        `${outcome.summary}: would change ${outcome.environments.join(', ') || 'the flag'}${outcome.approvalRequired.length ? ` (needs approval in ${outcome.approvalRequired.join(', ')})` : ''}`,
      );
  }
}

async function change(
  ctx: CliContext,
  name: string,
  path: string,
  body: Record<string, unknown>,
  options: CommonOptions & { at?: string; dryRun?: boolean },
): Promise<void> {
  const project = ctx.project(options.project);
  const at = parseAt(options.at);
  const outcome = await ctx.client().request<ChangeOutcome>('POST', `${flagPath(project, name)}${path}`, {
    body: { ...body, ...(at ? { at } : {}), ...(options.dryRun ? { dryRun: true } : {}) },
  });
  const format = parseOutput(options.output, 'name');
  if (format === 'json') return ctx.out(toJson(outcome));
  if (format === 'yaml') return ctx.out(toYaml(outcome));
  describeOutcome(ctx, outcome, project);
}

function environmentYaml(flag: FlagResource | undefined, env: string): string {
  const config: FlagEnvironment | undefined = flag?.spec.environments?.[env];
  return config ? toYaml(config) : '';
}

async function promote(
  ctx: CliContext,
  name: string,
  options: CommonOptions & { from: string; to: string; yes?: boolean; at?: string },
): Promise<void> {
  const project = ctx.project(options.project);
  const client = ctx.client();
  const at = parseAt(options.at);
  const body = { from: options.from, to: options.to, ...(at ? { at } : {}) };
  const preview = await client.request<ChangeOutcome>('POST', `${flagPath(project, name)}/promote`, {
    body: { ...body, dryRun: true },
  });
  if (preview.status === 'unchanged') {
    ctx.out(`flag ${name}: ${options.to} already has the configuration of ${options.from}`);
    return;
  }
  ctx.out(
    unifiedDiff(
      environmentYaml(preview.before, options.to),
      environmentYaml(preview.after, options.to),
      `${name}/${options.to} (now)`,
      `${name}/${options.to} (from ${options.from})`,
    ),
  );
  if (preview.approvalRequired.length > 0)
    ctx.err(`${options.to} is protected: the promotion will wait for an approval`);
  if (!options.yes) {
    if (!ctx.stdin.isTTY) throw new UsageError('not a terminal: pass --yes to promote without being asked');
    if (!(await confirm(`promote ${name} from ${options.from} to ${options.to}?`))) {
      ctx.err('cancelled');
      throw new SilentFailure(1);
    }
  }
  const outcome = await client.request<ChangeOutcome>('POST', `${flagPath(project, name)}/promote`, { body });
  const format = parseOutput(options.output, 'name');
  if (format === 'json') return ctx.out(toJson(outcome));
  describeOutcome(ctx, outcome, project);
}

const TOP_LEVEL = new Set(['userId', 'sessionId', 'remoteAddress', 'environment', 'appName', 'currentTime']);

/** `userId=42 country=no properties.plan=pro` → an Unleash context. */
export function parseContext(pairs: string[]): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  const properties: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--context ${pair}: expected FIELD=VALUE, e.g. userId=42`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (TOP_LEVEL.has(key)) context[key] = value;
    else properties[key.replace(/^properties\./, '')] = value;
  }
  if (Object.keys(properties).length > 0) context.properties = properties;
  return context;
}

async function evaluate(
  ctx: CliContext,
  name: string,
  options: CommonOptions & { env: string; context: string[] },
): Promise<void> {
  const project = ctx.project(options.project);
  const result = await ctx
    .client()
    .request<{ text: string; enabled: boolean }>('POST', `${flagPath(project, name)}/evaluate`, {
      body: { environment: options.env, context: parseContext(options.context) },
    });
  const format = parseOutput(options.output, 'name');
  if (format === 'json') return ctx.out(toJson(result));
  if (format === 'yaml') return ctx.out(toYaml(result));
  ctx.out(result.text);
}

async function list(ctx: CliContext, options: CommonOptions): Promise<void> {
  const project = ctx.project(options.project);
  const overview = await ctx
    .client()
    .request<Overview>('GET', `/api/v1/projects/${enc(project)}/flag-overview`);
  const format = parseOutput(options.output);
  if (format === 'json') return ctx.out(toJson(overview));
  if (format === 'yaml') return ctx.out(toYaml(overview));
  if (format === 'name') return ctx.out(overview.flags.map((f) => f.name).join('\n'));
  if (overview.flags.length === 0) return ctx.err(`No flags in project ${project}.`);
  const envs = overview.environments.map((e) => e.name);
  const rows = overview.flags.map((f) => [
    f.name,
    f.type,
    ...envs.map((e) => cell(f.environments[e])),
    f.stale ? 'stale' : '',
    f.lastSeenAt ? age(f.lastSeenAt) : '',
    f.pendingChanges ? String(f.pendingChanges) : '',
  ]);
  ctx.out(
    renderTable(['NAME', 'TYPE', ...envs.map((e) => e.toUpperCase()), 'STALE', 'SEEN', 'PENDING'], rows),
  );
}

async function apply(
  ctx: CliContext,
  options: CommonOptions & { filename: string[]; dryRun?: boolean },
): Promise<void> {
  const project = ctx.project(options.project);
  const { documents } = await loadDocuments(options.filename, () => readAll(ctx.stdin));
  let results: ChangeOutcome[];
  try {
    ({ results } = await ctx
      .client()
      .request<{ results: ChangeOutcome[] }>('POST', `/api/v1/projects/${enc(project)}/flag-changes`, {
        body: { items: documents.map((d) => d.value), ...(options.dryRun ? { dryRun: true } : {}) },
      }));
  } catch (error) {
    throw locateError(error, documents);
  }
  const format = parseOutput(options.output, 'name');
  if (format === 'json') return ctx.out(toJson({ results }));
  if (format === 'yaml') return ctx.out(toYaml({ results }));
  printResults(ctx, results, project);
}

/** One line per document of a flag-changes answer (segments come back as apply results). */
export function printResults(ctx: CliContext, results: ChangeOutcome[], project: string): void {
  for (const r of results) {
    const label = `${r.kind ?? 'Flag'} ${project}/${r.flag}`;
    if (r.status === 'pending-approval') {
      ctx.out(`${label} waits for approval in ${r.approvalRequired.join(', ')} (change ${r.change?.id})`);
    } else if (r.status === 'dry-run') {
      const approval = r.approvalRequired.length
        ? `, needs approval in ${r.approvalRequired.join(', ')}`
        : '';
      ctx.out(
        `${label} ${r.changes.length ? (r.before ? 'would be configured' : 'would be created') : 'unchanged'} (dry run)${approval}`,
      );
    } else if (r.status === 'applied') {
      ctx.out(`${label} ${r.before ? 'configured' : 'created'}`);
    } else {
      ctx.out(`${label} ${r.status}`);
    }
  }
  const waiting = results.filter((r) => r.status === 'pending-approval');
  if (waiting.length > 0)
    ctx.err(`${waiting.length} change(s) wait for approval: pont flags changes -p ${project}`);
}

async function changes(
  ctx: CliContext,
  options: CommonOptions & { status?: string; flag?: string; all?: boolean },
): Promise<void> {
  const project = ctx.project(options.project);
  const status = options.all ? undefined : (options.status ?? 'pending-approval,scheduled');
  const { items } = await ctx
    .client()
    .request<{ items: FlagChange[] }>('GET', `/api/v1/projects/${enc(project)}/flag-changes`, {
      query: { status, flag: options.flag },
    });
  const format = parseOutput(options.output);
  if (format === 'json') return ctx.out(toJson({ items }));
  if (format === 'yaml') return ctx.out(toYaml(items));
  if (items.length === 0) return ctx.err('No flag changes found.');
  ctx.out(
    renderTable(
      ['ID', 'FLAG', 'STATUS', 'WHEN', 'BY', 'CHANGE'],
      items.map((c) => [
        c.id,
        c.flag,
        c.status,
        c.runAt ?? '',
        c.requestedBy,
        c.summary + (c.message ? ` (${c.message})` : ''),
      ]),
    ),
  );
}

async function decide(
  ctx: CliContext,
  id: string,
  verb: 'approve' | 'reject',
  options: CommonOptions & { comment?: string },
): Promise<void> {
  const project = ctx.project(options.project);
  const client = ctx.client();
  const flagChange = await client.request<FlagChange>(
    'GET',
    `/api/v1/projects/${enc(project)}/flag-changes/${enc(id)}`,
  );
  const pending = (flagChange.approvals ?? []).filter((a) => a.status === 'pending');
  if (pending.length === 0)
    throw new UsageError(`flag change ${id} is ${flagChange.status}; nothing waits for a decision`);
  for (const approval of pending) {
    await client.request('POST', `/api/v1/projects/${enc(project)}/approvals/${enc(approval.id)}/${verb}`, {
      body: options.comment ? { comment: options.comment } : {},
    });
  }
  ctx.out(
    `${flagChange.summary}: ${verb === 'approve' ? 'approved' : 'rejected'} in ${pending.map((a) => a.environment).join(', ')}`,
  );
}

async function history(
  ctx: CliContext,
  name: string,
  options: CommonOptions & { limit?: string },
): Promise<void> {
  const project = ctx.project(options.project);
  const { items } = await ctx.client().request<{
    items: Array<{
      time: string;
      actor: string;
      action: string;
      environment?: string;
      message?: string;
      changes: Array<{ path: string; before?: unknown; after?: unknown }>;
    }>;
  }>('GET', `${flagPath(project, name)}/history`, { query: { limit: options.limit ?? 50 } });
  const format = parseOutput(options.output);
  if (format === 'json') return ctx.out(toJson({ items }));
  if (format === 'yaml') return ctx.out(toYaml(items));
  const show = (v: unknown) => (v === undefined ? '∅' : JSON.stringify(v));
  ctx.out(
    renderTable(
      ['TIME', 'ACTOR', 'ACTION', 'WHAT'],
      items.map((e) => [
        e.time,
        e.actor,
        e.action,
        e.message ?? e.changes.map((c) => `${c.path}: ${show(c.before)} → ${show(c.after)}`).join('; '),
      ]),
    ),
  );
}

async function metrics(
  ctx: CliContext,
  name: string,
  options: CommonOptions & { env?: string; period?: string; since?: string },
): Promise<void> {
  const project = ctx.project(options.project);
  const m = await ctx.client().request<{
    totals: { yes: number; no: number; variants: Record<string, number> };
    items: Array<{
      time: string;
      environment: string;
      yes: number;
      no: number;
      variants: Record<string, number>;
    }>;
  }>('GET', `${flagPath(project, name)}/metrics`, {
    query: { environment: options.env, period: options.period, since: options.since },
  });
  const format = parseOutput(options.output);
  if (format === 'json') return ctx.out(toJson(m));
  if (format === 'yaml') return ctx.out(toYaml(m));
  ctx.out(
    renderTable(
      ['TIME', 'ENVIRONMENT', 'YES', 'NO', 'VARIANTS'],
      m.items.map((i) => [
        i.time,
        i.environment,
        String(i.yes),
        String(i.no),
        Object.entries(i.variants)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      ]),
    ),
  );
  ctx.err(`total: ${m.totals.yes} yes, ${m.totals.no} no`);
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerFlags(program: Command, ctx: CliContext): void {
  const flags = program
    .command('flags')
    .alias('flag')
    .description('Feature flags: toggle, roll out, promote, evaluate');
  const project = [
    '-p, --project <project>',
    'project (default: PONT_PROJECT or `pont project use`)',
  ] as const;
  const output = ['-o, --output <format>', 'table, yaml or json'] as const;
  const at = ['--at <time>', 'schedule the change: an ISO time or a delay such as 30m or 2h'] as const;

  flags
    .command('list')
    .alias('ls')
    .description('Flags × environments: on, off or the rollout percentage; stale; last seen')
    .option(...project)
    .option(...output)
    .action((options: CommonOptions) => list(ctx, options));

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    flags
      .command(verb)
      .argument('<name>')
      .description(
        enabled
          ? 'Switch a flag on in an environment (a protected one needs an approval)'
          : 'Switch a flag off in an environment; effective at once for every SDK, even in a protected environment (kill switch)',
      )
      .requiredOption('--env <environment>', 'the environment')
      .option(...at)
      .option('--dry-run', 'show what would change')
      .option(...project)
      .option('-o, --output <format>', 'name (default), yaml or json')
      .action((name: string, options: ChangeOptions) =>
        change(ctx, name, `/environments/${enc(options.env)}/${verb}`, {}, options),
      );
  }

  flags
    .command('set-rollout')
    .argument('<name>')
    .argument('<percent>', '0 to 100')
    .description(
      "Set the percentage of a flag's rollout strategy in an environment (adds one when there is no strategy)",
    )
    .requiredOption('--env <environment>', 'the environment')
    .option('--strategy <index>', 'which strategy (1 = the first); default the first rollout strategy')
    .option(...at)
    .option('--dry-run', 'show what would change')
    .option(...project)
    .option('-o, --output <format>', 'name (default), yaml or json')
    .action((name: string, percentText: string, options: ChangeOptions & { strategy?: string }) => {
      const percent = Number(percentText.replace(/%$/, ''));
      if (!Number.isInteger(percent) || percent < 0 || percent > 100)
        throw new UsageError(`percent must be a whole number from 0 to 100, not "${percentText}"`);
      const strategy = options.strategy === undefined ? undefined : Number(options.strategy) - 1;
      if (strategy !== undefined && (!Number.isInteger(strategy) || strategy < 0))
        throw new UsageError('--strategy counts from 1');
      return change(
        ctx,
        name,
        `/environments/${enc(options.env)}/rollout`,
        { percent, ...(strategy !== undefined ? { strategy } : {}) },
        options,
      );
    });

  flags
    .command('promote')
    .argument('<name>')
    .description("Copy a flag's configuration from one environment to another, after showing the diff")
    .requiredOption('--from <environment>', 'where the configuration comes from')
    .requiredOption('--to <environment>', 'where it goes')
    .option('-y, --yes', 'do not ask for confirmation')
    .option(...at)
    .option(...project)
    .option('-o, --output <format>', 'name (default) or json')
    .action(
      (name: string, options: CommonOptions & { from: string; to: string; yes?: boolean; at?: string }) =>
        promote(ctx, name, options),
    );

  flags
    .command('eval')
    .argument('<name>')
    .description('Evaluate a flag for a context and print the result and why')
    .requiredOption('--env <environment>', 'the environment')
    .option(
      '-c, --context <field=value>',
      'context field (userId, sessionId, remoteAddress, … or any property); repeatable',
      collect,
      [],
    )
    .option(...project)
    .option('-o, --output <format>', 'text (default), yaml or json')
    .action((name: string, options: CommonOptions & { env: string; context: string[] }) =>
      evaluate(ctx, name, options),
    );

  flags
    .command('apply')
    .description(
      'Apply Flag and Segment files; changes to protected environments become changes waiting for approval',
    )
    .requiredOption('-f, --filename <path...>', 'file, directory (recursive) or - for stdin')
    .option('--dry-run', 'validate and show what would happen')
    .option(...project)
    .option('-o, --output <format>', 'name (default), yaml or json')
    .action((options: CommonOptions & { filename: string[]; dryRun?: boolean }) => apply(ctx, options));

  flags
    .command('changes')
    .description('Flag changes waiting for approval or their time (--all for every one)')
    .option(
      '--status <status>',
      'comma-separated: pending-approval, scheduled, applied, rejected, cancelled, failed',
    )
    .option('--flag <name>', 'only this flag')
    .option('--all', 'every status')
    .option(...project)
    .option(...output)
    .action((options: CommonOptions & { status?: string; flag?: string; all?: boolean }) =>
      changes(ctx, options),
    );

  for (const verb of ['approve', 'reject'] as const) {
    flags
      .command(verb)
      .argument('<change>', 'the flag change id')
      .description(
        `${verb === 'approve' ? 'Approve' : 'Reject'} a flag change waiting for approval (not your own)`,
      )
      .option('--comment <text>', 'why')
      .option(...project)
      .action((id: string, options: CommonOptions & { comment?: string }) => decide(ctx, id, verb, options));
  }

  flags
    .command('cancel')
    .argument('<change>', 'the flag change id')
    .description('Cancel a flag change waiting for approval or its time')
    .option(...project)
    .action(async (id: string, options: CommonOptions) => {
      const p = ctx.project(options.project);
      const cancelled = await ctx
        .client()
        .request<FlagChange>('POST', `/api/v1/projects/${enc(p)}/flag-changes/${enc(id)}/cancel`);
      ctx.out(`${cancelled.summary}: cancelled`);
    });

  flags
    .command('history')
    .argument('<name>')
    .description('Who changed the flag, when, and what')
    .option('--limit <n>', 'most recent events (default 50)')
    .option(...project)
    .option(...output)
    .action((name: string, options: CommonOptions & { limit?: string }) => history(ctx, name, options));

  flags
    .command('metrics')
    .argument('<name>')
    .description('Evaluations reported by SDKs, per minute or hour')
    .option('--env <environment>', 'one environment')
    .option('--period <period>', 'minute (default) or hour')
    .option('--since <time>', 'ISO time or duration back from now (1h, 7d)')
    .option(...project)
    .option(...output)
    .action((name: string, options: CommonOptions & { env?: string; period?: string; since?: string }) =>
      metrics(ctx, name, options),
    );
}
