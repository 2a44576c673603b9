import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PontConfig {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… selects PostgreSQL; unset means SQLite in dataDir. */
  databaseUrl?: string;
  secretKey?: string;
  adminPassword?: string;
  logLevel: string;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  /** Seed the demo project on a fresh database. */
  demo: boolean;
  /** Mark cookies Secure (behind TLS). */
  secureCookies: boolean;
  /** Largest file accepted by uploads (files for copy steps, artifacts), bytes. */
  uploadLimit: number;
  /** Executions this process runs at once; more wait in the queue. */
  maxRunning: number;
  /** On shutdown, running executions get this long to finish before they are stopped. */
  shutdownGraceMs: number;
  /** On SIGTERM, keep serving (readiness 503) this long before closing, so queued requests finish. */
  shutdownDelayMs: number;
  /** Built web console; unset disables serving it. */
  webDir?: string;
}

export type Env = Record<string, string | undefined>;

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${value}"`);
  return n;
}

/** Configuration from PONT_* variables; `overrides` (command-line flags) win. */
export function loadConfig(env: Env = process.env, overrides: Partial<PontConfig> = {}): PontConfig {
  const config: PontConfig = {
    port: integer('PONT_PORT', env.PONT_PORT, 8080),
    host: env.PONT_HOST || '127.0.0.1',
    dataDir: resolve(env.PONT_DATA_DIR || '.pont'),
    logLevel: env.PONT_LOG_LEVEL || 'info',
    bodyLimit: integer('PONT_BODY_LIMIT', env.PONT_BODY_LIMIT, 1024 * 1024),
    demo: flag(env.PONT_DEMO, true),
    secureCookies: flag(env.PONT_SECURE_COOKIES, false),
    shutdownDelayMs: integer('PONT_SHUTDOWN_DELAY_MS', env.PONT_SHUTDOWN_DELAY_MS, 300),
    uploadLimit: integer('PONT_UPLOAD_LIMIT', env.PONT_UPLOAD_LIMIT, 1024 * 1024 * 1024),
    maxRunning: integer('PONT_MAX_RUNNING', env.PONT_MAX_RUNNING, 32),
    shutdownGraceMs: integer('PONT_SHUTDOWN_GRACE_MS', env.PONT_SHUTDOWN_GRACE_MS, 10_000),
  };
  if (env.PONT_DATABASE_URL) config.databaseUrl = env.PONT_DATABASE_URL;
  if (env.PONT_SECRET_KEY) config.secretKey = env.PONT_SECRET_KEY;
  if (env.PONT_ADMIN_PASSWORD) config.adminPassword = env.PONT_ADMIN_PASSWORD;
  const webDir = env.PONT_WEB_DIR ? resolve(env.PONT_WEB_DIR) : defaultWebDir();
  if (webDir) config.webDir = webDir;
  const merged = {
    ...config,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
  if (overrides.dataDir) merged.dataDir = resolve(overrides.dataDir);
  return merged;
}

/** The console built by `npm run build` next to this package in the monorepo (src or dist alike). */
function defaultWebDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../web/dist', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}
