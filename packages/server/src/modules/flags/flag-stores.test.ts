import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.js';
import { DIALECTS, type MigratedTestDatabase, openMigratedTestDatabase } from '../../testing/index.js';
import { systemActor } from '../auth/index.js';
import type { StoredFlagChange } from './flag-change.js';
import { createKyselyFlagChangeStore } from './flag-change.store.kysely.js';
import { createFlagMetricsService } from './flag-metrics.service.js';
import type { MetricRow } from './flag-metrics.store.js';
import { createKyselyFlagMetricsStore } from './flag-metrics.store.kysely.js';

const change = (id: string, status: StoredFlagChange['status'], runAt?: string): StoredFlagChange => ({
  id,
  project: 'shop',
  flag: 'checkout',
  environments: ['prod'],
  operation: { type: 'toggle', environment: 'prod', enabled: true },
  summary: 'enable flag checkout in prod',
  requestedBy: 'dan',
  requester: { ...systemActor, name: 'dan', type: 'user' },
  requestedAt: '2026-01-01T00:00:00.000Z',
  status,
  ...(runAt ? { runAt } : {}),
});

const row = (over: Partial<MetricRow>): MetricRow => ({
  project: 'shop',
  environment: 'prod',
  flag: 'checkout',
  appName: 'web',
  period: 'minute',
  bucket: '2026-01-01T10:00:00.000Z',
  variant: '',
  yes: 1,
  no: 0,
  ...over,
});

