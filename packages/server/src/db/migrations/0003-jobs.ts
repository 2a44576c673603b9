import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('executions')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('project', 'varchar(64)', (c) => c.notNull())
    .addColumn('job', 'varchar(64)')
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    .addColumn('environment', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'varchar(24)', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'varchar(128)', (c) => c.notNull())
    .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
    .addColumn('schedule', 'varchar(64)')
    .addColumn('parent_id', 'varchar(32)')
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('started_at', 'varchar(32)')
    .addColumn('finished_at', 'varchar(32)')
    .addColumn('duration_ms', 'integer')
    .addColumn('worker', 'varchar(64)')
    .addColumn('heartbeat_at', 'varchar(32)')
    .addColumn('message', 'text')
    .addColumn('outputs', 'text', (c) => c.notNull())
    .addColumn('log_lines', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('executions_state_idx')
    .on('executions')
    .columns(['state', 'created_at'])
    .execute();
  await db.schema
    .createIndex('executions_job_idx')
    .on('executions')
    .columns(['project', 'job', 'id'])
    .execute();
  await db.schema.createIndex('executions_project_idx').on('executions').columns(['project', 'id']).execute();

  await db.schema
    .createTable('execution_steps')
    .addColumn('execution_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('node', 'varchar(253)', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('step_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('exit_code', 'integer')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'varchar(32)')
    .addColumn('duration_ms', 'integer')
    .addColumn('message', 'text')
    .addColumn('outputs', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('execution_steps_pk', ['execution_id', 'node', 'step_index'])
    .execute();

  await db.schema
    .createTable('execution_logs')
    .addColumn('execution_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('time', 'varchar(32)', (c) => c.notNull())
    .addColumn('node', 'varchar(253)', (c) => c.notNull())
    .addColumn('step', 'varchar(64)', (c) => c.notNull())
    .addColumn('stream', 'varchar(8)', (c) => c.notNull())
    .addColumn('line', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('execution_logs_pk', ['execution_id', 'seq'])
    .execute();

  await db.schema
    .createTable('schedule_fires')
    .addColumn('project', 'varchar(64)', (c) => c.notNull())
    .addColumn('job', 'varchar(64)', (c) => c.notNull())
    .addColumn('schedule', 'varchar(64)', (c) => c.notNull())
    .addColumn('fire_time', 'varchar(32)', (c) => c.notNull())
    .addColumn('execution_id', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_fires_pk', ['project', 'job', 'schedule', 'fire_time'])
    .execute();

  await db.schema
    .createTable('files')
    .addColumn('project', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(253)', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('uploaded_by', 'varchar(128)', (c) => c.notNull())
    .addColumn('uploaded_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('files_pk', ['project', 'name'])
    .execute();
}
