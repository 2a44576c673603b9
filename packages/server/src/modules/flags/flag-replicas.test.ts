// Two pont processes sharing one PostgreSQL: a flag changed through one reaches the SDKs of the other.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { createPont, type Pont } from '../../composition-root.js';
import { loadConfig } from '../../config.js';
import { createTestPont, type TestPont } from '../../testing/index.js';

describe('flags across replicas', () => {
  let one: TestPont;
  let two: Pont;
  let twoApp: Awaited<ReturnType<typeof buildApp>>;
  let token: string;

  beforeAll(async () => {
    one = await createTestPont('postgres');
    const config = loadConfig(
      { PONT_DATA_DIR: one.database.dataDir, PONT_DATABASE_URL: one.database.url, PONT_LOG_LEVEL: 'silent' },
      {},
    );
    delete config.webDir;
    two = await createPont(config, pino({ level: 'silent' }));
    await two.start();
    twoApp = await buildApp(two);
    await twoApp.ready();
    const flag = {
      apiVersion: 'pont/v1',
      kind: 'Flag',
      metadata: { project: 'demo', name: 'shared' },
      spec: { environments: { dev: { enabled: true } } },
    };
    expect(
      (await one.call(one.adminToken, { method: 'POST', url: '/api/v1/apply', payload: { items: [flag] } }))
        .statusCode,
    ).toBe(200);
    token = (
      await one.call(one.adminToken, {
        method: 'POST',
        url: '/api/v1/tokens',
        payload: { name: 'r', type: 'client', project: 'demo', environment: 'dev' },
      })
    ).json().token;
  });
  afterAll(async () => {
    await twoApp.close();
    await two.close();
    await one.close();
  });

  const enabledOn = async (app: typeof twoApp) =>
    (
      await app.inject({ method: 'GET', url: '/api/client/features', headers: { authorization: token } })
    ).json().features[0].enabled;

  it('notices changes written by the other replica and pushes them to its streams', async () => {
    expect(await enabledOn(twoApp)).toBe(true);
    const pushed = new Promise<boolean>((resolve) => {
      const off = two.flags.cache.subscribe('demo', 'dev', (served) => {
        off();
        resolve(served.response.features[0]?.enabled ?? true);
      });
    });
    const off = await one.call(one.adminToken, {
      method: 'POST',
      url: '/api/v1/projects/demo/flags/shared/environments/dev/disable',
      payload: {},
    });
    expect(off.json().status).toBe('applied');
    expect(await enabledOn(one.app)).toBe(false);
    await two.flags.cache.pollReplicas();
    expect(await pushed).toBe(false);
    expect(await enabledOn(twoApp)).toBe(false);
    // A delete elsewhere is noticed too.
    await one.call(one.adminToken, { method: 'DELETE', url: '/api/v1/projects/demo/flags/shared' });
    await two.flags.cache.pollReplicas();
    expect(
      (
        await twoApp.inject({ method: 'GET', url: '/api/client/features', headers: { authorization: token } })
      ).json().features,
    ).toEqual([]);
  });
});
