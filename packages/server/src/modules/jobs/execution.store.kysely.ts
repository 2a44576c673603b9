import type { Kysely, Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database, ExecutionsTable } from '../../db/schema.js';
import type {
  ExecutionState,
  ExecutionType,
  LogLine,
  LogStream,
  StepResult,
  StepStatus,
  Trigger,
} from './execution.js';
import type { ExecutionRecord, ExecutionStore, QueuedExecution } from './execution.store.js';

/** One prepared single-row insert looped inside one transaction: the cheapest way SQLite stores a batch. */
function sqliteLogInserter(withRaw: NonNullable<Db['withRawSqlite']>) {
  let insertAll: ((executionId: string, lines: LogLine[]) => void) | undefined;
  return (executionId: string, lines: LogLine[]) =>
    withRaw((raw) => {
      if (!insertAll) {
        const insert = raw.prepare(
          'insert into execution_logs (execution_id, seq, time, node, step, stream, line) values (?, ?, ?, ?, ?, ?, ?)',
        );
        insertAll = raw.transaction((id: string, batch: LogLine[]) => {
          for (const l of batch) insert.run(id, l.seq, l.time, l.node, l.step, l.stream, l.line);
        });
      }
      insertAll(executionId, lines);
    });
}

const FINISHED: ExecutionState[] = ['succeeded', 'failed', 'aborted', 'timed-out', 'incomplete'];

