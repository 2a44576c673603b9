import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { age, parseOutput, renderTable, toJson } from '../output.js';
import { promptHidden } from '../prompt.js';
import { readAll } from '../resource-files.js';

interface User {
  username: string;
  role: string;
  groups: string[];
  disabled: boolean;
  createdAt: string;
}

async function readPassword(ctx: CliContext, fromStdin: boolean | undefined, label: string): Promise<string> {
  if (fromStdin) return (await readAll(ctx.stdin)).replace(/\r?\n$/, '');
  if (ctx.stdin.isTTY) return promptHidden(`${label}: `);
  throw new UsageError('no terminal to ask the password on: pass --password-stdin and pipe it');
}

export function registerUser(program: Command, ctx: CliContext): void {
  const user = program.command('user').description('Local users (admin)');
  user
    .command('list')
    .option('-o, --output <format>', 'table or json')
    .action(async (options: { output?: string }) => {
      const { items } = await ctx.client().request<{ items: User[] }>('GET', '/api/v1/users');
      if (parseOutput(options.output) === 'json') return ctx.out(toJson({ items }));
      const rows = items.map((u) => [
        u.username,
        u.role,
        u.groups.join(','),
        u.disabled ? 'disabled' : 'active',
        age(u.createdAt),
      ]);
      ctx.out(renderTable(['USERNAME', 'ROLE', 'GROUPS', 'STATE', 'AGE'], rows));
    });
  user
    .command('create')
    .argument('<username>')
    .option('--role <role>', 'admin, ops, dev or viewer (default viewer)')
    .option('--group <group...>', 'groups the user belongs to')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (username: string, options: { role?: string; group?: string[]; passwordStdin?: boolean }) => {
        const password = await readPassword(ctx, options.passwordStdin, `Password for ${username}`);
        const body = {
          username,
          password,
          ...(options.role ? { role: options.role } : {}),
          ...(options.group ? { groups: options.group } : {}),
        };
        const created = await ctx.client().request<User>('POST', '/api/v1/users', { body });
        ctx.out(`user ${created.username} created (role ${created.role})`);
      },
    );
  user
    .command('set')
    .argument('<username>')
    .option('--role <role>')
    .option('--group <group...>')
    .option('--disable')
    .option('--enable')
    .option('--password-stdin', 'set a new password read from standard input')
    .action(
      async (
        username: string,
        options: {
          role?: string;
          group?: string[];
          disable?: boolean;
          enable?: boolean;
          passwordStdin?: boolean;
        },
      ) => {
        const body: Record<string, unknown> = {};
        if (options.role) body.role = options.role;
        if (options.group) body.groups = options.group;
        if (options.disable) body.disabled = true;
        if (options.enable) body.disabled = false;
        if (options.passwordStdin) body.password = await readPassword(ctx, true, 'Password');
        if (Object.keys(body).length === 0)
          throw new UsageError(
            'nothing to change: pass --role, --group, --disable, --enable or --password-stdin',
          );
        await ctx.client().request('PATCH', `/api/v1/users/${encodeURIComponent(username)}`, { body });
        ctx.out(`user ${username} updated`);
      },
    );
  user
    .command('delete')
    .argument('<username>')
    .action(async (username: string) => {
      await ctx.client().request('DELETE', `/api/v1/users/${encodeURIComponent(username)}`);
      ctx.out(`user ${username} deleted`);
    });

  program
    .command('whoami')
    .description('Who the stored token or PONT_TOKEN belongs to')
    .action(async () => {
      const me = await ctx
        .client()
        .request<{ type: string; name: string; username: string; role: string }>(
          'GET',
          '/api/v1/auth/whoami',
        );
      ctx.out(
        `${me.type === 'token' ? `token ${me.name} of ${me.username}` : me.username} (role ${me.role}) at ${ctx.client().server}`,
      );
    });
}
