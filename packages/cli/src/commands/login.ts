import { hostname } from 'node:os';
import { createPontClient } from '@pont/sdk';
import type { Command } from 'commander';
import { writeCliConfig } from '../config-store.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { promptHidden } from '../prompt.js';
import { readAll } from '../resource-files.js';

export interface LoginOptions {
  username: string;
  passwordStdin?: boolean;
  project?: string;
}

/** Logs in once and keeps a 30-day token (not the password) in ~/.config/pont/config.json, mode 0600. */
export async function runLogin(ctx: CliContext, url: string, options: LoginOptions): Promise<void> {
  if (!/^https?:\/\//.test(url))
    throw new UsageError(`"${url}" is not a URL; expected e.g. http://127.0.0.1:8080`);
  let password: string;
  if (options.passwordStdin) password = (await readAll(ctx.stdin)).replace(/\r?\n$/, '');
  else if (ctx.stdin.isTTY) password = await promptHidden(`Password for ${options.username}: `);
  else throw new UsageError('no terminal to ask the password on: pass --password-stdin and pipe it');
  const client = createPontClient({ server: url });
  const answer = await client.request<{
    token: string;
    expiresAt?: string;
    user: { username: string; role: string };
  }>('POST', '/api/v1/auth/login', {
    body: { username: options.username, password, issueToken: true, tokenName: `cli-${hostname()}` },
  });
  const previous = ctx.config();
  const file = writeCliConfig(
    {
      ...previous,
      server: url.replace(/\/+$/, ''),
      token: answer.token,
      username: answer.user.username,
      ...(options.project ? { project: options.project } : {}),
    },
    ctx.env,
  );
  ctx.out(
    `Logged in to ${url} as ${answer.user.username} (${answer.user.role}); token saved in ${file}${answer.expiresAt ? `, valid until ${answer.expiresAt}` : ''}`,
  );
}

export function registerLogin(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('Log in to a pont server and remember it')
    .argument('<url>', 'server URL, e.g. http://127.0.0.1:8080')
    .requiredOption('-u, --username <username>', 'user name')
    .option('--password-stdin', 'read the password from standard input')
    .option('-p, --project <project>', 'remember this project as the default')
    .action((url: string, options: LoginOptions) => runLogin(ctx, url, options));

  program
    .command('logout')
    .description('Forget the stored token')
    .action(() => {
      const { token: _token, ...rest } = ctx.config();
      const file = writeCliConfig(rest, ctx.env);
      ctx.out(`Logged out; ${file} no longer holds a token`);
    });
}
