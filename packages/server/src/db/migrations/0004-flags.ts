import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  // Flag changes waiting for an approval or a time, and their outcome.
  await db.schema
    .createTable('flag_changes')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('project', 'varchar(64)', (c) => c.notNull())
    .addColumn('flag', 'varchar(253)', (c) => c.notNull())
    .addColumn('environments', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'varchar(128)', (c) => c.notNull())
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('run_at', 'varchar(32)')
    .addColumn('status', 'varchar(24)', (c) => c.notNull())
    .addColumn('base_version', 'varchar(32)')
    .addColumn('finished_at', 'varchar(32)')
    .addColumn('message', 'text')
    .execute();
  await db.schema
    .createIndex('flag_changes_project_idx')
    .on('flag_changes')
    .columns(['project', 'status'])
    .execute();
  await db.schema
    .createIndex('flag_changes_due_idx')
    .on('flag_changes')
    .columns(['status', 'run_at'])
    .execute();

  // Evaluation counts from SDKs, rolled up per minute and per hour; variant '' holds yes/no.
  await db.schema
    .createTable('flag_metrics')
    .addColumn('project', 'varchar(64)', (c) => c.notNull())
    .addColumn('environment', 'varchar(64)', (c) => c.notNull())
    .addColumn('flag', 'varchar(255)', (c) => c.notNull())
    .addColumn('app_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('period', 'varchar(8)', (c) => c.notNull())
    .addColumn('bucket', 'varchar(32)', (c) => c.notNull())
    .addColumn('variant', 'varchar(255)', (c) => c.notNull())
    .addColumn('yes', 'bigint', (c) => c.notNull())
    .addColumn('no', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('flag_metrics_pk', [
      'project',
      'environment',
      'flag',
      'app_name',
      'period',
      'bucket',
      'variant',
    ])
    .execute();
  await db.schema
    .createIndex('flag_metrics_age_idx')
    .on('flag_metrics')
    .columns(['period', 'bucket'])
    .execute();

  await db.schema
    .createTable('flag_seen')
    .addColumn('project', 'varchar(64)', (c) => c.notNull())
    .addColumn('environment', 'varchar(64)', (c) => c.notNull())
    .addColumn('flag', 'varchar(255)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('flag_seen_pk', ['project', 'environment', 'flag'])
    .execute();

  // Applications (SDK instances) that registered or sent metrics.
  await db.schema
    .createTable('flag_clients')
    .addColumn('project', 'varchar(64)', (c) => c.notNull())
    .addColumn('environment', 'varchar(64)', (c) => c.notNull())
    .addColumn('app_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('instance_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('sdk_version', 'varchar(255)')
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('started_at', 'varchar(32)')
    .addColumn('interval_ms', 'integer')
    .addColumn('first_seen_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('flag_clients_pk', ['project', 'environment', 'app_name', 'instance_id'])
    .execute();
}
