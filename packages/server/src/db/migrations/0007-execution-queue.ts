import { type Kysely, sql } from 'kysely';

/**
 * The dispatcher scans queued executions on every start and finish: it needs only a few small
 * columns, in id order. A job's concurrency mode becomes a column so the scan never reads the
 * frozen job definitions.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('executions').addColumn('concurrency', 'varchar(8)').execute();
  await sql`update executions set concurrency = 'allow'`.execute(db);
  await db.schema.createIndex('executions_queue_idx').on('executions').columns(['state', 'id']).execute();
}
