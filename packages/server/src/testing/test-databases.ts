import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Db, openDatabase } from '../db/database.js';

/** Where the tests' PostgreSQL server is; `.ci/run` starts it on loopback. */
export const TEST_POSTGRES_URL =
  process.env.PONT_TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  dialect: 'sqlite' | 'postgres';
  /** Settings for openDatabase / PontConfig. */
  url?: string;
  dataDir: string;
  drop(): Promise<void>;
}

export const DIALECTS = ['sqlite', 'postgres'] as const;

/** A fresh, empty database of the dialect: a SQLite file in a temp dir, or a new PostgreSQL database. */
export async function createTestDatabase(dialect: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pont-test-'));
  if (dialect === 'sqlite') {
    return { dialect, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `pont_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is required for the tests and is not reachable at ${TEST_POSTGRES_URL} (${(error as Error).message}). ` +
        'Start it with .ci/start-postgres.sh or set PONT_TEST_DATABASE_URL.',
    );
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    dialect,
    url: url.toString(),
    dataDir,
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface MigratedTestDatabase {
  db: Db;
  /** Closes the connection and drops the database. */
  close(): Promise<void>;
}

/** A fresh database of the dialect, migrated to the latest schema: what store tests start from. */
export async function openMigratedTestDatabase(
  dialect: 'sqlite' | 'postgres',
): Promise<MigratedTestDatabase> {
  const database = await createTestDatabase(dialect);
  const db = openDatabase({ url: database.url, sqliteFile: join(database.dataDir, 'pont.db') });
  await db.migrate();
  return {
    db,
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
}
