import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { buildApp } from '../app.js';
import { createPont, type Pont } from '../composition-root.js';
import { loadConfig, type PontConfig } from '../config.js';
import { seedDemo } from '../demo.js';
import { type RoleName, systemActor } from '../modules/auth/index.js';
import { createTestDatabase, type TestDatabase } from './test-databases.js';

export const ADMIN_PASSWORD = 'admin-password-1';

export interface TestPont {
  pont: Pont;
  app: FastifyInstance;
  database: TestDatabase;
  /** An API token of the bootstrap admin. */
  adminToken: string;
  /** Creates a user with the role and returns an API token of theirs. */
  userToken(username: string, role: RoleName, groups?: string[]): Promise<string>;
  /** app.inject with a bearer token. */
  call(token: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A full pont (real database, real app) for a test file; `demo` seeds the demo project. */
export async function createTestPont(
  dialect: 'sqlite' | 'postgres' = 'sqlite',
  options: { demo?: boolean; config?: Partial<PontConfig> } = {},
): Promise<TestPont> {
  const database = await createTestDatabase(dialect);
  const config = loadConfig(
    {
      PONT_DATA_DIR: database.dataDir,
      PONT_LOG_LEVEL: 'silent',
      ...(database.url ? { PONT_DATABASE_URL: database.url } : {}),
    },
    { webDir: undefined, ...options.config },
  );
  delete config.webDir;
  const pont = await createPont(config, pino({ level: 'silent' }));
  await pont.auth.bootstrapAdmin(ADMIN_PASSWORD);
  if (options.demo ?? true) await seedDemo(pont);
  const app = await buildApp(pont);
  await app.ready();
  await pont.start();

  const login = async (username: string, password: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password, issueToken: true },
    });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.body}`);
    return (res.json() as { token: string }).token;
  };
  const adminToken = await login('admin', ADMIN_PASSWORD);

  return {
    pont,
    app,
    database,
    adminToken,
    async userToken(username, role, groups = []) {
      const password = `${username}-password-1`;
      await pont.auth.createUser(systemActor, { username, password, role, groups });
      return login(username, password);
    },
    call(token, inject) {
      const headers = { ...(inject.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
      return app.inject({ ...inject, headers });
    },
    async close() {
      await app.close();
      await pont.close();
      await database.drop();
    },
  };
}
