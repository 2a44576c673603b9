import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPont, type TestPont } from '../testing/index.js';

/** Turns `/api/v1/projects/{project}/nodes/{name}` into a URL with names from the demo project. */
function concrete(path: string): string {
  return path
    .replace('{project}', 'demo')
    .replace('{name}', 'dev')
    .replace('{kind}', 'Node')
    .replace(/\{[^}]+\}/g, 'x');
}

describe('API security', () => {
  let t: TestPont;
  let viewer: string;
  let dev: string;
  let ops: string;
  let routes: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    viewer = await t.userToken('vera', 'viewer');
    dev = await t.userToken('dan', 'dev');
    ops = await t.userToken('olga', 'ops');
    const spec = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  afterAll(() => t.close());

  it('documents the API in OpenAPI', () => {
    expect(routes.length).toBeGreaterThan(20);
  });

  it('refuses every API route without credentials (except login)', async () => {
    const open = routes.filter((r) => r.path !== '/api/v1/auth/login');
    for (const route of open) {
      const res = await t.call(undefined, {
        method: route.method as 'GET',
        url: concrete(route.path),
        payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
      });
      expect({ route, status: res.statusCode, code: res.json().error?.code }).toMatchObject({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
  });

  it('refuses a garbage, revoked or expired token', async () => {
    expect((await t.call('pont_garbage', { method: 'GET', url: '/api/v1/projects' })).statusCode).toBe(401);
    const created = await t.call(t.adminToken, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'short', expires: '1ms' },
    });
    expect(created.statusCode, created.body).toBe(201);
    await new Promise((r) => setTimeout(r, 10));
    expect((await t.call(created.json().token, { method: 'GET', url: '/api/v1/projects' })).statusCode).toBe(
      401,
    );
    const other = await t.call(t.adminToken, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'revoked' },
    });
    const token = other.json().token as string;
    expect((await t.call(token, { method: 'GET', url: '/api/v1/projects' })).statusCode).toBe(200);
    expect(
      (await t.call(t.adminToken, { method: 'DELETE', url: `/api/v1/tokens/${other.json().id}` })).statusCode,
    ).toBe(200);
    expect((await t.call(token, { method: 'GET', url: '/api/v1/projects' })).statusCode).toBe(401);
  });

  it('stores tokens hashed, never in clear', async () => {
    const created = await t.call(t.adminToken, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'peek' },
    });
    const token = created.json().token as string;
    const rows = await t.pont.db.kysely.selectFrom('tokens').select(['token_hash']).execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    const users = await t.pont.db.kysely.selectFrom('users').select(['password_hash']).execute();
    expect(users.every((u) => u.password_hash.startsWith('scrypt$'))).toBe(true);
  });

  const forbidden: Array<[who: 'viewer' | 'dev' | 'ops', method: string, url: string, payload?: unknown]> = [
    [
      'viewer',
      'PUT',
      '/api/v1/projects/demo/environments/qa',
      {
        apiVersion: 'pont/v1',
        kind: 'Environment',
        metadata: { project: 'demo', name: 'qa' },
        spec: { order: 9 },
      },
    ],
    [
      'viewer',
      'POST',
      '/api/v1/apply',
      {
        items: [
          {
            apiVersion: 'pont/v1',
            kind: 'Environment',
            metadata: { project: 'demo', name: 'qa' },
            spec: { order: 9 },
          },
        ],
      },
    ],
    ['viewer', 'DELETE', '/api/v1/projects/demo/nodes/dev-web-1'],
    ['viewer', 'DELETE', '/api/v1/projects/demo?cascade=true'],
    ['viewer', 'POST', '/api/v1/users', { username: 'eve', password: 'password-1' }],
    ['viewer', 'POST', '/api/v1/tokens', { name: 'too-strong', role: 'admin' }],
    [
      'viewer',
      'PUT',
      '/api/v1/policies/all',
      {
        apiVersion: 'pont/v1',
        kind: 'Policy',
        metadata: { name: 'all' },
        spec: {
          subjects: [{ user: 'vera' }],
          rules: [{ actions: ['*'], projects: ['*'], environments: ['*'] }],
        },
      },
    ],
    [
      'dev',
      'PUT',
      '/api/v1/projects/demo/nodes/prod-web-1',
      {
        apiVersion: 'pont/v1',
        kind: 'Node',
        metadata: { project: 'demo', name: 'prod-web-1' },
        spec: { environment: 'prod', hostname: 'evil', executor: 'local' },
      },
    ],
    ['dev', 'PATCH', '/api/v1/users/dan', { role: 'admin' }],
    [
      'dev',
      'POST',
      '/api/v1/tokens',
      { name: 'client', type: 'client', project: 'demo', environment: 'prod' },
    ],
    ['ops', 'POST', '/api/v1/users', { username: 'eve', password: 'password-1' }],
    ['ops', 'PATCH', '/api/v1/users/vera', { role: 'admin' }],
    ['ops', 'DELETE', '/api/v1/users/vera'],
  ];

  it.each(forbidden)('refuses %s: %s %s', async (who, method, url, payload) => {
    const token = { viewer, dev, ops }[who];
    const res = await t.call(token, {
      method: method as 'GET',
      url,
      ...(payload ? { payload: payload as object } : {}),
    });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it('lets a dev read and a viewer read, and lets ops apply', async () => {
    expect((await t.call(viewer, { method: 'GET', url: '/api/v1/projects/demo/nodes' })).statusCode).toBe(
      200,
    );
    expect((await t.call(dev, { method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(200);
    const res = await t.call(ops, {
      method: 'PUT',
      url: '/api/v1/projects/demo/environments/qa',
      payload: {
        apiVersion: 'pont/v1',
        kind: 'Environment',
        metadata: { project: 'demo', name: 'qa' },
        spec: { order: 9 },
      },
    });
    expect(res.statusCode).toBe(201);
  });

  it('grants through a Policy bound to a project and environment together', async () => {
    const nodeIn = (env: string) => ({
      apiVersion: 'pont/v1',
      kind: 'Node',
      metadata: { project: 'demo', name: `${env}-extra` },
      spec: { environment: env, hostname: 'localhost', executor: 'local' },
    });
    const policy = {
      apiVersion: 'pont/v1',
      kind: 'Policy',
      metadata: { name: 'dan-nodes-in-test' },
      spec: {
        subjects: [{ user: 'dan' }],
        rules: [{ actions: ['apply'], kinds: ['Node'], projects: ['demo'], environments: ['test'] }],
      },
    };
    expect(
      (await t.call(t.adminToken, { method: 'POST', url: '/api/v1/apply', payload: { items: [policy] } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await t.call(dev, { method: 'POST', url: '/api/v1/apply', payload: { items: [nodeIn('test')] } }))
        .statusCode,
    ).toBe(200);
    const prod = await t.call(dev, {
      method: 'POST',
      url: '/api/v1/apply',
      payload: { items: [nodeIn('prod')] },
    });
    expect(prod.statusCode).toBe(403);
    // Moving the node it may edit into prod is refused too.
    const moved = await t.call(dev, {
      method: 'POST',
      url: '/api/v1/apply',
      payload: { items: [{ ...nodeIn('prod'), metadata: { project: 'demo', name: 'test-extra' } }] },
    });
    expect(moved.statusCode).toBe(403);
  });

  it('requires the CSRF header for cookie-authenticated writes', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'admin-password-1' },
    });
    expect(login.statusCode).toBe(200);
    const session = login.cookies.find((c) => c.name === 'pont_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const csrf = login.json().csrfToken as string;
    const cookie = `pont_session=${session?.value}`;
    const body = {
      items: [
        {
          apiVersion: 'pont/v1',
          kind: 'Environment',
          metadata: { project: 'demo', name: 'csrf' },
          spec: { order: 7 },
        },
      ],
    };
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/projects', headers: { cookie } })).statusCode,
    ).toBe(200);
    const without = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: { cookie },
      payload: body,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('CSRF_FAILED');
    const withHeader = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: { cookie, 'x-pont-csrf': csrf },
      payload: body,
    });
    expect(withHeader.statusCode).toBe(200);
  });

  it('rate-limits repeated failed logins', async () => {
    const attempt = (password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'vera', password },
        remoteAddress: '10.0.0.9',
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt('wrong')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const locked = await attempt('vera-password-1');
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBeDefined();
    const audit = await t.call(t.adminToken, {
      method: 'GET',
      url: '/api/v1/audit?action=login-failed&limit=10',
    });
    expect(audit.json().items.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps a token within its creator role', async () => {
    const res = await t.call(dev, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'mine', role: 'viewer', expires: '30d' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ role: 'viewer', type: 'api' });
    expect(res.json().expiresAt).toBeDefined();
  });
});
