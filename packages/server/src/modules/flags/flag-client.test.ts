// pont's SDK flag client against a real pont: streaming, falling back to polling, keeping the last
// flags while the server cannot be reached, and catching up when it can again. The network is cut
// by a fetch wrapper (the server itself keeps running so that flags can change meanwhile).
import { createFlagClient, type FlagClient, type FlagClientMode } from '@pont/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestPont, type TestPont } from '../../testing/index.js';

/** A fetch that can be cut off: new requests fail and open streams are aborted. */
function cuttableFetch() {
  let down = false;
  const open = new Set<AbortController>();
  const statuses: Array<{ url: string; status: number }> = [];
  const refuseStreaming = { on: false };
  const wrapped: typeof fetch = async (input, init) => {
    const url = String(input);
    if (down) throw new TypeError('fetch failed: network is down');
    if (refuseStreaming.on && url.endsWith('/api/client/streaming')) {
      statuses.push({ url, status: 404 });
      return new Response('{"error":{"code":"ROUTE_NOT_FOUND"}}', { status: 404 });
    }
    const controller = new AbortController();
    init?.signal?.addEventListener('abort', () => controller.abort(init.signal?.reason));
    open.add(controller);
    try {
      const response = await fetch(input, { ...init, signal: controller.signal });
      statuses.push({ url, status: response.status });
      return response;
    } finally {
      if (!url.endsWith('/streaming')) open.delete(controller);
    }
  };
  return {
    fetch: wrapped,
    statuses,
    refuseStreaming,
    cut() {
      down = true;
      for (const c of open) c.abort(new TypeError('network is down'));
      open.clear();
    },
    restore() {
      down = false;
    },
  };
}

function next<T extends unknown[]>(
  client: FlagClient,
  event: 'changed' | 'mode',
  until: (...args: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const off = client.on(event, ((...args: T) => {
      if (!until(...args)) return;
      off();
      resolve(args);
    }) as never);
  });
}

