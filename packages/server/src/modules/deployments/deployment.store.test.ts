import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.js';
import { newId } from '../../lib/ids.js';
import { DIALECTS, type MigratedTestDatabase, openMigratedTestDatabase } from '../../testing/index.js';
import type { Artifact, DeploymentRecord } from './deployment.js';
import type { DeploymentStore } from './deployment.store.js';
import { createKyselyDeploymentStore } from './deployment.store.kysely.js';

describe.each(DIALECTS)('deployment store on %s', (dialect) => {
  let database: MigratedTestDatabase;
  let db: Db;
  let store: DeploymentStore;

  const record = (fields: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
    id: newId(),
    project: 'shop',
    app: 'api',
    environment: 'test',
    version: '1.0.0',
    artifact: { file: 'api-1.0.0.tar.gz', sha256: 'a'.repeat(64), size: 10 },
    kind: 'deploy',
    trigger: 'user',
    requestedBy: 'olga',
    requestedAt: '2026-01-01T00:00:00.000Z',
    status: 'queued',
    executions: [],
    health: [],
    events: [{ time: '2026-01-01T00:00:00.000Z', level: 'info', message: 'requested' }],
    ...fields,
  });

  beforeAll(async () => {
    database = await openMigratedTestDatabase(dialect);
    db = database.db;
    store = createKyselyDeploymentStore(db.kysely);
  });
  afterAll(() => database.close());

  it('stores and reads a deployment with every field', async () => {
    const d = record({
      previousVersion: '0.9.0',
      sourceEnvironment: 'dev',
      forced: { by: 'admin', reason: 'fix', window: 'freeze' },
      executions: [{ id: 'E1', batch: 1, nodes: ['a', 'b'], state: 'succeeded' }],
      health: [{ time: 't', url: 'http://x', attempt: 1, ok: true, status: 200, durationMs: 3 }],
    });
    await store.insert(d);
    expect(await store.get(d.id)).toEqual(d);
    expect(await store.get('missing')).toBeUndefined();
  });

  it('updates conditionally on the status', async () => {
    const d = record();
    await store.insert(d);
    expect(
      await store.update(d.id, { status: 'running', startedAt: '2026-01-01T00:00:01.000Z' }, ['queued']),
    ).toBe(true);
    expect(await store.update(d.id, { status: 'cancelled' }, ['queued', 'waiting-approval'])).toBe(false);
    expect(await store.update(d.id, { status: 'succeeded', durationMs: 1200, message: 'ok' })).toBe(true);
    expect(await store.get(d.id)).toMatchObject({
      status: 'succeeded',
      durationMs: 1200,
      message: 'ok',
      startedAt: '2026-01-01T00:00:01.000Z',
    });
  });

  it('lets one deployment at a time hold an app in an environment', async () => {
    await store.ensureTarget('shop', 'api', 'prod');
    await store.ensureTarget('shop', 'api', 'prod');
    expect(await store.claim('shop', 'api', 'prod', 'D1')).toBe(true);
    expect(await store.claim('shop', 'api', 'prod', 'D1')).toBe(true);
    expect(await store.claim('shop', 'api', 'prod', 'D2')).toBe(false);
    const [a, b] = await Promise.all([
      store.claim('shop', 'api', 'prod', 'D3'),
      store.claim('shop', 'api', 'prod', 'D4'),
    ]);
    expect([a, b]).toEqual([false, false]);
    expect((await store.lockedTargets()).map((t) => t.activeId)).toContain('D1');
    await store.release('shop', 'api', 'prod', 'D2'); // not the holder: no effect
    expect(await store.claim('shop', 'api', 'prod', 'D2')).toBe(false);
    await store.release('shop', 'api', 'prod', 'D1');
    const racers = await Promise.all(['D5', 'D6', 'D7'].map((id) => store.claim('shop', 'api', 'prod', id)));
    expect(racers.filter(Boolean)).toHaveLength(1);
  });

  it('tracks what runs where, the history and the rollback target', async () => {
    await store.ensureTarget('shop', 'web', 'test');
    const v1 = record({
      app: 'web',
      version: '1.0.0',
      status: 'succeeded',
      finishedAt: '2026-01-02T00:00:00.000Z',
    });
    const v2 = record({
      app: 'web',
      version: '2.0.0',
      status: 'succeeded',
      finishedAt: '2026-01-03T00:00:00.000Z',
    });
    const v3 = record({
      app: 'web',
      version: '3.0.0',
      status: 'failed',
      finishedAt: '2026-01-04T00:00:00.000Z',
    });
    for (const d of [v1, v2, v3]) {
      await store.insert(d);
      await store.recordOutcome(d);
    }
    expect(await store.target('shop', 'web', 'test')).toMatchObject({
      currentVersion: '2.0.0',
      currentDeploymentId: v2.id,
      currentSince: '2026-01-03T00:00:00.000Z',
      lastDeploymentId: v3.id,
      lastStatus: 'failed',
      lastVersion: '3.0.0',
    });
    expect(await store.succeededIn('shop', 'web', 'test', '1.0.0')).toBe(true);
    expect(await store.succeededIn('shop', 'web', 'test', '3.0.0')).toBe(false);
    expect(await store.succeededIn('shop', 'web', 'prod', '1.0.0')).toBe(false);
    expect((await store.lastSucceeded('shop', 'web', 'test'))?.version).toBe('2.0.0');
    expect((await store.lastSucceeded('shop', 'web', 'test', { notVersion: '2.0.0' }))?.version).toBe(
      '1.0.0',
    );
    expect((await store.lastSucceeded('shop', 'web', 'test', { before: v2.id }))?.version).toBe('1.0.0');
    const history = await store.list({ project: 'shop', app: 'web', limit: 2 });
    expect(history.map((d) => d.version)).toEqual(['3.0.0', '2.0.0']);
    expect(
      (await store.list({ project: 'shop', app: 'web', limit: 10, before: v2.id })).map((d) => d.version),
    ).toEqual(['1.0.0']);
    expect(
      (await store.list({ project: 'shop', app: 'web', status: 'failed', limit: 10 })).map((d) => d.id),
    ).toEqual([v3.id]);

    const pending = record({ app: 'web', version: '4.0.0', status: 'waiting-approval' });
    await store.insert(pending);
    expect(await store.pendingCounts('shop')).toContainEqual({ app: 'web', environment: 'test', count: 1 });
    expect([...(await store.versionsInUse('shop', 'web'))].sort()).toEqual(['1.0.0', '2.0.0', '4.0.0']);
  });

  it('lists queued deployments oldest first and running ones by heartbeat', async () => {
    const a = record({ app: 'q', status: 'queued' });
    const b = record({ app: 'q', status: 'queued' });
    const r = record({ app: 'q', status: 'running', heartbeatAt: '2026-01-01T00:00:00.000Z', worker: 'w' });
    for (const d of [b, a, r]) await store.insert(d);
    const queued = (await store.queued(100)).filter((d) => d.app === 'q');
    expect(queued.map((d) => d.id)).toEqual([a.id, b.id]);
    expect((await store.running('2026-01-01T00:00:01.000Z')).map((d) => d.id)).toContain(r.id);
    expect((await store.running('2025-12-31T00:00:00.000Z')).map((d) => d.id)).not.toContain(r.id);
  });

  it('stores artifacts once per version, newest first', async () => {
    const artifact = (version: string, uploadedAt: string): Artifact => ({
      project: 'shop',
      app: 'api',
      version,
      file: `api-${version}.jar`,
      size: 5_000_000_000,
      sha256: 'b'.repeat(64),
      labels: { commit: 'abc' },
      uploadedBy: 'ci',
      uploadedAt,
    });
    expect(await store.insertArtifact(artifact('1.0.0', '2026-01-01T00:00:00.000Z'))).toBe(true);
    expect(await store.insertArtifact(artifact('1.0.0', '2026-01-02T00:00:00.000Z'))).toBe(false);
    expect(await store.insertArtifact(artifact('1.1.0', '2026-01-03T00:00:00.000Z'))).toBe(true);
    expect(await store.artifact('shop', 'api', '1.0.0')).toEqual(
      artifact('1.0.0', '2026-01-01T00:00:00.000Z'),
    );
    expect((await store.artifacts('shop', 'api')).map((a) => a.version)).toEqual(['1.1.0', '1.0.0']);
    expect(await store.deleteArtifact('shop', 'api', '1.0.0')).toBe(true);
    expect(await store.deleteArtifact('shop', 'api', '1.0.0')).toBe(false);
  });

  it('inserts many records at once', async () => {
    const many = Array.from({ length: 1200 }, (_, i) =>
      record({ app: 'bulk', version: `1.0.${i}`, status: 'succeeded' }),
    );
    await store.insertMany(many);
    expect(await store.list({ project: 'shop', app: 'bulk', limit: 5000 })).toHaveLength(1200);
  });
});
