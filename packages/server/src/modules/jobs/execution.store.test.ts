import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.js';
import {
  createTestPont,
  DIALECTS,
  type MigratedTestDatabase,
  openMigratedTestDatabase,
} from '../../testing/index.js';
import { createKyselyApprovalStore } from '../approvals/approval.store.kysely.js';
import { systemActor } from '../auth/index.js';
import type { ExecutionRecord } from './execution.store.js';
import { createKyselyExecutionStore } from './execution.store.kysely.js';

const record = (id: string, fields: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  id,
  project: 'shop',
  job: 'deploy',
  type: 'job',
  environment: 'test',
  state: 'queued',
  options: { version: '1.2.3' },
  sealedOptions: { token: 'v1:sealed' },
  definition: '{"steps":[]}',
  requestedBy: 'alice',
  trigger: 'user',
  attempt: 1,
  createdAt: `2026-01-01T00:00:${id.slice(-2)}.000Z`,
  outputs: {},
  logLines: 0,
  ...fields,
});

describe.each(DIALECTS)('execution store on %s', (dialect) => {
  let database: MigratedTestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await openMigratedTestDatabase(dialect);
    db = database.db;
  });
  afterAll(() => database.close());

  it('stores executions and moves states only from the expected ones', async () => {
    const store = createKyselyExecutionStore(db.kysely);
    await store.insert(record('E01'));
    await store.insert(record('E02'));
    expect((await store.queued(10)).map((e) => e.id)).toEqual(['E01', 'E02']);
    expect(
      await store.update('E01', { state: 'running', startedAt: '2026-01-01T00:01:00.000Z', worker: 'w1' }, [
        'queued',
      ]),
    ).toBe(true);
    expect(await store.update('E01', { state: 'running' }, ['queued'])).toBe(false);
    const e = await store.get('E01');
    expect(e).toMatchObject({
      state: 'running',
      worker: 'w1',
      options: { version: '1.2.3' },
      sealedOptions: { token: 'v1:sealed' },
    });
    expect(await store.countRunning('shop', 'deploy')).toBe(1);
    expect((await store.active('shop', 'deploy')).map((x) => x.id).sort()).toEqual(['E01', 'E02']);
    expect((await store.running()).map((x) => x.id)).toEqual(['E01']);
    expect((await store.running('2000-01-01T00:00:00.000Z')).map((x) => x.id)).toEqual(['E01']);
    const list = await store.list({ project: 'shop', limit: 1 });
    expect(list.map((x) => x.id)).toEqual(['E02']);
    expect((await store.list({ project: 'shop', before: 'E02' })).map((x) => x.id)).toEqual(['E01']);
  });

  it('upserts step results and appends thousands of log lines in order', async () => {
    // On SQLite this is the raw prepared-statement path the server uses; on PostgreSQL, Kysely's.
    const store = createKyselyExecutionStore(
      db.kysely,
      db.withRawSqlite ? { rawSqlite: db.withRawSqlite } : {},
    );
    const base = {
      executionId: 'E01',
      node: 'web-1',
      stepIndex: 0,
      stepId: 'build',
      attempts: 1,
      outputs: {},
    };
    await store.saveStep({ ...base, status: 'running' });
    await store.saveStep({
      ...base,
      status: 'succeeded',
      exitCode: 0,
      durationMs: 12,
      outputs: { tag: 'v1' },
    });
    expect(await store.steps('E01')).toEqual([
      { ...base, status: 'succeeded', exitCode: 0, durationMs: 12, outputs: { tag: 'v1' } },
    ]);
    const lines = Array.from({ length: 2500 }, (_, i) => ({
      seq: i,
      time: '2026-01-01T00:00:00.000Z',
      node: i % 2 ? 'web-1' : 'web-2',
      step: 'build',
      stream: 'stdout' as const,
      line: `line ${i}`,
    }));
    await store.appendLogs('E01', lines);
    const page = await store.logs('E01', { from: 2000, limit: 10 });
    expect(page.map((l) => l.seq)).toEqual([2000, 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009]);
    expect((await store.logs('E01', { node: 'web-1', limit: 3 })).map((l) => l.line)).toEqual([
      'line 1',
      'line 3',
      'line 5',
    ]);
  });

  it('records each schedule fire time once', async () => {
    const store = createKyselyExecutionStore(db.kysely);
    const fire = {
      project: 'shop',
      job: 'deploy',
      schedule: 'nightly',
      fireTime: '2026-01-01T03:00:00.000Z',
      executionId: 'E02',
    };
    expect(await store.recordFire(fire)).toBe(true);
    expect(await store.recordFire({ ...fire, executionId: 'E99' })).toBe(false);
    expect(await store.lastFire('shop', 'deploy', 'nightly')).toBe('2026-01-01T03:00:00.000Z');
  });

  it('finds expired executions by count and age, and deletes them with steps and logs', async () => {
    const store = createKyselyExecutionStore(db.kysely);
    for (const id of ['E10', 'E11', 'E12', 'E13'])
      await store.insert(record(id, { state: 'succeeded', job: 'report' }));
    await store.insert(record('E14', { state: 'running', job: 'report' }));
    expect((await store.expired('shop', 'report', 2, undefined)).sort()).toEqual(['E10', 'E11']);
    expect((await store.expired('shop', 'report', undefined, '2026-01-01T00:00:11.500Z')).sort()).toEqual([
      'E10',
      'E11',
    ]);
    await store.appendLogs('E10', [{ seq: 0, time: 't', node: 'n', step: 's', stream: 'stdout', line: 'x' }]);
    await store.deleteExecutions(['E10', 'E11']);
    expect(await store.get('E10')).toBeUndefined();
    expect(await store.logs('E10', {})).toEqual([]);
  });

  it('keeps approvals and decides a pending one once', async () => {
    const store = createKyselyApprovalStore(db.kysely);
    await store.insert({
      id: 'A1',
      project: 'shop',
      environment: 'prod',
      subjectType: 'execution',
      subjectId: 'E02',
      subjectName: 'deploy',
      summary: 'run deploy',
      requestedBy: 'alice',
      requestedAt: 't',
      status: 'pending',
    });
    expect(await store.decide('A1', 'approved', 'bob', 't2', 'ok')).toBe(true);
    expect(await store.decide('A1', 'rejected', 'carol', 't3', undefined)).toBe(false);
    expect(await store.forSubject('execution', 'E02')).toEqual([
      expect.objectContaining({ status: 'approved', decidedBy: 'bob', subjectName: 'deploy', comment: 'ok' }),
    ]);
  });
});

