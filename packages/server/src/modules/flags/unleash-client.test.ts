// The official unleash-client (Node SDK v6), unchanged, pointed at pont: polling with ETags,
// streaming mode, metrics and registration.
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@pont/flag-engine';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPont, type TestPont } from '../../testing/index.js';

describe('unleash-client against pont', () => {
  let t: TestPont;
  let base: string;
  let clientToken: string;
  const started: Unleash[] = [];

  const call = (method: string, url: string, payload?: unknown) =>
    t.call(t.adminToken, {
      method: method as 'GET',
      url,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  function unleash(options: Partial<ConstructorParameters<typeof Unleash>[0]> = {}): Unleash {
    const client = new Unleash({
      appName: 'shop',
      url: `${base}/api/`,
      customHeaders: { Authorization: clientToken },
      refreshInterval: 100,
      metricsInterval: 200,
      skipInstanceCountWarning: true,
      storageProvider: new InMemStorageProvider(),
      backupPath: mkdtempSync(join(tmpdir(), 'unleash-backup-')),
      ...options,
    });
    client.on('error', () => {});
    client.on('warn', () => {});
    started.push(client);
    return client;
  }

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const seed = await call('POST', '/api/v1/apply', {
      items: [
        {
          apiVersion: 'pont/v1',
          kind: 'Segment',
          metadata: { project: 'demo', name: 'pro' },
          spec: { constraints: [{ contextName: 'plan', operator: 'IN', values: ['pro'] }] },
        },
        {
          apiVersion: 'pont/v1',
          kind: 'Flag',
          metadata: { project: 'demo', name: 'checkout' },
          spec: {
            environments: {
              dev: {
                enabled: true,
                strategies: [
                  { name: 'userWithId', parameters: { userIds: 'vip-1,vip-2' } },
                  {
                    name: 'flexibleRollout',
                    parameters: { rollout: 40, stickiness: 'userId' },
                    segments: ['pro'],
                    variants: [
                      { name: 'blue', weight: 500, payload: { type: 'string', value: 'b' } },
                      { name: 'green', weight: 500, payload: { type: 'json', value: '{"x":1}' } },
                    ],
                  },
                ],
              },
            },
          },
        },
        {
          apiVersion: 'pont/v1',
          kind: 'Flag',
          metadata: { project: 'demo', name: 'legacy-export' },
          spec: { key: 'Legacy.Export', environments: { dev: { enabled: true } } },
        },
      ],
    });
    expect(seed.statusCode, seed.body).toBe(200);
    const token = await call('POST', '/api/v1/tokens', {
      name: 'shop-dev',
      type: 'client',
      project: 'demo',
      environment: 'dev',
    });
    clientToken = token.json().token;
  });

  afterAll(async () => {
    for (const client of started) client.destroy();
    await t.close();
  });

  it('synchronises, evaluates like pont, sees changes and gets 304 when nothing changed', async () => {
    const client = unleash();
    await once(client, 'synchronized');
    const body = (
      await t.app.inject({
        method: 'GET',
        url: '/api/client/features',
        headers: { authorization: clientToken },
      })
    ).json();
    const engine = createEngine(body);
    let enabled = 0;
    for (let u = 0; u < 300; u++) {
      const context = {
        userId: `user-${u}`,
        properties: { plan: u % 3 ? 'pro' : 'free' },
        appName: 'shop',
        environment: 'default',
      };
      const expected = engine.getVariant('checkout', context);
      const variant = client.getVariant('checkout', context);
      expect({ name: variant.name, enabled: variant.enabled, payload: variant.payload }).toEqual({
        name: expected.name,
        enabled: expected.enabled,
        payload: expected.payload,
      });
      expect(client.isEnabled('checkout', context)).toBe(engine.isEnabled('checkout', context));
      if (expected.feature_enabled) enabled++;
    }
    expect(enabled).toBeGreaterThan(30);
    expect(client.isEnabled('checkout', { userId: 'vip-2' })).toBe(true);
    expect(client.isEnabled('Legacy.Export')).toBe(true);

    await once(client, 'unchanged');
    const changed = once(client, 'changed');
    const off = await call('POST', '/api/v1/projects/demo/flags/legacy-export/environments/dev/disable', {});
    expect(off.statusCode, off.body).toBe(200);
    await changed;
    expect(client.isEnabled('Legacy.Export')).toBe(false);
  });

  it('registers and sends metrics that pont rolls up', async () => {
    const client = unleash({ appName: 'metrics-app' });
    const registered = once(client, 'registered');
    await once(client, 'synchronized');
    await registered;
    for (let i = 0; i < 10; i++) client.isEnabled('checkout', { userId: 'vip-1' });
    client.getVariant('checkout', { userId: 'someone', properties: { plan: 'free' } });
    await once(client, 'sent');
    await t.pont.flags.metrics.flush();
    const metrics = (
      await call('GET', '/api/v1/projects/demo/flags/checkout/metrics?environment=dev')
    ).json();
    expect(metrics.apps).toContain('metrics-app');
    expect(metrics.totals.yes).toBeGreaterThanOrEqual(10);
    expect(metrics.totals.no).toBeGreaterThanOrEqual(1);
    const clients = (await call('GET', '/api/v1/projects/demo/flag-clients?environment=dev')).json();
    expect(
      clients.items.some(
        (c: { appName: string; sdkVersion?: string }) =>
          c.appName === 'metrics-app' && c.sdkVersion?.startsWith('unleash-node-sdk'),
      ),
    ).toBe(true);
  });

  it('works in streaming mode: changes arrive over Server-Sent Events', async () => {
    const client = unleash({
      appName: 'streaming-app',
      refreshInterval: 60_000,
      experimentalMode: { type: 'streaming' },
    });
    await once(client, 'synchronized');
    expect(client.isEnabled('Legacy.Export')).toBe(false);
    const changed = once(client, 'changed');
    const on = await call('POST', '/api/v1/projects/demo/flags/legacy-export/environments/dev/enable', {});
    expect(on.json().status).toBe('applied');
    await changed;
    expect(client.isEnabled('Legacy.Export')).toBe(true);
  });

  it('is refused with a token of the wrong kind, and stops polling like against Unleash', async () => {
    const api = (await call('POST', '/api/v1/tokens', { name: 'not-a-client-token' })).json().token as string;
    const client = unleash({ customHeaders: { Authorization: api } });
    const [error] = (await once(client, 'error')) as [Error];
    expect(error.message).toMatch(/403/);
  });
});
