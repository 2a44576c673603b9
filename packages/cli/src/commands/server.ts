import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';

export interface ServerOptions {
  port?: string;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  secretKey?: string;
  adminPassword?: string;
  demo?: boolean;
  logLevel?: string;
}

/** Starts the server in this process; it runs until SIGTERM or Ctrl-C, then drains and exits 0. */
export async function runServer(ctx: CliContext, options: ServerOptions): Promise<void> {
  // Loaded lazily: the server pulls in Fastify, SQLite and SSH, which other commands never need.
  const { loadConfig, startServer } = await import('@pont/server');
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new UsageError(`--port must be a number between 0 and 65535, not "${options.port}"`);
  }
  const config = loadConfig(ctx.env, {
    ...(port !== undefined ? { port } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.secretKey ? { secretKey: options.secretKey } : {}),
    ...(options.adminPassword ? { adminPassword: options.adminPassword } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.demo === false ? { demo: false } : {}),
  });
  await startServer(config);
  // Keep the command pending; the server's signal handler ends the process.
  await new Promise<never>(() => {});
}

export function registerServer(program: Command, ctx: CliContext): void {
  program
    .command('server')
    .description('Start the pont server (same settings as the PONT_* variables)')
    .option('--port <port>', 'PONT_PORT (default 8080)')
    .option('--host <host>', 'PONT_HOST (default 127.0.0.1)')
    .option('--data-dir <dir>', 'PONT_DATA_DIR (default ./.pont)')
    .option('--database-url <url>', 'PONT_DATABASE_URL: postgres://… selects PostgreSQL')
    .option('--secret-key <key>', 'PONT_SECRET_KEY (prefer the variable: flags show in ps)')
    .option('--admin-password <password>', 'PONT_ADMIN_PASSWORD for the first admin (prefer the variable)')
    .option('--log-level <level>', 'PONT_LOG_LEVEL (default info)')
    .option('--no-demo', 'do not create the demo project on a fresh database (PONT_DEMO=0)')
    .action((options: ServerOptions) => runServer(ctx, options));
}
