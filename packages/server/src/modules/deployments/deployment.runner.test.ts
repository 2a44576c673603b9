import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../lib/ids.js';
import { createTopic } from '../../lib/topic.js';
import { createTestPont, type TestPont } from '../../testing/index.js';
import { systemActor } from '../auth/index.js';
import type { Deployment, DeploymentRecord } from './deployment.js';
import { createDeploymentRunner } from './deployment.runner.js';

/** What a process finds at start that a stopped or crashed one left behind. */
describe('deployment runner recovery', () => {
  let t: TestPont;

  beforeAll(async () => {
    t = await createTestPont('sqlite');
  });
  afterAll(() => t.close());

  it('ends deployments left running as incomplete and frees their app and environment', async () => {
    const store = t.pont.deployments.store;
    const orphan: DeploymentRecord = {
      id: newId(),
      project: 'demo',
      app: 'shop',
      environment: 'dev',
      version: '1.0.0',
      artifact: { file: 'shop-1.0.0.tar.gz', sha256: 'x', size: 1 },
      kind: 'deploy',
      trigger: 'user',
      requestedBy: 'olga',
      requestedAt: new Date().toISOString(),
      startedAt: new Date().toISOString(),
      status: 'running',
      executions: [{ id: 'E1', batch: 1, nodes: ['dev-app-1'], state: 'running' }],
      health: [],
      events: [],
      worker: 'a-process-that-died',
      heartbeatAt: new Date().toISOString(),
    };
    await store.ensureTarget('demo', 'shop', 'dev');
    await store.insert(orphan);
    expect(await store.claim('demo', 'shop', 'dev', orphan.id)).toBe(true);
    // A stale lock whose holder is long finished is freed too.
    await store.ensureTarget('demo', 'shop', 'test');
    expect(await store.claim('demo', 'shop', 'test', 'GONE')).toBe(true);

    const runner = createDeploymentRunner({
      store,
      resources: t.pont.resources,
      clock: t.pont.clock,
      logger: pino({ level: 'silent' }),
      jobs: {
        runFor: async () => {
          throw new Error('not expected');
        },
        nodesFor: async () => [],
        execution: async () => undefined,
        finished: createTopic(),
      },
      filePath: (project, file) => `${project}/${file}`,
      actorFor: () => systemActor,
      onSucceeded: async () => [],
      updates: createTopic<Deployment>(),
      singleProcess: true,
    });
    await runner.start();
    await runner.stop();

    const after = await store.get(orphan.id);
    expect(after).toMatchObject({ status: 'incomplete', finishedAt: expect.any(String) });
    expect(after?.message).toMatch(/server stopped while this deployment ran/);
    expect(await store.target('demo', 'shop', 'dev')).toMatchObject({
      lastStatus: 'incomplete',
      lastDeploymentId: orphan.id,
    });
    expect((await store.target('demo', 'shop', 'dev'))?.activeId).toBeUndefined();
    expect((await store.target('demo', 'shop', 'test'))?.activeId).toBeUndefined();
  });
});
