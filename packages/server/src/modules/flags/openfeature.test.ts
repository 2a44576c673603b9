// The OpenFeature server provider, driven through @openfeature/server-sdk against a real pont.
import {
  ErrorCode,
  type EventHandler,
  OpenFeature,
  ProviderEvents,
  StandardResolutionReasons,
} from '@openfeature/server-sdk';
import { PontProvider } from '@pont/sdk/openfeature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPont, type TestPont } from '../../testing/index.js';

const variant = (name: string, type: string, value: string) => ({
  name,
  weight: 1000,
  payload: { type, value },
});

describe('OpenFeature provider', () => {
  let t: TestPont;
  const call = (method: string, url: string, payload?: unknown) =>
    t.call(t.adminToken, {
      method: method as 'GET',
      url,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const flag = (name: string, dev: unknown) => ({
      apiVersion: 'pont/v1',
      kind: 'Flag',
      metadata: { project: 'demo', name },
      spec: { environments: { dev } },
    });
    const seed = await call('POST', '/api/v1/apply', {
      items: [
        flag('checkout', {
          enabled: true,
          strategies: [{ name: 'userWithId', parameters: { userIds: 'vip' } }],
        }),
        flag('half', {
          enabled: true,
          strategies: [{ name: 'flexibleRollout', parameters: { rollout: 50, stickiness: 'userId' } }],
        }),
        flag('off', { enabled: false }),
        flag('title', { enabled: true, variants: [variant('welcome', 'string', 'Welcome!')] }),
        flag('limit', { enabled: true, variants: [variant('ten', 'number', '10')] }),
        flag('theme', {
          enabled: true,
          strategies: [
            { name: 'default', constraints: [{ contextName: 'country', operator: 'IN', values: ['fr'] }] },
          ],
          variants: [variant('dark', 'json', '{"color":"#000","dense":true}')],
        }),
      ],
    });
    expect(seed.statusCode, seed.body).toBe(200);
    const token = (
      await call('POST', '/api/v1/tokens', {
        name: 'of',
        type: 'client',
        project: 'demo',
        environment: 'dev',
      })
    ).json().token;
    await OpenFeature.setProviderAndWait(
      new PontProvider({ url: base, token, appName: 'openfeature-test', metricsIntervalMs: 0 }),
    );
  });
  afterAll(async () => {
    await OpenFeature.close();
    await t.close();
  });

  it('resolves booleans with Unleash semantics, a variant and a reason', async () => {
    const client = OpenFeature.getClient();
    expect(await client.getBooleanDetails('checkout', false, { targetingKey: 'vip' })).toMatchObject({
      value: true,
      reason: StandardResolutionReasons.TARGETING_MATCH,
      variant: 'on',
    });
    expect(await client.getBooleanDetails('checkout', true, { targetingKey: 'nobody' })).toMatchObject({
      value: false,
      reason: StandardResolutionReasons.DEFAULT,
    });
    expect(await client.getBooleanDetails('off', true, { targetingKey: 'vip' })).toMatchObject({
      value: false,
      reason: StandardResolutionReasons.DISABLED,
    });
    const split = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        client.getBooleanDetails('half', false, { targetingKey: `u${i}` }),
      ),
    );
    expect(new Set(split.map((d) => d.reason))).toEqual(
      new Set([StandardResolutionReasons.SPLIT, StandardResolutionReasons.DEFAULT]),
    );
  });

  it('resolves strings, numbers and objects from variant payloads, and maps the context', async () => {
    const client = OpenFeature.getClient();
    expect(await client.getStringDetails('title', 'hi')).toMatchObject({
      value: 'Welcome!',
      variant: 'welcome',
    });
    expect(await client.getNumberValue('limit', 1)).toBe(10);
    expect(await client.getObjectValue('theme', {}, { country: 'fr' })).toEqual({
      color: '#000',
      dense: true,
    });
    expect(await client.getObjectDetails('theme', { color: '#fff' }, { country: 'de' })).toMatchObject({
      value: { color: '#fff' },
      reason: StandardResolutionReasons.DEFAULT,
    });
    expect(await client.getStringDetails('off', 'fallback')).toMatchObject({
      value: 'fallback',
      reason: StandardResolutionReasons.DISABLED,
    });
  });

  it('returns the default with an error code when a flag is unknown or its payload has another type', async () => {
    const client = OpenFeature.getClient();
    expect(await client.getBooleanDetails('nope', true)).toMatchObject({
      value: true,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      reason: 'ERROR',
    });
    expect(await client.getNumberDetails('title', 7)).toMatchObject({
      value: 7,
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(await client.getObjectDetails('limit', { a: 1 })).toMatchObject({
      value: { a: 1 },
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
  });

  it('emits configuration-changed with the flags that changed', async () => {
    const changed = new Promise<string[] | undefined>((resolve) => {
      const handler: EventHandler = (details) => {
        OpenFeature.removeHandler(ProviderEvents.ConfigurationChanged, handler);
        resolve(details?.flagsChanged as string[] | undefined);
      };
      OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, handler);
    });
    expect(
      (await call('POST', '/api/v1/projects/demo/flags/off/environments/dev/enable', {})).statusCode,
    ).toBe(200);
    expect(await changed).toEqual(['off']);
    expect(await OpenFeature.getClient().getBooleanValue('off', false)).toBe(true);
  });
});
