import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PontError } from '../../errors/index.js';
import { createTestPont, DIALECTS, type TestPont } from '../../testing/index.js';
import { systemActor } from '../auth/index.js';

const env = (name: string, order: number, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'pont/v1',
  kind: 'Environment',
  metadata: { project: 'shop', name },
  spec: { order, ...extra },
});

async function rejection(promise: Promise<unknown>): Promise<PontError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PontError) return error;
    throw error;
  }
  throw new Error('expected a PontError');
}

describe.each(DIALECTS)('resource service on %s', (dialect) => {
  let t: TestPont;
  beforeAll(async () => {
    t = await createTestPont(dialect, { demo: false });
    await t.pont.resources.apply(systemActor, [
      { apiVersion: 'pont/v1', kind: 'Project', metadata: { name: 'shop' }, spec: {} },
    ]);
  });
  afterAll(() => t.close());

  it('creates, then reports unchanged, then configured with a field diff and a new version', async () => {
    const svc = t.pont.resources;
    const [created] = await svc.apply(systemActor, [env('dev', 0)]);
    expect(created?.action).toBe('created');
    const [same] = await svc.apply(systemActor, [env('dev', 0)]);
    expect(same).toMatchObject({ action: 'unchanged', resourceVersion: created?.resourceVersion });
    const [changed] = await svc.apply(systemActor, [env('dev', 0, { protected: true })]);
    expect(changed?.action).toBe('configured');
    expect(changed?.changes).toEqual([{ path: 'spec.protected', after: true }]);
    expect(Number(changed?.resourceVersion)).toBeGreaterThan(Number(created?.resourceVersion));
  });

  it('applies a multi-document batch all or nothing', async () => {
    const svc = t.pont.resources;
    const node = {
      apiVersion: 'pont/v1',
      kind: 'Node',
      metadata: { project: 'shop', name: 'web-1' },
      spec: { environment: 'nowhere', hostname: 'localhost', executor: 'local' },
    };
    const error = await rejection(svc.apply(systemActor, [env('qa', 5), node]));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details[0]).toMatchObject({ document: 1, path: 'spec.environment' });
    // The valid first document was rolled back with the batch.
    expect(await svc.getStored('Environment', 'shop', 'qa')).toBeUndefined();
  });

  it('orders a batch so a node can come before its environment in the file', async () => {
    const node = {
      apiVersion: 'pont/v1',
      kind: 'Node',
      metadata: { project: 'shop', name: 'int-1' },
      spec: { environment: 'integration', hostname: 'localhost', executor: 'local', tags: ['web'] },
    };
    const results = await t.pont.resources.apply(systemActor, [node, env('integration', 2)]);
    expect(results.map((r) => `${r.kind}:${r.action}`)).toEqual(['Node:created', 'Environment:created']);
  });

  it('refuses a stale resourceVersion with RESOURCE_CONFLICT and writes nothing', async () => {
    const svc = t.pont.resources;
    const current = await svc.get(systemActor, 'Environment', 'shop', 'dev');
    await svc.apply(systemActor, [
      {
        ...env('dev', 0, { protected: false }),
        metadata: { project: 'shop', name: 'dev', resourceVersion: current.metadata.resourceVersion },
      },
    ]);
    const error = await rejection(
      svc.apply(systemActor, [
        {
          ...env('dev', 0, { description: 'late' }),
          metadata: { project: 'shop', name: 'dev', resourceVersion: current.metadata.resourceVersion },
        },
      ]),
    );
    expect(error.code).toBe('RESOURCE_CONFLICT');
    expect(error.details[0]?.path).toBe('metadata.resourceVersion');
    expect((await svc.get(systemActor, 'Environment', 'shop', 'dev')).spec.description).toBeUndefined();
  });

  it('reports every schema problem with its path: unknown field, wrong type, missing field, bad name', async () => {
    const error = await rejection(
      t.pont.resources.apply(systemActor, [
        {
          apiVersion: 'pont/v1',
          kind: 'Environment',
          metadata: { project: 'shop', name: 'Bad_Name' },
          spec: { order: 'x', colour: 'red' },
        },
        {
          apiVersion: 'pont/v1',
          kind: 'Node',
          metadata: { project: 'shop', name: 'n' },
          spec: { environment: 'dev' },
        },
        { apiVersion: 'pont/v1', kind: 'Gizmo', metadata: { name: 'g' }, spec: {} },
      ]),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    const paths = error.details.map((d) => `${d.document}:${d.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        '0:metadata.name',
        '0:spec.order',
        '0:spec.colour',
        '1:spec.hostname',
        '1:spec.executor',
        '2:kind',
      ]),
    );
    expect(error.details.find((d) => d.path === 'spec.colour')?.message).toBe('unknown field "colour"');
    expect(error.details.find((d) => d.path === 'metadata.name')?.message).toMatch(
      /lowercase letters, digits/,
    );
  });

  it('dry-runs exactly what apply would do, without writing', async () => {
    const [result] = await t.pont.resources.apply(systemActor, [env('perf', 9)], { dryRun: true });
    expect(result?.action).toBe('created');
    expect(await t.pont.resources.getStored('Environment', 'shop', 'perf')).toBeUndefined();
  });

  it('keeps secret values encrypted at rest, never returns them, and redacts them in audit', async () => {
    const svc = t.pont.resources;
    const secret = {
      apiVersion: 'pont/v1',
      kind: 'Secret',
      metadata: { project: 'shop', name: 'db' },
      spec: { type: 'password', data: { password: 's3cr3t-value' } },
    };
    await svc.apply(systemActor, [secret]);
    const stored = await svc.getStored('Secret', 'shop', 'db');
    expect(JSON.stringify(stored)).not.toContain('s3cr3t-value');
    const sealed = (stored?.spec as { data?: Record<string, string> } | undefined)?.data?.password ?? '';
    expect(t.pont.secretBox.open(sealed)).toBe('s3cr3t-value');
    const read = await svc.get(systemActor, 'Secret', 'shop', 'db');
    expect(JSON.stringify(read)).not.toContain('s3cr3t-value');
    expect(read.status?.keys).toEqual(['password']);
    // Same value again: unchanged; a new value: configured.
    expect((await svc.apply(systemActor, [secret]))[0]?.action).toBe('unchanged');
    const [changed] = await svc.apply(systemActor, [
      { ...secret, spec: { data: { password: 'other-value' } } },
    ]);
    expect(changed?.action).toBe('configured');
    expect(JSON.stringify(changed)).not.toContain('other-value');
    const audit = await t.pont.audit.query(systemActor, { kind: 'Secret', name: 'db' });
    expect(audit.items).toHaveLength(2);
    expect(JSON.stringify(audit.items)).not.toMatch(/s3cr3t-value|other-value|v1:/);
    // Applying without data keeps the values.
    await svc.apply(systemActor, [{ ...secret, spec: { type: 'password', description: 'db' } }]);
    const kept = await svc.getStored('Secret', 'shop', 'db');
    expect(
      t.pont.secretBox.open(
        (kept?.spec as { data?: Record<string, string> } | undefined)?.data?.password ?? '',
      ),
    ).toBe('other-value');
  });

  it('records who changed what in the audit log', async () => {
    const audit = await t.pont.audit.query(systemActor, {
      kind: 'Environment',
      name: 'dev',
      project: 'shop',
    });
    expect(audit.items.map((e) => e.action)).toEqual(['update', 'update', 'create']);
    expect(audit.items[0]).toMatchObject({
      actor: 'pont',
      environment: 'dev',
      changes: [{ path: 'spec.protected', before: true, after: false }],
    });
  });

  it('refuses to delete a project that still has resources unless cascading', async () => {
    const svc = t.pont.resources;
    await svc.apply(systemActor, [
      { apiVersion: 'pont/v1', kind: 'Project', metadata: { name: 'tmp' }, spec: {} },
      { ...env('x', 0), metadata: { project: 'tmp', name: 'x' } },
    ]);
    expect((await rejection(svc.delete(systemActor, 'Project', undefined, 'tmp'))).code).toBe(
      'INVALID_STATE',
    );
    const removed = await svc.delete(systemActor, 'Project', undefined, 'tmp', { cascade: true });
    expect(removed.map((r) => r.kind)).toEqual(['Environment', 'Project']);
    expect(await svc.getStored('Environment', 'tmp', 'x')).toBeUndefined();
  });
});
