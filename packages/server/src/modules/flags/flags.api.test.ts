import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPont, DIALECTS, type TestPont } from '../../testing/index.js';

const flag = (name: string, environments: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'pont/v1',
  kind: 'Flag',
  metadata: { project: 'demo', name },
  spec: { type: 'release', environments, ...extra },
});

describe.each(DIALECTS)('flags API on %s', (dialect) => {
  let t: TestPont;
  let ops: string;
  let ops2: string;
  let dev: string;
  let devGranted: string;
  let viewer: string;
  let clientDev: string;
  let clientTest: string;
  let clientProd: string;
  let frontendDev: string;

  const call = (token: string | undefined, method: string, url: string, payload?: unknown) =>
    t.call(token, {
      method: method as 'GET',
      url,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const features = async (token: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/client/features',
      headers: { authorization: token },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      features: Array<{
        name: string;
        enabled: boolean;
        strategies: Array<{ parameters: Record<string, string> }>;
      }>;
    };
  };
  const feature = async (token: string, name: string) =>
    (await features(token)).features.find((f) => f.name === name);
  const token = async (type: 'client' | 'frontend', environment: string) => {
    const res = await call(t.adminToken, 'POST', '/api/v1/tokens', {
      name: `${type}-${environment}`,
      type,
      project: 'demo',
      environment,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().token as string;
  };

  beforeAll(async () => {
    t = await createTestPont(dialect);
    ops = await t.userToken('olga', 'ops');
    ops2 = await t.userToken('oscar', 'ops');
    dev = await t.userToken('dan', 'dev');
    devGranted = await t.userToken('dina', 'dev', ['flag-devs']);
    viewer = await t.userToken('vera', 'viewer');
    const policy = {
      apiVersion: 'pont/v1',
      kind: 'Policy',
      metadata: { name: 'devs-flip-flags' },
      spec: {
        subjects: [{ group: 'flag-devs' }],
        rules: [{ actions: ['apply'], kinds: ['Flag'], projects: ['demo'], environments: ['*'] }],
      },
    };
    expect((await call(t.adminToken, 'POST', '/api/v1/apply', { items: [policy] })).statusCode).toBe(200);
    const seed = await call(t.adminToken, 'POST', '/api/v1/apply', {
      items: [
        {
          apiVersion: 'pont/v1',
          kind: 'Segment',
          metadata: { project: 'demo', name: 'beta-users' },
          spec: { constraints: [{ contextName: 'plan', operator: 'IN', values: ['beta'] }] },
        },
        flag('checkout', {
          dev: {
            enabled: true,
            strategies: [{ name: 'flexibleRollout', parameters: { rollout: 50, stickiness: 'default' } }],
          },
          test: { enabled: true, strategies: [{ name: 'default', segments: ['beta-users'] }] },
          prod: { enabled: false },
        }),
        flag(
          'banner',
          { dev: { enabled: true }, test: { enabled: true }, prod: { enabled: false } },
          { type: 'kill-switch' },
        ),
      ],
    });
    expect(seed.statusCode, seed.body).toBe(200);
    // Even an admin switches prod on through an approval.
    const on = await call(
      t.adminToken,
      'POST',
      '/api/v1/projects/demo/flags/banner/environments/prod/enable',
      {},
    );
    expect(on.statusCode, on.body).toBe(202);
    expect(
      (await call(ops, 'POST', `/api/v1/projects/demo/approvals/${on.json().approvals[0].id}/approve`, {}))
        .statusCode,
    ).toBe(200);
    await t.pont.flags.service.idle();
    clientDev = await token('client', 'dev');
    clientTest = await token('client', 'test');
    clientProd = await token('client', 'prod');
    frontendDev = await token('frontend', 'dev');
  });
  afterAll(() => t.close());

  it('serves the environment of the client token, with an ETag and 304', async () => {
    const dev = await features(clientDev);
    expect(dev.features.map((f) => f.name)).toEqual(['banner', 'checkout']);
    expect(dev.features[1]?.strategies[0]?.parameters.rollout).toBe('50');
    const test = await t.app.inject({
      method: 'GET',
      url: '/api/client/features',
      headers: { authorization: `Bearer ${clientTest}` },
    });
    const body = test.json();
    expect(body.segments).toEqual([
      {
        id: 1,
        name: 'beta-users',
        constraints: [
          { contextName: 'plan', operator: 'IN', values: ['beta'], inverted: false, caseInsensitive: false },
        ],
      },
    ]);
    expect(body.features[1].strategies[0].segments).toEqual([1]);
    const etag = test.headers.etag as string;
    const again = await t.app.inject({
      method: 'GET',
      url: '/api/client/features',
      headers: { authorization: clientTest, 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect((await feature(clientProd, 'checkout'))?.enabled).toBe(false);
    const gzipped = await t.app.inject({
      method: 'GET',
      url: '/api/client/features',
      headers: { authorization: clientTest, 'accept-encoding': 'gzip, deflate' },
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzipped.rawPayload).toString())).toEqual(body);
    expect(gzipped.headers.etag).toBe(etag);
  });

  it('refuses the client API to other kinds of credentials, and client tokens elsewhere', async () => {
    expect((await call(t.adminToken, 'GET', '/api/client/features')).statusCode).toBe(403);
    expect((await call(frontendDev, 'GET', '/api/client/features')).statusCode).toBe(403);
    expect((await call(undefined, 'GET', '/api/client/features')).statusCode).toBe(401);
    expect((await call(clientDev, 'GET', '/api/v1/projects/demo/flags')).statusCode).toBe(403);
    expect((await call(clientDev, 'GET', '/api/frontend')).statusCode).toBe(403);
    expect(
      (await call(clientDev, 'POST', '/api/v1/projects/demo/flags/checkout/environments/dev/enable', {}))
        .statusCode,
    ).toBe(403);
    // A test token has no way to ask for prod: its binding decides, not the query.
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/client/features?project=other',
      headers: { authorization: clientTest },
    });
    expect(res.json().features).toEqual([]);
    const asked = await t.app.inject({
      method: 'GET',
      url: '/api/client/features?environment=prod',
      headers: { authorization: clientTest },
    });
    expect(asked.json().query.environment).toBe('test');
    // checkout is off in prod: a dev frontend token sees dev's rollout whatever the query says.
    const names = async (query: string) =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/frontend?${query}`,
          headers: { authorization: frontendDev },
        })
      )
        .json()
        .toggles.map((x: { name: string }) => x.name);
    let user = 0;
    while (!(await names(`userId=${user}`)).includes('checkout')) user++;
    expect(await names(`userId=${user}&environment=prod`)).toContain('checkout');
    expect((await call(clientTest, 'GET', '/api/v1/projects/demo/flag-overview')).statusCode).toBe(403);
    expect(
      (await call(frontendDev, 'POST', '/api/client/metrics', { appName: 'x', bucket: { toggles: {} } }))
        .statusCode,
    ).toBe(403);
    expect((await call(viewer, 'POST', '/api/client/register', { appName: 'x' })).statusCode).toBe(403);
  });

  it('lets a viewer and a dev without a grant read flags but not toggle them', async () => {
    expect((await call(viewer, 'GET', '/api/v1/projects/demo/flags/checkout')).statusCode).toBe(200);
    for (const who of [viewer, dev]) {
      for (const env of ['dev', 'prod']) {
        const res = await call(
          who,
          'POST',
          `/api/v1/projects/demo/flags/checkout/environments/${env}/enable`,
          {},
        );
        expect(res.statusCode, res.body).toBe(403);
        expect(res.json().error.code).toBe('FORBIDDEN');
      }
      expect(
        (
          await call(who, 'POST', '/api/v1/projects/demo/flags/checkout/environments/dev/rollout', {
            percent: 10,
          })
        ).statusCode,
      ).toBe(403);
    }
  });

  it('refuses an environment save made from a stale version (If-Match)', async () => {
    const current = await call(t.adminToken, 'GET', '/api/v1/projects/demo/flags/checkout');
    const version = current.json().metadata.resourceVersion as string;
    const put = (ifMatch: string) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/v1/projects/demo/flags/checkout/environments/dev',
        headers: { authorization: `Bearer ${t.adminToken}`, 'if-match': `"${ifMatch}"` },
        payload: {
          enabled: true,
          strategies: [{ name: 'flexibleRollout', parameters: { rollout: 60, stickiness: 'default' } }],
        },
      });
    const first = await put(version);
    expect(first.statusCode, first.body).toBe(200);
    const stale = await put(version);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('RESOURCE_CONFLICT');
  });

  it('applies a granted dev change in an unprotected environment at once', async () => {
    const res = await call(
      devGranted,
      'POST',
      '/api/v1/projects/demo/flags/checkout/environments/dev/rollout',
      { percent: 10 },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'applied', environments: ['dev'], approvalRequired: [] });
    expect((await feature(clientDev, 'checkout'))?.strategies[0]?.parameters.rollout).toBe('10');
  });

  it('stores a prod toggle for approval by someone else, then applies it', async () => {
    const res = await call(
      devGranted,
      'POST',
      '/api/v1/projects/demo/flags/checkout/environments/prod/enable',
      {},
    );
    expect(res.statusCode, res.body).toBe(202);
    const outcome = res.json();
    expect(outcome).toMatchObject({
      status: 'pending-approval',
      approvalRequired: ['prod'],
      change: { status: 'pending-approval' },
    });
    expect((await feature(clientProd, 'checkout'))?.enabled).toBe(false);
    const approvalId = outcome.approvals[0].id as string;
    const own = await call(devGranted, 'POST', `/api/v1/projects/demo/approvals/${approvalId}/approve`, {});
    expect(own.statusCode).toBe(403);
    const devApprove = await call(dev, 'POST', `/api/v1/projects/demo/approvals/${approvalId}/approve`, {});
    expect(devApprove.statusCode).toBe(403);
    const ok = await call(ops, 'POST', `/api/v1/projects/demo/approvals/${approvalId}/approve`, {
      comment: 'go',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    await t.pont.flags.service.idle();
    expect((await feature(clientProd, 'checkout'))?.enabled).toBe(true);
    const change = await call(ops, 'GET', `/api/v1/projects/demo/flag-changes/${outcome.change.id}`);
    expect(change.json()).toMatchObject({
      status: 'applied',
      message: 'applied (configured)',
      approvals: [{ status: 'approved', decidedBy: 'olga' }],
    });
    // The audit names the requester for the change itself.
    const history = await call(ops, 'GET', '/api/v1/projects/demo/flags/checkout/history');
    expect(
      history.json().items.map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`),
    ).toEqual(expect.arrayContaining(['update:dina', 'approve:olga', 'approval-request:dina']));
  });

  it('even for ops, a prod change needs a second person; a rejection leaves prod as it was', async () => {
    const res = await call(ops, 'POST', '/api/v1/projects/demo/flags/checkout/environments/prod/rollout', {
      percent: 30,
    });
    expect(res.statusCode).toBe(202);
    const approvalId = res.json().approvals[0].id;
    expect(
      (await call(ops, 'POST', `/api/v1/projects/demo/approvals/${approvalId}/approve`, {})).statusCode,
    ).toBe(403);
    expect(
      (
        await call(ops2, 'POST', `/api/v1/projects/demo/approvals/${approvalId}/reject`, {
          comment: 'not today',
        })
      ).statusCode,
    ).toBe(200);
    await t.pont.flags.service.idle();
    const change = (
      await call(ops, 'GET', `/api/v1/projects/demo/flag-changes/${res.json().change.id}`)
    ).json();
    expect(change).toMatchObject({ status: 'rejected', message: 'rejected by oscar: not today' });
    expect((await feature(clientProd, 'checkout'))?.strategies).toEqual([]);
  });

  it('switches a protected environment off at once (kill switch) for whoever may change it there', async () => {
    const res = await call(
      devGranted,
      'POST',
      '/api/v1/projects/demo/flags/banner/environments/prod/disable',
      {},
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'applied', killSwitch: true, approvalRequired: [] });
    expect((await feature(clientProd, 'banner'))?.enabled).toBe(false);
    // Switching it back on is a normal change: approval needed.
    expect(
      (await call(devGranted, 'POST', '/api/v1/projects/demo/flags/banner/environments/prod/enable', {}))
        .statusCode,
    ).toBe(202);
    expect(
      (await call(viewer, 'POST', '/api/v1/projects/demo/flags/banner/environments/prod/disable', {}))
        .statusCode,
    ).toBe(403);
  });

  it('refuses a plain apply that changes prod, and turns it into a pending change through flag-changes', async () => {
    const current = (await call(ops, 'GET', '/api/v1/projects/demo/flags/checkout')).json();
    const edited = {
      ...current,
      spec: {
        ...current.spec,
        environments: {
          ...current.spec.environments,
          prod: { enabled: true, strategies: [{ name: 'userWithId', parameters: { userIds: 'a,b' } }] },
        },
      },
    };
    const refused = await call(ops, 'POST', '/api/v1/apply', { items: [edited] });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'APPROVAL_REQUIRED',
      details: [{ path: 'spec.environments.prod' }],
    });
    const put = await call(ops, 'PUT', '/api/v1/projects/demo/flags/checkout', edited);
    expect(put.json().error.code).toBe('APPROVAL_REQUIRED');
    const requested = await call(ops, 'POST', '/api/v1/projects/demo/flag-changes', { items: [edited] });
    expect(requested.statusCode, requested.body).toBe(202);
    expect(requested.json().results[0]).toMatchObject({ status: 'pending-approval', environments: ['prod'] });
    // Changing the description only is not about prod, and a dry run changes nothing.
    const description = { ...current, spec: { ...current.spec, description: 'new checkout flow' } };
    const dry = await call(ops, 'POST', '/api/v1/projects/demo/flag-changes', {
      items: [description],
      dryRun: true,
    });
    expect(dry.json().results[0]).toMatchObject({
      status: 'dry-run',
      changes: [{ path: 'spec.description', after: 'new checkout flow' }],
    });
    expect((await call(ops, 'POST', '/api/v1/apply', { items: [description] })).statusCode).toBe(200);
    // Whole-flag changes fail when the flag moved on since the request.
    await call(
      ops2,
      'POST',
      `/api/v1/projects/demo/approvals/${requested.json().results[0].approvals[0].id}/approve`,
      {},
    );
    await t.pont.flags.service.idle();
    const change = (
      await call(ops, 'GET', `/api/v1/projects/demo/flag-changes/${requested.json().results[0].change.id}`)
    ).json();
    expect(change.status).toBe('failed');
    expect(change.message).toMatch(/changed since the request/);
  });

  it('asks for approval to edit a segment that flags use in a protected environment', async () => {
    const segment = (values: string[]) => ({
      apiVersion: 'pont/v1',
      kind: 'Segment',
      metadata: { project: 'demo', name: 'vip' },
      spec: { constraints: [{ contextName: 'plan', operator: 'IN', values }] },
    });
    expect((await call(ops, 'POST', '/api/v1/apply', { items: [segment(['gold'])] })).statusCode).toBe(200);
    // Used in dev only: edited at once.
    const devOnly = flag('vip-lounge', {
      dev: { enabled: true, strategies: [{ name: 'default', segments: ['vip'] }] },
    });
    expect((await call(ops, 'POST', '/api/v1/apply', { items: [devOnly] })).statusCode).toBe(200);
    expect(
      (await call(ops, 'POST', '/api/v1/apply', { items: [segment(['gold', 'silver'])] })).statusCode,
    ).toBe(200);
    // Enabled in prod through an approval: from then on, editing the segment needs one too.
    const enable = await call(ops, 'PUT', '/api/v1/projects/demo/flags/vip-lounge/environments/prod', {
      enabled: true,
      strategies: [{ name: 'default', segments: ['vip'] }],
    });
    expect(enable.statusCode).toBe(202);
    await call(ops2, 'POST', `/api/v1/projects/demo/approvals/${enable.json().approvals[0].id}/approve`, {});
    await t.pont.flags.service.idle();
    const refused = await call(ops, 'POST', '/api/v1/apply', { items: [segment(['everyone'])] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'APPROVAL_REQUIRED',
      details: [{ path: 'spec.constraints' }],
    });
    const requested = await call(ops, 'POST', '/api/v1/projects/demo/flag-changes', {
      items: [segment(['everyone'])],
    });
    expect(requested.statusCode, requested.body).toBe(202);
    const outcome = requested.json().results[0];
    expect(outcome).toMatchObject({
      kind: 'Segment',
      flag: 'vip',
      status: 'pending-approval',
      approvalRequired: ['prod'],
      summary: 'edit segment vip (used in dev, prod)',
    });
    const prodBody = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/client/features',
          headers: { authorization: clientProd },
        })
      ).json();
    expect(
      (await prodBody()).segments.find((s: { name: string }) => s.name === 'vip').constraints[0].values,
    ).toEqual(['gold', 'silver']);
    await call(ops2, 'POST', `/api/v1/projects/demo/approvals/${outcome.approvals[0].id}/approve`, {});
    await t.pont.flags.service.idle();
    expect(
      (await prodBody()).segments.find((s: { name: string }) => s.name === 'vip').constraints[0].values,
    ).toEqual(['everyone']);
    // A label change does not change answers: no approval.
    const labelled = {
      ...segment(['everyone']),
      metadata: { project: 'demo', name: 'vip', labels: { team: 'growth' } },
    };
    expect((await call(ops, 'POST', '/api/v1/apply', { items: [labelled] })).statusCode).toBe(200);
  });

  it('checks references and values with field paths', async () => {
    const res = await call(ops, 'POST', '/api/v1/apply', {
      items: [
        flag('broken', {
          dev: {
            enabled: true,
            strategies: [
              { name: 'flexibleRollout', parameters: { rollout: 150 }, segments: ['nope'] },
              {
                name: 'default',
                constraints: [{ contextName: 'version', operator: 'SEMVER_GT', value: 'v1' }],
              },
            ],
          },
          staging: { enabled: true },
        }),
      ],
    });
    expect(res.statusCode).toBe(422);
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'spec.environments.dev.strategies[0].parameters.rollout',
        'spec.environments.dev.strategies[1].constraints[0].value',
        'spec.environments.dev.strategies[0].segments[0]',
        'spec.environments.staging',
      ]),
    );
    const schema = await call(ops, 'POST', '/api/v1/apply', {
      items: [
        flag('typo', {
          dev: {
            enabled: true,
            strategies: [
              { name: 'default', constraints: [{ contextName: 'x', operator: 'STR_CONTAIN', values: [] }] },
            ],
          },
        }),
      ],
    });
    expect(schema.json().error.details[0].path).toBe(
      'spec.environments.dev.strategies[0].constraints[0].operator',
    );
  });

  it('promotes one environment to another with a diff first', async () => {
    const dry = await call(devGranted, 'POST', '/api/v1/projects/demo/flags/checkout/promote', {
      from: 'dev',
      to: 'test',
      dryRun: true,
    });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().status).toBe('dry-run');
    expect(dry.json().changes.map((c: { path: string }) => c.path)).toContain(
      'spec.environments.test.strategies[0].name',
    );
    expect((await feature(clientTest, 'checkout'))?.strategies[0]).toMatchObject({ name: 'default' });
    const done = await call(devGranted, 'POST', '/api/v1/projects/demo/flags/checkout/promote', {
      from: 'dev',
      to: 'test',
    });
    expect(done.json().status).toBe('applied');
    expect((await feature(clientTest, 'checkout'))?.strategies[0]).toMatchObject({
      name: 'flexibleRollout',
      parameters: { rollout: '10' },
    });
  });

  it('runs scheduled changes when due, not before', async () => {
    const past = new Date(Date.now() - 1000).toISOString();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const soon = await call(
      devGranted,
      'POST',
      '/api/v1/projects/demo/flags/banner/environments/dev/disable',
      { at: past },
    );
    expect(soon.json()).toMatchObject({ status: 'scheduled', change: { status: 'scheduled', runAt: past } });
    const later = await call(
      devGranted,
      'POST',
      '/api/v1/projects/demo/flags/banner/environments/test/disable',
      { at: future },
    );
    expect(later.json().status).toBe('scheduled');
    expect((await feature(clientDev, 'banner'))?.enabled).toBe(true);
    await t.pont.flags.service.runDue();
    expect((await feature(clientDev, 'banner'))?.enabled).toBe(false);
    expect((await feature(clientTest, 'banner'))?.enabled).toBe(true);
    const waiting = await call(viewer, 'GET', '/api/v1/projects/demo/flag-changes?status=scheduled');
    expect(waiting.json().items.map((c: { id: string }) => c.id)).toEqual([later.json().change.id]);
    expect(
      (await call(viewer, 'POST', `/api/v1/projects/demo/flag-changes/${later.json().change.id}/cancel`))
        .statusCode,
    ).toBe(403);
    const cancelled = await call(
      devGranted,
      'POST',
      `/api/v1/projects/demo/flag-changes/${later.json().change.id}/cancel`,
    );
    expect(cancelled.json().status).toBe('cancelled');
  });

  it('explains an evaluation, also for an unsaved draft', async () => {
    const res = await call(viewer, 'POST', '/api/v1/projects/demo/flags/checkout/evaluate', {
      environment: 'prod',
      context: { userId: '42', properties: { plan: 'free' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ flag: 'checkout', key: 'checkout', enabled: true });
    const draft = await call(viewer, 'POST', '/api/v1/projects/demo/flags/checkout/evaluate', {
      environment: 'prod',
      context: { userId: '42', properties: { plan: 'free' } },
      spec: {
        environments: {
          prod: { enabled: true, strategies: [{ name: 'default', segments: ['beta-users'] }] },
        },
      },
    });
    expect(draft.json().enabled).toBe(false);
    expect(draft.json().text).toContain('of segment beta-users failed: plan IN [beta], context value "free"');
  });

  it('serves the frontend API with CORS and ETag', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/frontend?userId=7&properties[plan]=beta',
      headers: { authorization: frontendDev, origin: 'https://app.example' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const names = res.json().toggles.map((x: { name: string }) => x.name);
    expect(names).not.toContain('banner');
    const post = await t.app.inject({
      method: 'POST',
      url: '/api/frontend',
      headers: { authorization: frontendDev },
      payload: { context: { userId: '7', properties: { plan: 'beta' } } },
    });
    expect(post.json()).toEqual(res.json());
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/frontend?userId=7&properties[plan]=beta',
          headers: { authorization: frontendDev, 'if-none-match': res.headers.etag as string },
        })
      ).statusCode,
    ).toBe(304);
    expect((await call(clientDev, 'POST', '/api/frontend', {})).statusCode).toBe(403);
  });

  it('applies the example of the README', async () => {
    const readme = readFileSync(new URL('../../../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Feature flags'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(yaml).toContain('kind: Flag');
    expect(
      (await call(ops, 'POST', '/api/v1/apply', { items: [flag('payments-v2', { dev: { enabled: true } })] }))
        .statusCode,
    ).toBe(200);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: { authorization: `Bearer ${ops}`, 'content-type': 'application/yaml' },
      payload: yaml,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(
      res
        .json()
        .results.map(
          (r: { kind: string; name: string; action: string }) => `${r.kind}/${r.name} ${r.action}`,
        ),
    ).toEqual(['Segment/beta-users unchanged', 'Flag/new-checkout created']);
  });

  it('records SDK metrics by minute and hour, and last seen', async () => {
    const bucket = {
      start: new Date().toISOString(),
      stop: new Date().toISOString(),
      toggles: { checkout: { yes: 3, no: 2, variants: { a: 1 } } },
    };
    const posted = await t.app.inject({
      method: 'POST',
      url: '/api/client/metrics',
      headers: { authorization: clientDev },
      payload: { appName: 'shop', instanceId: 'i-1', bucket },
    });
    expect(posted.statusCode, posted.body).toBe(202);
    await t.app.inject({
      method: 'POST',
      url: '/api/client/metrics',
      headers: { authorization: clientDev },
      payload: { appName: 'shop', instanceId: 'i-2', bucket },
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/client/register',
      headers: { authorization: clientDev },
      payload: {
        appName: 'shop',
        instanceId: 'i-1',
        sdkVersion: 'unleash-node-sdk:6.12.1',
        started: new Date().toISOString(),
        interval: 60000,
      },
    });
    await t.pont.flags.metrics.flush();
    for (const period of ['minute', 'hour']) {
      const m = (
        await call(viewer, 'GET', `/api/v1/projects/demo/flags/checkout/metrics?period=${period}`)
      ).json();
      expect(m.totals).toEqual({ yes: 6, no: 4, variants: { a: 2 } });
      expect(m.items).toHaveLength(1);
      expect(m.items[0]).toMatchObject({ environment: 'dev', yes: 6, no: 4 });
    }
    const overview = (await call(viewer, 'GET', '/api/v1/projects/demo/flag-overview')).json();
    const checkout = overview.flags.find((f: { name: string }) => f.name === 'checkout');
    expect(checkout.environments.dev.lastSeenAt).toBeDefined();
    expect(checkout.environments.prod.lastSeenAt).toBeUndefined();
    expect(overview.environments.map((e: { name: string }) => e.name)).toEqual([
      'dev',
      'test',
      'integration',
      'prod',
    ]);
    const clients = (await call(viewer, 'GET', '/api/v1/projects/demo/flag-clients')).json();
    expect(clients.items.map((c: { instanceId: string }) => c.instanceId).sort()).toEqual(['i-1', 'i-2']);
    expect(clients.items.find((c: { instanceId: string }) => c.instanceId === 'i-1').sdkVersion).toBe(
      'unleash-node-sdk:6.12.1',
    );
  });
});
