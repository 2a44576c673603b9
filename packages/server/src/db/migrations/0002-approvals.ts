import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('project', 'varchar(64)', (c) => c.notNull())
    .addColumn('environment', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'varchar(128)', (c) => c.notNull())
    .addColumn('requested_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('decided_by', 'varchar(128)')
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('comment', 'text')
    .execute();
  await db.schema
    .createIndex('approvals_project_status_idx')
    .on('approvals')
    .columns(['project', 'status'])
    .execute();
  await db.schema
    .createIndex('approvals_subject_idx')
    .on('approvals')
    .columns(['subject_type', 'subject_id'])
    .execute();
}