describe('pont SDK flag client', () => {
  let t: TestPont;
  let base: string;
  let token: string;
  const clients: FlagClient[] = [];

  const call = (method: string, url: string, payload?: unknown) =>
    t.call(t.adminToken, {
      method: method as 'GET',
      url,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const toggle = async (name: string, on: boolean) => {
    const res = await call(
      'POST',
      `/api/v1/projects/demo/flags/${name}/environments/dev/${on ? 'enable' : 'disable'}`,
      {},
    );
    expect(res.statusCode, res.body).toBe(200);
  };

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const flags = ['alpha', 'beta', 'gamma'].map((name) => ({
      apiVersion: 'pont/v1',
      kind: 'Flag',
      metadata: { project: 'demo', name },
      spec: {
        environments: {
          dev: { enabled: true, strategies: [{ name: 'userWithId', parameters: { userIds: 'u1' } }] },
        },
      },
    }));
    expect((await call('POST', '/api/v1/apply', { items: flags })).statusCode).toBe(200);
    token = (
      await call('POST', '/api/v1/tokens', {
        name: 'sdk',
        type: 'client',
        project: 'demo',
        environment: 'dev',
      })
    ).json().token;
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await t.close();
  });

  function client(options: Partial<Parameters<typeof createFlagClient>[0]> = {}): FlagClient {
    const c = createFlagClient({
      url: base,
      token,
      appName: 'sdk-test',
      metricsIntervalMs: 0,
      reconnectDelayMs: 10,
      refreshIntervalMs: 20,
      ...options,
    });
    clients.push(c);
    return c;
  }

  it('streams: a change reaches the client without polling', async () => {
    const net = cuttableFetch();
    const c = client({ fetch: net.fetch, refreshIntervalMs: 60_000 });
    await c.ready();
    expect(c.mode).toBe('streaming');
    expect(c.isEnabled('alpha', { userId: 'u1' })).toBe(true);
    const changed = next<[string[]]>(c, 'changed');
    await toggle('alpha', false);
    expect((await changed)[0]).toEqual(['alpha']);
    expect(c.isEnabled('alpha', { userId: 'u1' })).toBe(false);
    expect(net.statuses.filter((s) => s.url.endsWith('/api/client/features'))).toEqual([]);
  });

  it('keeps the last flags while the server is away, polls, and catches up when it is back', async () => {
    const net = cuttableFetch();
    const c = client({ fetch: net.fetch });
    await c.ready();
    expect(c.isEnabled('beta', { userId: 'u1' })).toBe(true);
    const polling = next<[FlagClientMode]>(c, 'mode', (m) => m === 'polling');
    const errors: Error[] = [];
    c.on('error', (e) => errors.push(e));
    net.cut();
    await polling;
    await toggle('beta', false);
    // Offline: still the last known answer, whatever the server now says.
    expect(c.isEnabled('beta', { userId: 'u1' })).toBe(true);
    expect(c.has('gamma')).toBe(true);
    const caughtUp = next<[string[]]>(c, 'changed', (names) => names.includes('beta'));
    net.restore();
    await caughtUp;
    expect(c.isEnabled('beta', { userId: 'u1' })).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    if (c.mode !== 'streaming') await next<[FlagClientMode]>(c, 'mode', (m) => m === 'streaming');
    const live = next<[string[]]>(c, 'changed');
    await toggle('beta', true);
    expect((await live)[0]).toEqual(['beta']);
  });

  it('polls with ETags when the server refuses streaming', async () => {
    const net = cuttableFetch();
    net.refuseStreaming.on = true;
    const c = client({ fetch: net.fetch });
    await c.ready();
    expect(c.mode).toBe('polling');
    const changed = next<[string[]]>(c, 'changed');
    await toggle('gamma', false);
    expect((await changed)[0]).toEqual(['gamma']);
    const features = () =>
      net.statuses.filter((s) => s.url.endsWith('/api/client/features')).map((s) => s.status);
    expect(features()).toContain(200);
    // Nothing changes any more: the next polls are answered 304.
    await vi.waitFor(() => expect(features()).toContain(304));
  });

  it('serves a bootstrap before the first answer, and sends metrics', async () => {
    const net = cuttableFetch();
    net.cut();
    const c = client({
      fetch: net.fetch,
      metricsIntervalMs: 60_000,
      bootstrap: { version: 2, features: [{ name: 'alpha', enabled: true, strategies: [] }] },
    });
    await c.ready();
    expect(c.isEnabled('alpha')).toBe(true);
    net.restore();
    await next<[string[]]>(c, 'changed');
    expect(c.isEnabled('alpha', { userId: 'u1' })).toBe(false);
    for (let i = 0; i < 5; i++) c.isEnabled('gamma', { userId: 'u1' });
    c.getVariant('beta', { userId: 'u1' });
    await c.flushMetrics();
    await t.pont.flags.metrics.flush();
    const metrics = (await call('GET', '/api/v1/projects/demo/flags/gamma/metrics')).json();
    expect(metrics.totals.yes + metrics.totals.no).toBe(5);
    expect(metrics.apps).toEqual(['sdk-test']);
    expect((await call('GET', '/api/v1/projects/demo/flags/beta/metrics')).json().totals.variants).toEqual({
      disabled: 1,
    });
  });
});

describe('flag streams at shutdown', () => {
  it('are ended so the server can close', async () => {
    const t = await createTestPont('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const token = (
      await t.call(t.adminToken, {
        method: 'POST',
        url: '/api/v1/tokens',
        payload: { name: 's', type: 'client', project: 'demo', environment: 'dev' },
      })
    ).json().token;
    const response = await fetch(`${base}/api/client/streaming`, { headers: { authorization: token } });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^id: "[^"]+"\nevent: unleash-connected\ndata: \{"version":2,"features":\[\]/);
    expect(t.pont.flags.streams.size).toBe(1);
    await t.close();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(t.pont.flags.streams.size).toBe(0);
  });
});
