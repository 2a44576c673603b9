import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { parseOutput, renderTable, toJson, toYaml } from '../output.js';

interface AuditEvent {
  id: string;
  time: string;
  actor: string;
  action: string;
  kind: string;
  project: string;
  name: string;
  environment?: string;
  sourceIp?: string;
  changes: Array<{ path: string; before?: unknown; after?: unknown }>;
  message?: string;
}

export interface AuditOptions {
  resource?: string;
  project?: string;
  since?: string;
  actor?: string;
  action?: string;
  limit?: string;
  output?: string;
}

const short = (v: unknown) => (v === undefined ? '∅' : JSON.stringify(v).slice(0, 60));

export async function runAudit(ctx: CliContext, options: AuditOptions): Promise<void> {
  const query: Record<string, string | undefined> = {
    project: options.project,
    since: options.since,
    actor: options.actor,
    action: options.action,
    limit: options.limit ?? '50',
  };
  if (options.resource) {
    const [kind, name] = options.resource.split('/');
    if (!kind) throw new UsageError('--resource expects KIND or KIND/NAME, e.g. Environment/prod');
    query.kind = kind.charAt(0).toUpperCase() + kind.slice(1);
    query.name = name;
  }
  const { items } = await ctx.client().request<{ items: AuditEvent[] }>('GET', '/api/v1/audit', { query });
  const format = parseOutput(options.output);
  if (format === 'json') return ctx.out(toJson({ items }));
  if (format === 'yaml') return ctx.out(toYaml(items));
  const rows = items.map((e) => [
    e.time.replace('T', ' ').slice(0, 19),
    e.actor,
    e.action,
    `${e.kind} ${e.project ? `${e.project}/` : ''}${e.name}`,
    e.message ??
      e.changes
        .map((c) => `${c.path}: ${short(c.before)} → ${short(c.after)}`)
        .slice(0, 3)
        .join('; '),
  ]);
  ctx.out(renderTable(['TIME', 'ACTOR', 'ACTION', 'RESOURCE', 'CHANGES'], rows));
}

export function registerAudit(program: Command, ctx: CliContext): void {
  program
    .command('audit')
    .description('Who changed what, when (newest first)')
    .option('--resource <kind/name>', 'only events about this resource, e.g. Environment/prod')
    .option('-p, --project <project>', 'only this project')
    .option('--since <time>', 'ISO time or a duration back from now (1h, 7d)')
    .option('--actor <name>', 'only this user or token:NAME')
    .option('--action <action>', 'create, update, delete, login, …')
    .option('--limit <n>', 'at most this many events (default 50)')
    .option('-o, --output <format>', 'table, yaml or json')
    .action((options: AuditOptions) => runAudit(ctx, options));
}
