import { type Kysely, PostgresAdapter } from 'kysely';

// audit_events.actor_type holds `token:<token name>`; 16 characters were too few for names such as
// the `cli-2026-01-01` tokens of `pont login`, so PostgreSQL refused every write made with them.
// SQLite does not enforce varchar lengths and needs nothing.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await db.schema
    .alterTable('audit_events')
    .alterColumn('actor_type', (c) => c.setDataType('varchar(160)'))
    .execute();
}