export function createKyselyExecutionStore(
  db: Kysely<Database>,
  options: { rawSqlite?: Db['withRawSqlite'] } = {},
): ExecutionStore {
  const fastInsert = options.rawSqlite ? sqliteLogInserter(options.rawSqlite) : undefined;
  return {
    async insert(e) {
      await db.insertInto('executions').values(toRow(e)).execute();
    },

    async get(id) {
      const row = await db.selectFrom('executions').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async list(q) {
      let query = db.selectFrom('executions').selectAll();
      if (q.project) query = query.where('project', '=', q.project);
      if (q.job) query = query.where('job', '=', q.job);
      if (q.state) query = query.where('state', '=', q.state);
      if (q.environment) query = query.where('environment', '=', q.environment);
      if (q.type) query = query.where('type', '=', q.type);
      if (q.before) query = query.where('id', '<', q.before);
      if (q.since) query = query.where('created_at', '>=', q.since);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(q.limit ?? 50)
        .execute();
      return rows.map(fromRow);
    },

    async update(id, fields, from) {
      const row = toRow({ ...placeholder(), ...fields } as ExecutionRecord);
      const set: Partial<ExecutionsTable> = {};
      for (const key of Object.keys(fields) as Array<keyof ExecutionRecord>) {
        const column = COLUMN[key];
        if (column)
          (set as Record<string, unknown>)[column] = (row as unknown as Record<string, unknown>)[column];
      }
      let query = db.updateTable('executions').set(set).where('id', '=', id);
      if (from) query = query.where('state', 'in', from);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async queued(limit) {
      const rows = await db
        .selectFrom('executions')
        .select(['id', 'project', 'job', 'concurrency'])
        .where('state', '=', 'queued')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        project: r.project,
        ...(r.job ? { job: r.job } : {}),
        concurrency: (r.concurrency ?? 'allow') as QueuedExecution['concurrency'],
      }));
    },

    async countRunning(project, job) {
      const row = await db
        .selectFrom('executions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project', '=', project)
        .where('job', '=', job)
        .where('state', '=', 'running')
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async running(staleBefore) {
      let query = db.selectFrom('executions').selectAll().where('state', '=', 'running');
      if (staleBefore)
        query = query.where((eb) =>
          eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]),
        );
      return (await query.execute()).map(fromRow);
    },

    async active(project, job) {
      const rows = await db
        .selectFrom('executions')
        .selectAll()
        .where('project', '=', project)
        .where('job', '=', job)
        .where('state', 'in', ['queued', 'waiting-approval', 'running'])
        .execute();
      return rows.map(fromRow);
    },

    async saveStep(s) {
      const values = {
        execution_id: s.executionId,
        node: s.node,
        step_index: s.stepIndex,
        step_id: s.stepId,
        status: s.status,
        exit_code: s.exitCode ?? null,
        attempts: s.attempts,
        started_at: s.startedAt ?? null,
        duration_ms: s.durationMs ?? null,
        message: s.message ?? null,
        outputs: JSON.stringify(s.outputs),
      };
      const { execution_id: _e, node: _n, step_index: _i, ...rest } = values;
      await db
        .insertInto('execution_steps')
        .values(values)
        .onConflict((oc) => oc.columns(['execution_id', 'node', 'step_index']).doUpdateSet(rest))
        .execute();
    },

    async steps(executionId) {
      const rows = await db
        .selectFrom('execution_steps')
        .selectAll()
        .where('execution_id', '=', executionId)
        .orderBy('node')
        .orderBy('step_index')
        .execute();
      return rows.map((r) => {
        const step: StepResult = {
          executionId: r.execution_id,
          node: r.node,
          stepIndex: r.step_index,
          stepId: r.step_id,
          status: r.status as StepStatus,
          attempts: r.attempts,
          outputs: JSON.parse(r.outputs) as Record<string, string>,
        };
        if (r.exit_code !== null) step.exitCode = r.exit_code;
        if (r.started_at) step.startedAt = r.started_at;
        if (r.duration_ms !== null) step.durationMs = r.duration_ms;
        if (r.message) step.message = r.message;
        return step;
      });
    },

    async appendLogs(executionId, lines) {
      if (fastInsert) return fastInsert(executionId, lines);
      // Batches keep each statement under the bound-parameter limit.
      for (let i = 0; i < lines.length; i += 1000) {
        const batch = lines.slice(i, i + 1000).map((l) => ({
          execution_id: executionId,
          seq: l.seq,
          time: l.time,
          node: l.node,
          step: l.step,
          stream: l.stream,
          line: l.line,
        }));
        await db.insertInto('execution_logs').values(batch).execute();
      }
    },

    async logs(executionId, q) {
      let query = db
        .selectFrom('execution_logs')
        .selectAll()
        .where('execution_id', '=', executionId)
        .where('seq', '>=', q.from ?? 0);
      if (q.node) query = query.where('node', '=', q.node);
      if (q.step) query = query.where('step', '=', q.step);
      const rows = await query
        .orderBy('seq')
        .limit(q.limit ?? 10_000)
        .execute();
      return rows.map((r) => ({
        seq: r.seq,
        time: r.time,
        node: r.node,
        step: r.step,
        stream: r.stream as LogStream,
        line: r.line,
      }));
    },

    async recordFire(fire) {
      const result = await db
        .insertInto('schedule_fires')
        .values({
          project: fire.project,
          job: fire.job,
          schedule: fire.schedule,
          fire_time: fire.fireTime,
          execution_id: fire.executionId,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async lastFire(project, job, schedule) {
      const row = await db
        .selectFrom('schedule_fires')
        .select((eb) => eb.fn.max('fire_time').as('t'))
        .where('project', '=', project)
        .where('job', '=', job)
        .where('schedule', '=', schedule)
        .executeTakeFirst();
      return row?.t ?? undefined;
    },

    async deleteExecutions(ids) {
      for (let i = 0; i < ids.length; i += 500) {
        const batch = ids.slice(i, i + 500);
        await db.deleteFrom('execution_logs').where('execution_id', 'in', batch).execute();
        await db.deleteFrom('execution_steps').where('execution_id', 'in', batch).execute();
        await db.deleteFrom('executions').where('id', 'in', batch).execute();
      }
    },

    async expired(project, job, keep, before) {
      const ids = new Set<string>();
      let base = db
        .selectFrom('executions')
        .select('id')
        .where('project', '=', project)
        .where('state', 'in', FINISHED);
      // Without a job: the project's ad-hoc commands, which have none.
      base = job !== undefined ? base.where('job', '=', job) : base.where('job', 'is', null);
      if (keep !== undefined) {
        const rows = await base.orderBy('id', 'desc').offset(keep).limit(100_000).execute();
        for (const r of rows) ids.add(r.id);
      }
      if (before !== undefined) {
        for (const r of await base.where('created_at', '<', before).execute()) ids.add(r.id);
      }
      return [...ids];
    },
  };
}

const COLUMN: Partial<Record<keyof ExecutionRecord, keyof ExecutionsTable>> = {
  state: 'state',
  options: 'options',
  sealedOptions: 'options',
  definition: 'definition',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  durationMs: 'duration_ms',
  worker: 'worker',
  heartbeatAt: 'heartbeat_at',
  message: 'message',
  outputs: 'outputs',
  logLines: 'log_lines',
  attempt: 'attempt',
};

function placeholder(): ExecutionRecord {
  return {
    id: '',
    project: '',
    type: 'job',
    environment: '',
    state: 'queued',
    options: {},
    sealedOptions: {},
    requestedBy: '',
    trigger: 'user',
    attempt: 1,
    createdAt: '',
    outputs: {},
    logLines: 0,
    definition: '{}',
  };
}

/** Options column: plain values of ordinary options and sealed values of secret ones, together. */
function toRow(e: ExecutionRecord): ExecutionsTable {
  return {
    id: e.id,
    project: e.project,
    job: e.job ?? null,
    type: e.type,
    environment: e.environment,
    state: e.state,
    options: JSON.stringify({ values: e.options, sealed: e.sealedOptions }),
    definition: e.definition,
    requested_by: e.requestedBy,
    trigger: e.trigger,
    schedule: e.schedule ?? null,
    parent_id: e.parentId ?? null,
    attempt: e.attempt,
    created_at: e.createdAt,
    started_at: e.startedAt ?? null,
    finished_at: e.finishedAt ?? null,
    duration_ms: e.durationMs ?? null,
    worker: e.worker ?? null,
    heartbeat_at: e.heartbeatAt ?? null,
    message: e.message ?? null,
    outputs: JSON.stringify(e.outputs),
    log_lines: e.logLines,
    concurrency: concurrencyOf(e.definition),
  };
}

function concurrencyOf(definition: string): string {
  try {
    return (JSON.parse(definition) as { concurrency?: string }).concurrency ?? 'allow';
  } catch {
    return 'allow';
  }
}

function fromRow(r: Selectable<ExecutionsTable>): ExecutionRecord {
  const options = JSON.parse(r.options) as { values: Record<string, string>; sealed: Record<string, string> };
  const e: ExecutionRecord = {
    id: r.id,
    project: r.project,
    type: r.type as ExecutionType,
    environment: r.environment,
    state: r.state as ExecutionState,
    options: options.values,
    sealedOptions: options.sealed,
    definition: r.definition,
    requestedBy: r.requested_by,
    trigger: r.trigger as Trigger,
    attempt: r.attempt,
    createdAt: r.created_at,
    outputs: JSON.parse(r.outputs) as ExecutionRecord['outputs'],
    logLines: r.log_lines,
  };
  if (r.job) e.job = r.job;
  if (r.schedule) e.schedule = r.schedule;
  if (r.parent_id) e.parentId = r.parent_id;
  if (r.started_at) e.startedAt = r.started_at;
  if (r.finished_at) e.finishedAt = r.finished_at;
  if (r.duration_ms !== null) e.durationMs = r.duration_ms;
  if (r.worker) e.worker = r.worker;
  if (r.heartbeat_at) e.heartbeatAt = r.heartbeat_at;
  if (r.message) e.message = r.message;
  return e;
}
