import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /**
   * SQLite only: runs synchronous work on the raw connection while Kysely holds no transaction
   * on it (bulk inserts in one prepared loop are several times faster than built queries).
   */
  readonly withRawSqlite?: <T>(work: (raw: SQLite.Database) => T) => Promise<T>;
  /** Applies pending migrations; safe to call at every start and from several replicas. */
  migrate(): Promise<void>;
  /** True when the database answers and every known migration has run. */
  ready(): Promise<boolean>;
  destroy(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… selects PostgreSQL; otherwise `sqliteFile` is used. */
  url?: string | undefined;
  sqliteFile?: string | undefined;
  poolSize?: number | undefined;
}

export function openDatabase(options: DatabaseOptions): Db {
  if (options.url && /^postgres(ql)?:\/\//.test(options.url)) {
    return wrap(openPostgres(options.url, options.poolSize ?? 10), 'postgres');
  }
  const file = options.sqliteFile ?? ':memory:';
  const { kysely, raw } = openSqlite(file);
  return {
    ...wrap(kysely, 'sqlite'),
    // Kysely's SQLite driver hands the one connection out under a mutex: holding it means no
    // transaction of Kysely's is open on it while the raw work runs.
    withRawSqlite: (work) => kysely.connection().execute(async () => work(raw)),
  };
}

function openSqlite(file: string): { kysely: Kysely<Database>; raw: SQLite.Database } {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
  return { kysely, raw: database };
}

/**
 * Kysely prepares every query anew, and preparing costs more than running a small query. The
 * same SQL text always gets the same prepared statement back; statements are reusable.
 */
function withStatementCache(database: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = database.prepare.bind(database);
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property, receiver);
        // Native methods must be called on the real object, not the proxy.
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (sql: string) => {
        let statement = cache.get(sql);
        if (!statement) {
          if (cache.size > 2000) cache.clear();
          statement = prepare(sql);
          cache.set(sql, statement);
        }
        return statement;
      };
    },
  });
}

function openPostgres(url: string, max: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const { error, results } = await newMigrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function newMigrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function wrap(kysely: Kysely<Database>, dialect: Dialect): Db {
  const migrator = newMigrator(kysely);
  let migrated = false;
  return {
    kysely,
    dialect,
    async migrate() {
      if (dialect === 'postgres') {
        // Several replicas may start together: one advisory lock on one connection serialises them.
        await kysely.connection().execute(async (conn) => {
          await sql`select pg_advisory_lock(727001)`.execute(conn);
          try {
            await migrateToLatest(conn);
          } finally {
            await sql`select pg_advisory_unlock(727001)`.execute(conn);
          }
        });
      } else {
        await migrateToLatest(kysely);
      }
      migrated = true;
    },
    async ready() {
      try {
        await sql`select 1`.execute(kysely);
        if (migrated) return true;
        const done = await migrator.getMigrations();
        return done.every((m) => m.executedAt !== undefined);
      } catch {
        return false;
      }
    },
    async destroy() {
      await kysely.destroy();
    },
  };
}
