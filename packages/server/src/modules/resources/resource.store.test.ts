import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.js';
import { DIALECTS, type MigratedTestDatabase, openMigratedTestDatabase } from '../../testing/index.js';
import { parseLabelSelector } from './label-selector.js';
import type { Resource } from './resource.js';
import { createKyselyResourceStore } from './resource.store.kysely.js';

const resource = (name: string, project = 'shop', labels: Record<string, string> = {}): Resource => ({
  apiVersion: 'pont/v1',
  kind: 'Node',
  metadata: {
    project,
    name,
    labels,
    uid: `uid-${name}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    resourceVersion: '1',
  },
  spec: { environment: 'dev', hostname: `${name}.local`, executor: 'local' },
  status: {},
});

describe.each(DIALECTS)('resource store on %s', (dialect) => {
  let database: MigratedTestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await openMigratedTestDatabase(dialect);
    db = database.db;
  });
  afterAll(() => database.close());

  it('inserts, reads back and deletes a resource with its JSON intact', async () => {
    const store = createKyselyResourceStore(db.kysely);
    await store.insert(resource('web-1', 'shop', { tier: 'web' }));
    const read = await store.get({ kind: 'Node', project: 'shop', name: 'web-1' });
    expect(read?.spec).toEqual({ environment: 'dev', hostname: 'web-1.local', executor: 'local' });
    expect(read?.metadata).toMatchObject({
      project: 'shop',
      name: 'web-1',
      labels: { tier: 'web' },
      resourceVersion: '1',
    });
    expect(await store.delete({ kind: 'Node', project: 'shop', name: 'web-1' })).toBe(true);
    expect(await store.get({ kind: 'Node', project: 'shop', name: 'web-1' })).toBeUndefined();
    expect(await store.delete({ kind: 'Node', project: 'shop', name: 'web-1' })).toBe(false);
  });

  it('refuses an update made against a stale version', async () => {
    const store = createKyselyResourceStore(db.kysely);
    const first = resource('app-1');
    first.metadata.resourceVersion = await store.nextVersion();
    await store.insert(first);
    const next = resource('app-1');
    next.metadata.resourceVersion = await store.nextVersion();
    expect(await store.update(next, first.metadata.resourceVersion)).toBe(true);
    const late = resource('app-1');
    late.metadata.resourceVersion = await store.nextVersion();
    expect(await store.update(late, first.metadata.resourceVersion)).toBe(false);
  });

  it('hands out strictly increasing versions', async () => {
    const store = createKyselyResourceStore(db.kysely);
    const a = Number(await store.nextVersion());
    const b = Number(await store.nextVersion());
    expect(b).toBe(a + 1);
  });

  it('pages through a list in (project, name) order and filters by labels', async () => {
    const store = createKyselyResourceStore(db.kysely);
    for (const [i, project] of ['p1', 'p2'].entries()) {
      for (let n = 0; n < 5; n++)
        await store.insert(
          resource(`n-${n}`, project, { idx: String(n), odd: n % 2 ? 'yes' : 'no', p: String(i) }),
        );
    }
    const names: string[] = [];
    let after: { project: string; name: string } | undefined;
    do {
      const page = await store.list('Node', undefined, { limit: 3, ...(after ? { after } : {}) });
      names.push(
        ...page.items
          .filter((r) => r.metadata.project !== 'shop')
          .map((r) => `${r.metadata.project}/${r.metadata.name}`),
      );
      after = page.next;
    } while (after);
    expect(names).toEqual([...['p1', 'p2'].flatMap((p) => [0, 1, 2, 3, 4].map((n) => `${p}/n-${n}`))]);

    const odd = await store.list('Node', 'p1', { labelSelector: parseLabelSelector('odd=yes') });
    expect(odd.items.map((r) => r.metadata.name)).toEqual(['n-1', 'n-3']);
    const some = await store.list('Node', 'p2', {
      labelSelector: parseLabelSelector('idx in (0,4),odd!=yes'),
    });
    expect(some.items.map((r) => r.metadata.name)).toEqual(['n-0', 'n-4']);
  });

  it('lists everything in a project for cascading deletes', async () => {
    const store = createKyselyResourceStore(db.kysely);
    const all = await store.listProject('p1');
    expect(all).toHaveLength(5);
  });
});
