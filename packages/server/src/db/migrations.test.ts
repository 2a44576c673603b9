import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../testing/index.js';
import { type Db, openDatabase } from './database.js';
import { migrations } from './migrations/index.js';

/**
 * Each migration is applied on top of a database that already holds data from the ones before,
 * and the data must survive: a migration that only works on empty tables fails here.
 */
describe.each(DIALECTS)('migrations on %s', (dialect) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = openDatabase({ url: database.url, sqliteFile: `${database.dataDir}/pont.db` });
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  it('migrates step by step with data in the tables, then is ready', async () => {
    const names = Object.keys(migrations).sort();
    const migrator = new Migrator({ db: db.kysely, provider: { getMigrations: async () => migrations } });
    expect(await db.ready()).toBe(false);
    for (const name of names) {
      const { error } = await migrator.migrateTo(name);
      expect(error).toBeUndefined();
      // Put a row in every table that exists so far; later migrations must carry it along.
      const tables = (await db.kysely.introspection.getTables()).map((t) => t.name);
      if (tables.includes('resources')) {
        await sql`insert into resources (kind, project, name, uid, api_version, labels, spec, status, resource_version, created_at, updated_at)
          values ('Project', '', ${`p-${name}`}, 'u', 'pont/v1', '{}', '{}', '{}', 1, '2026-01-01', '2026-01-01')`.execute(
          db.kysely,
        );
      }
    }
    const rows = await db.kysely.selectFrom('resources').select('name').execute();
    expect(rows.map((r) => r.name).sort()).toEqual(names.map((n) => `p-${n}`).sort());
    expect(await db.ready()).toBe(true);
    // Running again at start is a no-op.
    await db.migrate();
  });
});