describe('the execution engine on PostgreSQL', () => {
  it('runs, logs and kills executions with the same results as on SQLite', async () => {
    const t = await createTestPont('postgres');
    try {
      await t.pont.resources.apply(systemActor, [
        {
          apiVersion: 'pont/v1',
          kind: 'Job',
          metadata: { project: 'demo', name: 'pg-job' },
          spec: {
            nodes: { filter: 'tags: web' },
            dispatch: { threadcount: 2 },
            steps: [{ id: 's', exec: 'echo on ${node.name}' }],
          },
        },
        {
          apiVersion: 'pont/v1',
          kind: 'Job',
          metadata: { project: 'demo', name: 'pg-long' },
          spec: { nodes: { filter: 'dev-web-1' }, steps: [{ id: 's', exec: 'sleep 30' }] },
        },
      ]);
      const wait = async (id: string) => {
        for (;;) {
          const { execution } = await t.pont.jobs.service.get(systemActor, 'demo', id);
          if (!['queued', 'running'].includes(execution.state)) return execution;
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const ok = await t.pont.jobs.service.run(systemActor, 'demo', 'pg-job', { environment: 'test' });
      expect((await wait(ok.id)).state).toBe('succeeded');
      const { lines } = await t.pont.jobs.service.logs(systemActor, 'demo', ok.id, {});
      expect(lines.map((l) => l.line)).toEqual(expect.arrayContaining(['on test-web-1']));
      const long = await t.pont.jobs.service.run(systemActor, 'demo', 'pg-long', { environment: 'dev' });
      await new Promise((r) => setTimeout(r, 300));
      await t.pont.jobs.service.kill(systemActor, 'demo', long.id);
      expect((await wait(long.id)).state).toBe('aborted');
    } finally {
      await t.close();
    }
  });
});
