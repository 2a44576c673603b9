import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { age, parseOutput, renderTable, toJson, toYaml } from '../output.js';

interface TokenRecord {
  id: string;
  name: string;
  type: string;
  role: string;
  owner?: string;
  project?: string;
  environment?: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

export interface TokenCreateOptions {
  role?: string;
  expires?: string;
  type?: string;
  project?: string;
  env?: string;
  output?: string;
}

export async function runTokenCreate(
  ctx: CliContext,
  name: string,
  options: TokenCreateOptions,
): Promise<void> {
  const type = options.type ?? 'api';
  if (!['api', 'client', 'frontend'].includes(type))
    throw new UsageError(`--type must be api, client or frontend, not "${type}"`);
  const body: Record<string, unknown> = { name, type };
  if (options.role) body.role = options.role;
  if (options.expires) body.expires = options.expires;
  if (type !== 'api') {
    body.project = ctx.project(options.project);
    if (!options.env) throw new UsageError(`a ${type} token needs --env ENV`);
    body.environment = options.env;
  }
  const created = await ctx
    .client()
    .request<TokenRecord & { token: string }>('POST', '/api/v1/tokens', { body });
  const format = parseOutput(options.output, 'name');
  if (format === 'json') return ctx.out(toJson(created));
  if (format === 'yaml') return ctx.out(toYaml(created));
  ctx.out(created.token);
  ctx.err(
    `token ${created.name} (${created.type}, role ${created.role}${created.expiresAt ? `, expires ${created.expiresAt}` : ''}) created; it is shown only this once`,
  );
}

export function registerToken(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('API, client and frontend tokens');
  token
    .command('create')
    .argument('<name>')
    .description('Create a token and print it once')
    .option('--role <role>', 'admin, ops, dev or viewer (at most your own; default your role)')
    .option('--expires <duration>', 'lifetime such as 30d, 12h (default: no expiry)')
    .option('--type <type>', 'api (default), client (Unleash SDKs) or frontend')
    .option('-p, --project <project>', 'project of a client/frontend token')
    .option('--env <environment>', 'environment of a client/frontend token')
    .option('-o, --output <format>', 'name (token only, default), yaml or json')
    .action((name: string, options: TokenCreateOptions) => runTokenCreate(ctx, name, options));
  token
    .command('list')
    .description('Your tokens (every token for admins)')
    .option('-o, --output <format>', 'table, yaml or json')
    .action(async (options: { output?: string }) => {
      const { items } = await ctx.client().request<{ items: TokenRecord[] }>('GET', '/api/v1/tokens');
      const format = parseOutput(options.output);
      if (format === 'json') return ctx.out(toJson({ items }));
      if (format === 'yaml') return ctx.out(toYaml(items));
      const rows = items.map((t) => [
        t.id,
        t.name,
        t.type,
        t.role,
        t.owner ?? '',
        t.project ? `${t.project}/${t.environment ?? ''}` : '',
        t.revokedAt
          ? 'revoked'
          : t.expiresAt && t.expiresAt < new Date().toISOString()
            ? 'expired'
            : 'active',
        age(t.createdAt),
      ]);
      ctx.out(renderTable(['ID', 'NAME', 'TYPE', 'ROLE', 'OWNER', 'SCOPE', 'STATE', 'AGE'], rows));
    });
  token
    .command('revoke')
    .argument('<id>')
    .description('Revoke a token at once')
    .action(async (id: string) => {
      await ctx.client().request('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
      ctx.out(`token ${id} revoked`);
    });
}