describe.each(DIALECTS)('flag stores on %s', (dialect) => {
  let database: MigratedTestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await openMigratedTestDatabase(dialect);
    db = database.db;
  });
  afterAll(() => database.close());

  it('stores flag changes and moves each one at most once', async () => {
    const store = createKyselyFlagChangeStore(db.kysely);
    await store.insert(change('01A', 'pending-approval'));
    await store.insert(change('01B', 'scheduled', '2026-01-01T12:00:00.000Z'));
    await store.insert(change('01C', 'scheduled', '2026-01-02T12:00:00.000Z'));
    expect(await store.get('01A')).toEqual(change('01A', 'pending-approval'));
    expect((await store.list({ project: 'shop' })).map((c) => c.id)).toEqual(['01C', '01B', '01A']);
    expect((await store.list({ project: 'shop', statuses: ['scheduled'] })).map((c) => c.id)).toEqual([
      '01C',
      '01B',
    ]);
    expect(await store.list({ project: 'other' })).toEqual([]);
    expect((await store.due('2026-01-01T12:30:00.000Z')).map((c) => c.id)).toEqual(['01B']);
    // Two replicas race for the same due change: one wins.
    const wins = await Promise.all([
      store.transition('01B', ['scheduled'], 'applying'),
      store.transition('01B', ['scheduled'], 'applying'),
    ]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(
      await store.transition('01B', ['applying'], 'applied', {
        finishedAt: '2026-01-01T12:30:01.000Z',
        message: 'ok',
      }),
    ).toBe(true);
    expect(await store.get('01B')).toMatchObject({
      status: 'applied',
      finishedAt: '2026-01-01T12:30:01.000Z',
      message: 'ok',
    });
    expect(await store.transition('01B', ['scheduled'], 'cancelled')).toBe(false);
  });

  it('adds metric counts to existing rows, keeps the latest last-seen and prunes by age', async () => {
    const store = createKyselyFlagMetricsStore(db.kysely);
    await store.add([
      row({ yes: 3, no: 1 }),
      row({ variant: 'blue', yes: 2 }),
      row({ period: 'hour', bucket: '2026-01-01T10:00:00.000Z', yes: 3, no: 1 }),
    ]);
    await store.add([row({ yes: 4, no: 2 }), row({ bucket: '2026-01-01T10:01:00.000Z', yes: 1 })]);
    const minutes = await store.query({
      project: 'shop',
      flag: 'checkout',
      period: 'minute',
      since: '2026-01-01T00:00:00.000Z',
    });
    expect(minutes.map((r) => [r.bucket.slice(11, 16), r.variant, r.yes, r.no])).toEqual([
      ['10:00', '', 7, 3],
      ['10:00', 'blue', 2, 0],
      ['10:01', '', 1, 0],
    ]);
    expect(
      await store.query({
        project: 'shop',
        flag: 'checkout',
        period: 'minute',
        since: '2026-01-01T10:01:00.000Z',
        appName: 'other',
      }),
    ).toEqual([]);
    await store.seen([
      { project: 'shop', environment: 'prod', flag: 'checkout', at: '2026-01-01T10:05:00.000Z' },
    ]);
    await store.seen([
      { project: 'shop', environment: 'prod', flag: 'checkout', at: '2026-01-01T10:02:00.000Z' },
    ]);
    expect(await store.lastSeen('shop')).toEqual([
      { project: 'shop', environment: 'prod', flag: 'checkout', at: '2026-01-01T10:05:00.000Z' },
    ]);
    expect(await store.prune('minute', '2026-01-01T10:01:00.000Z')).toBe(2);
    expect(
      await store.query({
        project: 'shop',
        flag: 'checkout',
        period: 'hour',
        since: '2026-01-01T00:00:00.000Z',
      }),
    ).toHaveLength(1);
  });

  it('keeps what an SDK said at registration when its metrics come in', async () => {
    const store = createKyselyFlagMetricsStore(db.kysely);
    const base = {
      project: 'shop',
      environment: 'prod',
      appName: 'web',
      instanceId: 'i-1',
      source: 'client' as const,
    };
    await store.upsertClients([
      {
        ...base,
        sdkVersion: 'unleash-node-sdk:6',
        intervalMs: 60000,
        lastSeenAt: '2026-01-01T10:00:00.000Z',
      },
    ]);
    await store.upsertClients([{ ...base, lastSeenAt: '2026-01-01T10:01:00.000Z' }]);
    expect(await store.clients('shop')).toEqual([
      {
        ...base,
        sdkVersion: 'unleash-node-sdk:6',
        intervalMs: 60000,
        firstSeenAt: '2026-01-01T10:00:00.000Z',
        lastSeenAt: '2026-01-01T10:01:00.000Z',
      },
    ]);
  });

  it('rolls buffered SDK metrics up by minute and hour, with retention', async () => {
    let now = Date.parse('2026-03-01T10:30:20.000Z');
    const clock = { now: () => new Date(now) };
    const metrics = createFlagMetricsService({
      store: createKyselyFlagMetricsStore(db.kysely),
      clock,
      logger: { warn: () => {} } as never,
      retention: { minuteMs: 3_600_000, hourMs: 86_400_000 },
      flushIntervalMs: 1000,
    });
    const scope = { project: 'rollup', environment: 'prod' };
    const post = (yes: number, start = new Date(now).toISOString()) =>
      metrics.ingest(scope, 'client', {
        appName: 'web',
        bucket: { start, toggles: { f: { yes, no: 1, variants: { a: yes } } } },
      });
    post(2);
    post(3);
    now += 60_000;
    post(5);
    post(1, '2020-01-01T00:00:00.000Z'); // implausible clock: counted now
    await metrics.flush();
    const minutes = await metrics.query({
      project: 'rollup',
      flag: 'f',
      period: 'minute',
      since: '2026-03-01T00:00:00.000Z',
    });
    expect(minutes.filter((r) => r.variant === '').map((r) => [r.bucket.slice(11, 16), r.yes, r.no])).toEqual(
      [
        ['10:30', 5, 2],
        ['10:31', 6, 2],
      ],
    );
    const hours = await metrics.query({
      project: 'rollup',
      flag: 'f',
      period: 'hour',
      since: '2026-03-01T00:00:00.000Z',
    });
    expect(hours.map((r) => [r.bucket.slice(11, 16), r.variant, r.yes, r.no])).toEqual([
      ['10:00', '', 11, 4],
      ['10:00', 'a', 11, 0],
    ]);
    const left = async (period: 'minute' | 'hour') =>
      (await metrics.query({ project: 'rollup', flag: 'f', period, since: '2026-03-01T00:00:00.000Z' }))
        .length;
    now += 2 * 3_600_000;
    await metrics.prune();
    expect([await left('minute'), await left('hour')]).toEqual([0, 2]);
    now += 86_400_000;
    await metrics.prune();
    expect(await left('hour')).toBe(0);
  });
});
