import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  // Versions of an app pushed to pont; the bytes are a file of the project (copy steps use it).
  await db.schema
    .createTable('artifacts')
    .addColumn('project', 'varchar(64)', (c) => c.notNull())
    .addColumn('app', 'varchar(64)', (c) => c.notNull())
    .addColumn('version', 'varchar(128)', (c) => c.notNull())
    .addColumn('file', 'varchar(253)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'varchar(128)', (c) => c.notNull())
    .addColumn('uploaded_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('artifacts_pk', ['project', 'app', 'version'])
    .execute();
  await db.schema
    .createIndex('artifacts_age_idx')
    .on('artifacts')
    .columns(['project', 'app', 'uploaded_at'])
    .execute();

  // One row per deployment of a version of an app to an environment.
  await db.schema
    .createTable('deployments')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('project', 'varchar(64)', (c) => c.notNull())
    .addColumn('app', 'varchar(64)', (c) => c.notNull())
    .addColumn('environment', 'varchar(64)', (c) => c.notNull())
    .addColumn('version', 'varchar(128)', (c) => c.notNull())
    .addColumn('previous_version', 'varchar(128)')
    .addColumn('artifact', 'text', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
    .addColumn('source_environment', 'varchar(64)')
    .addColumn('rollback_of', 'varchar(32)')
    .addColumn('rolled_back_by', 'varchar(32)')
    .addColumn('requested_by', 'varchar(128)', (c) => c.notNull())
    .addColumn('requested_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('started_at', 'varchar(32)')
    .addColumn('finished_at', 'varchar(32)')
    .addColumn('duration_ms', 'integer')
    .addColumn('status', 'varchar(24)', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('forced', 'text')
    .addColumn('executions', 'text', (c) => c.notNull())
    .addColumn('health', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('worker', 'varchar(64)')
    .addColumn('heartbeat_at', 'varchar(32)')
    .execute();
  // History of one app in one environment, newest first; the promotion check (did it succeed there?).
  await db.schema
    .createIndex('deployments_target_idx')
    .on('deployments')
    .columns(['project', 'app', 'environment', 'id'])
    .execute();
  await db.schema
    .createIndex('deployments_version_idx')
    .on('deployments')
    .columns(['project', 'app', 'environment', 'version', 'status'])
    .execute();
  // The dispatcher's queue and the matrix's pending counts.
  await db.schema.createIndex('deployments_status_idx').on('deployments').columns(['status', 'id']).execute();
  await db.schema
    .createIndex('deployments_project_idx')
    .on('deployments')
    .columns(['project', 'status', 'id'])
    .execute();

  // What runs where: one row per app and environment, kept with each deployment, so the
  // environment matrix reads a few hundred rows whatever the history holds. `active_id` is the
  // one deployment allowed to run there (a conditional update claims it).
  await db.schema
    .createTable('deployment_targets')
    .addColumn('project', 'varchar(64)', (c) => c.notNull())
    .addColumn('app', 'varchar(64)', (c) => c.notNull())
    .addColumn('environment', 'varchar(64)', (c) => c.notNull())
    .addColumn('current_version', 'varchar(128)')
    .addColumn('current_deployment_id', 'varchar(32)')
    .addColumn('current_since', 'varchar(32)')
    .addColumn('last_deployment_id', 'varchar(32)')
    .addColumn('last_version', 'varchar(128)')
    .addColumn('last_status', 'varchar(24)')
    .addColumn('last_at', 'varchar(32)')
    .addColumn('active_id', 'varchar(32)')
    .addPrimaryKeyConstraint('deployment_targets_pk', ['project', 'app', 'environment'])
    .execute();
}
