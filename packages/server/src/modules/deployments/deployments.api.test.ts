import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoArtifact } from '../../demo.js';
import { createTestPont, DIALECTS, type TestPont } from '../../testing/index.js';
import { systemActor } from '../auth/index.js';
import type { Deployment, DeploymentDetail, EnvironmentMatrix } from './index.js';

/**
 * Deployments end to end over the HTTP API, on the demo project's local nodes with a real deploy
 * job (copy the artifact, unpack it, switch `current`), a real HTTP health endpoint, and users
 * with different roles.
 */
describe.each(DIALECTS)('deployments API on %s', (dialect) => {
  let t: TestPont;
  let root: string;
  let ops: string;
  let ops2: string;
  let dev: string;
  let viewer: string;
  let health: Server;
  let healthPort: number;

  const resource = (kind: string, name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'pont/v1',
    kind,
    metadata: { project: 'demo', name },
    spec,
  });

  async function apply(...docs: unknown[]): Promise<void> {
    const res = await t.call(t.adminToken, {
      method: 'POST',
      url: '/api/v1/apply',
      payload: { items: docs },
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  async function push(token: string, app: string, version: string, body = demoArtifact(version)) {
    return t.call(token, {
      method: 'PUT',
      url: `/api/v1/projects/demo/artifacts/${app}/${version}?fileName=${app}.tar.gz&labels=commit=c${version.replaceAll('.', '')}`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: body,
    });
  }

  async function deploy(
    token: string,
    body: Record<string, unknown>,
    url = '/api/v1/projects/demo/deployments',
  ) {
    return t.call(token, { method: 'POST', url, payload: body });
  }

  async function detail(id: string): Promise<DeploymentDetail> {
    const res = await t.call(t.adminToken, { method: 'GET', url: `/api/v1/projects/demo/deployments/${id}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as DeploymentDetail;
  }

  async function waitFinal(id: string, timeoutMs = 30_000): Promise<Deployment> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { deployment } = await detail(id);
      if (!['queued', 'running', 'waiting-approval'].includes(deployment.status)) return deployment;
      if (Date.now() > until) throw new Error(`deployment ${id} still ${deployment.status}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const installed = (node: string) => readFileSync(join(root, node, 'current', 'VERSION'), 'utf8').trim();

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'pont-deploy-'));
    t = await createTestPont(dialect);
    ops = await t.userToken('olga', 'ops');
    ops2 = await t.userToken('otto', 'ops');
    dev = await t.userToken('dan', 'dev');
    viewer = await t.userToken('vera', 'viewer');
    // Healthy unless the node runs version 1.1.0 (a bad build): the check reads what is installed.
    health = createServer((req, res) => {
      const node = (req.url ?? '').split('/').pop() ?? '';
      let version = '';
      try {
        version = installed(node);
      } catch {
        version = 'none';
      }
      res.statusCode = version === '1.1.0' ? 500 : 200;
      res.end(version);
    });
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
    healthPort = (health.address() as AddressInfo).port;

    const job = resource('Job', 'install', {
      options: [
        { name: 'version', required: true },
        { name: 'artifact', required: true },
        { name: 'sha256' },
        { name: 'root', required: true },
        { name: 'pause', default: '0' },
      ],
      nodes: { filter: 'tags: app' },
      steps: [
        {
          id: 'prepare',
          exec: 'mkdir -p "$PONT_OPTION_ROOT/$PONT_NODE_NAME/releases/$PONT_OPTION_VERSION"',
          shell: true,
        },
        {
          id: 'copy',
          copy: {
            file: '${option.artifact}',
            destination: '${option.root}/${node.name}/releases/${option.version}/app.tar.gz',
          },
        },
        {
          id: 'unpack',
          exec: [
            'tar',
            '-xzf',
            '${option.root}/${node.name}/releases/${option.version}/app.tar.gz',
            '-C',
            '${option.root}/${node.name}/releases/${option.version}',
          ],
        },
        { id: 'wait', exec: 'sleep "$PONT_OPTION_PAUSE"', shell: true },
        {
          id: 'switch',
          exec: 'ln -sfn "releases/$PONT_OPTION_VERSION" "$PONT_OPTION_ROOT/$PONT_NODE_NAME/current" && echo "sha $PONT_OPTION_SHA256"',
          shell: true,
        },
      ],
    });
    const app = (name: string, spec: Record<string, unknown>) =>
      resource('App', name, { deploy: { job: 'install', options: { root } }, ...spec });
    await apply(
      job,
      app('web', { environments: { test: { autoDeploy: true } } }),
      app('api', {
        healthCheck: {
          url: `http://127.0.0.1:${healthPort}/health/\${node.name}`,
          retries: 1,
          interval: 50,
          timeout: 1000,
        },
        environments: { dev: { from: null } },
      }),
      app('slow', {
        deploy: { job: 'install', options: { root, pause: '0.3' } },
        environments: { dev: { from: null }, test: { from: null } },
      }),
      app('frozen', {
        environments: {
          dev: {
            from: null,
            freezeWindows: [
              {
                name: 'forever',
                reason: 'audit',
                start: '2000-01-01T00:00:00Z',
                end: '2999-01-01T00:00:00Z',
              },
            ],
          },
          integration: { from: null },
        },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    health?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('pushes artifacts streamed with their sha256; versions are immutable; lists and downloads them', async () => {
    const body = demoArtifact('1.0.0');
    const res = await push(ops, 'web', '1.0.0', body);
    expect(res.statusCode, res.body).toBe(201);
    const artifact = res.json();
    expect(artifact).toMatchObject({
      app: 'web',
      version: '1.0.0',
      file: 'web-1.0.0.tar.gz',
      size: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
      labels: { commit: 'c100' },
      uploadedBy: 'olga',
    });
    expect((await push(ops, 'web', '1.0.0')).json().error.code).toBe('ALREADY_EXISTS');
    expect((await push(dev, 'web', '9.9.9')).statusCode).toBe(403);
    expect((await push(ops, 'nope', '1.0.0')).statusCode).toBe(404);
    expect((await push(ops, 'web', '-bad')).statusCode).toBe(422);
    for (const v of ['1.1.0', '1.2.0']) expect((await push(ops, 'web', v)).statusCode).toBe(201);
    for (const a of ['api', 'slow', 'frozen'])
      for (const v of ['1.0.0', '1.1.0', '1.2.0']) expect((await push(ops, a, v)).statusCode).toBe(201);

    const list = await t.call(viewer, { method: 'GET', url: '/api/v1/projects/demo/artifacts?app=web' });
    expect(list.json().items.map((a: { version: string }) => a.version)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
    const download = await t.call(viewer, {
      method: 'GET',
      url: '/api/v1/projects/demo/artifacts/web/1.0.0/content',
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['x-sha256']).toBe(artifact.sha256);
    expect(Buffer.compare(download.rawPayload, body)).toBe(0);
  });

  it('deploys to dev, auto-deploys to test, and the matrix shows what runs where', async () => {
    const res = await deploy(dev, { app: 'web', environment: 'dev', version: '1.0.0' });
    expect(res.statusCode, res.body).toBe(201);
    const done = await waitFinal(res.json().id);
    expect(done.status, JSON.stringify(done.events)).toBe('succeeded');
    expect(done.executions).toHaveLength(1);
    expect(installed('dev-app-1')).toBe('1.0.0');
    expect(done.events.map((e) => e.message).join('\n')).toMatch(
      /auto-deploy to test: deployment \w+ queued/,
    );

    await t.pont.deployments.runner.idle();
    const auto = (
      await t.call(viewer, {
        method: 'GET',
        url: '/api/v1/projects/demo/deployments?app=web&environment=test',
      })
    ).json().items[0] as Deployment;
    const autoDone = await waitFinal(auto.id);
    expect(autoDone).toMatchObject({
      status: 'succeeded',
      trigger: 'auto-deploy',
      kind: 'promote',
      sourceEnvironment: 'dev',
      requestedBy: 'pont',
    });
    expect(installed('test-app-1')).toBe('1.0.0');

    const matrix = (
      await t.call(viewer, { method: 'GET', url: '/api/v1/projects/demo/environment-matrix' })
    ).json() as EnvironmentMatrix;
    expect(matrix.environments.map((e) => e.name)).toEqual(['dev', 'test', 'integration', 'prod']);
    const web = matrix.apps.find((a) => a.name === 'web');
    expect(web?.cells.dev).toEqual({
      version: '1.0.0',
      since: expect.any(String),
      deploymentId: done.id,
      pending: 0,
      from: null,
      approval: false,
    });
    expect(web?.cells.test?.version).toBe('1.0.0');
    expect(web?.cells.prod).toEqual({ pending: 0, from: 'integration', approval: true });
  });

  it('promotion refuses a version that never ran in the previous environment; promote takes exactly the version running there', async () => {
    const skip = await deploy(ops, { app: 'web', environment: 'integration', version: '1.1.0' });
    expect(skip.statusCode).toBe(409);
    expect(skip.json().error.code).toBe('PROMOTION_REFUSED');
    expect(skip.json().error.message).toMatch(/never ran successfully in test/);
    const wrongPath = await deploy(
      ops,
      { app: 'web', from: 'dev', to: 'integration' },
      '/api/v1/projects/demo/deployments/promote',
    );
    expect(wrongPath.json().error).toMatchObject({
      code: 'PROMOTION_REFUSED',
      message: expect.stringMatching(/from test, not from dev/),
    });
    const nothing = await deploy(
      ops,
      { app: 'web', from: 'integration', to: 'prod' },
      '/api/v1/projects/demo/deployments/promote',
    );
    expect(nothing.json().error.code).toBe('PROMOTION_REFUSED');

    // 1.1.0 reaches dev (and test automatically), but test then moves on to 1.2.0 directly? No: test takes from dev.
    await waitFinal((await deploy(dev, { app: 'web', environment: 'dev', version: '1.1.0' })).json().id);
    await t.pont.deployments.runner.idle();
    await waitFinal(
      (
        await t.call(viewer, {
          method: 'GET',
          url: '/api/v1/projects/demo/deployments?app=web&environment=test&limit=1',
        })
      ).json().items[0].id,
    );
    const promoted = await deploy(
      ops,
      { app: 'web', from: 'test', to: 'integration' },
      '/api/v1/projects/demo/deployments/promote',
    );
    expect(promoted.statusCode, promoted.body).toBe(201);
    expect(promoted.json()).toMatchObject({ version: '1.1.0', kind: 'promote', sourceEnvironment: 'test' });
    expect((await waitFinal(promoted.json().id)).status).toBe('succeeded');
    expect(installed('integration-app-1')).toBe('1.1.0');
    // Now deploying 1.0.0 to integration is allowed: it ran in test before.
    const older = await deploy(ops, { app: 'web', environment: 'integration', version: '1.0.0' });
    expect(older.statusCode).toBe(201);
    await waitFinal(older.json().id);
  });

  it('prod needs another user’s approval; dev may deploy to test but not prod', async () => {
    expect((await deploy(dev, { app: 'web', environment: 'prod', version: '1.0.0' })).statusCode).toBe(403);
    expect((await deploy(viewer, { app: 'web', environment: 'dev', version: '1.0.0' })).statusCode).toBe(403);
    const res = await deploy(
      ops,
      { app: 'web', from: 'integration', to: 'prod' },
      '/api/v1/projects/demo/deployments/promote',
    );
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    expect(res.json()).toMatchObject({ status: 'waiting-approval', version: '1.0.0' });
    const url = `/api/v1/projects/demo/deployments/${id}`;
    const own = await t.call(ops, { method: 'POST', url: `${url}/approve`, payload: {} });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toMatch(/cannot approve it too/);
    expect((await t.call(dev, { method: 'POST', url: `${url}/approve`, payload: {} })).statusCode).toBe(403);
    await new Promise((r) => setTimeout(r, 100));
    expect((await detail(id)).deployment.status).toBe('waiting-approval');
    expect(existsSync(join(root, 'prod-app-1'))).toBe(false);
    const ok = await t.call(ops2, {
      method: 'POST',
      url: `${url}/approve`,
      payload: { comment: 'change 42' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const done = await waitFinal(id);
    expect(done.status).toBe('succeeded');
    expect(installed('prod-app-1')).toBe('1.0.0');
    const d = await detail(id);
    expect(d.approvals).toMatchObject([
      { status: 'approved', decidedBy: 'otto', requestedBy: 'olga', comment: 'change 42' },
    ]);
    expect(d.deployment.events.map((e) => e.message)).toContain('approved by otto: change 42');

    // A rejected one never runs.
    const second = await deploy(ops, { app: 'web', environment: 'prod', version: '1.1.0' });
    expect(second.json().status).toBe('waiting-approval');
    await t.call(ops2, {
      method: 'POST',
      url: `/api/v1/projects/demo/deployments/${second.json().id}/reject`,
      payload: { comment: 'not today' },
    });
    expect(await waitFinal(second.json().id)).toMatchObject({
      status: 'rejected',
      message: 'rejected by otto: not today',
    });
    expect(installed('prod-app-1')).toBe('1.0.0');
  });

  it('a freeze window refuses deployments unless an admin forces one with a reason', async () => {
    const refused = await deploy(ops, { app: 'frozen', environment: 'dev', version: '1.0.0' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('DEPLOYMENT_FROZEN');
    expect(refused.json().error.message).toMatch(/freeze window "forever" \(audit\) until 2999/);
    const notAdmin = await deploy(ops, {
      app: 'frozen',
      environment: 'dev',
      version: '1.0.0',
      force: { reason: 'hotfix' },
    });
    expect(notAdmin.statusCode).toBe(403);
    const noReason = await deploy(t.adminToken, {
      app: 'frozen',
      environment: 'dev',
      version: '1.0.0',
      force: { reason: ' ' },
    });
    expect(noReason.statusCode).toBe(422);
    const forced = await deploy(t.adminToken, {
      app: 'frozen',
      environment: 'dev',
      version: '1.0.0',
      force: { reason: 'security fix' },
    });
    expect(forced.statusCode, forced.body).toBe(201);
    expect(forced.json().forced).toMatchObject({ by: 'admin', reason: 'security fix' });
    expect((await waitFinal(forced.json().id)).status).toBe('succeeded');

    // A freeze on the Environment applies to every app: a cron window open for two minutes every minute.
    const env = (
      await t.call(t.adminToken, { method: 'GET', url: '/api/v1/projects/demo/environments/integration' })
    ).json();
    await apply({
      ...env,
      metadata: { project: 'demo', name: 'integration' },
      spec: { ...env.spec, freezeWindows: [{ name: 'release-week', cron: '* * * * *', duration: '2m' }] },
    });
    const frozen = await deploy(ops, { app: 'frozen', environment: 'integration', version: '1.0.0' });
    expect(frozen.json().error).toMatchObject({
      code: 'DEPLOYMENT_FROZEN',
      message: expect.stringMatching(/integration is frozen: freeze window "release-week"/),
    });
    const matrix = (
      await t.call(viewer, { method: 'GET', url: '/api/v1/projects/demo/environment-matrix' })
    ).json() as EnvironmentMatrix;
    expect(matrix.environments.find((e) => e.name === 'integration')?.frozen).toMatch(/release-week/);
    await apply({ ...env, metadata: { project: 'demo', name: 'integration' } });
    expect(
      (await deploy(ops, { app: 'frozen', environment: 'integration', version: '1.0.0' })).statusCode,
    ).toBe(201);
  });

  it('a failing health check rolls back automatically and says so', async () => {
    const first = await deploy(ops, { app: 'api', environment: 'dev', version: '1.0.0' });
    const good = await waitFinal(first.json().id);
    expect(good.status, JSON.stringify(good.events)).toBe('succeeded');
    expect(good.health.at(-1)).toMatchObject({ ok: true, status: 200, node: 'dev-app-1' });

    const bad = await deploy(ops, { app: 'api', environment: 'dev', version: '1.1.0' });
    const failed = await waitFinal(bad.json().id);
    expect(failed.status).toBe('rolled-back');
    expect(failed.message).toMatch(
      /health check failed: .*answered 500, expected 200 after 2 attempt\(s\); rolled back automatically to 1.0.0 \(deployment \w+\)/,
    );
    expect(failed.health.filter((h) => !h.ok)).toHaveLength(2);
    expect(failed.rolledBackBy).toBeDefined();
    const rollback = await waitFinal(failed.rolledBackBy ?? '');
    expect(rollback).toMatchObject({
      status: 'succeeded',
      kind: 'rollback',
      trigger: 'auto-rollback',
      version: '1.0.0',
      rollbackOf: failed.id,
    });
    expect(installed('dev-app-1')).toBe('1.0.0');
    const matrix = (
      await t.call(viewer, { method: 'GET', url: '/api/v1/projects/demo/environment-matrix' })
    ).json() as EnvironmentMatrix;
    expect(matrix.apps.find((a) => a.name === 'api')?.cells.dev).toMatchObject({
      version: '1.0.0',
      last: { version: '1.1.0', status: 'rolled-back' },
    });
  });

  it('rolls back by hand to the previous successful version', async () => {
    await waitFinal((await deploy(ops, { app: 'api', environment: 'dev', version: '1.2.0' })).json().id);
    expect(installed('dev-app-1')).toBe('1.2.0');
    const res = await deploy(
      dev,
      { app: 'api', environment: 'dev' },
      '/api/v1/projects/demo/deployments/rollback',
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'rollback', version: '1.0.0', previousVersion: '1.2.0' });
    expect((await waitFinal(res.json().id)).status).toBe('succeeded');
    expect(installed('dev-app-1')).toBe('1.0.0');
    const none = await deploy(
      dev,
      { app: 'slow', environment: 'dev' },
      '/api/v1/projects/demo/deployments/rollback',
    );
    expect(none.json().error.code).toBe('INVALID_STATE');
  });

  it('runs one deployment at a time per app and environment; the others queue in order', async () => {
    const ids: string[] = [];
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
      const res = await deploy(dev, { app: 'slow', environment: 'dev', version });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    const other = await deploy(dev, { app: 'slow', environment: 'test', version: '1.0.0' });
    await new Promise((r) => setTimeout(r, 100));
    const statuses = await Promise.all(ids.map(async (id) => (await detail(id)).deployment.status));
    expect(statuses).toEqual(['running', 'queued', 'queued']);
    expect((await detail(other.json().id)).deployment.status).toBe('running');
    const matrix = (
      await t.call(viewer, { method: 'GET', url: '/api/v1/projects/demo/environment-matrix' })
    ).json() as EnvironmentMatrix;
    expect(matrix.apps.find((a) => a.name === 'slow')?.cells.dev?.pending).toBe(2);

    // A queued one can be cancelled; it never runs.
    const cancelled = await t.call(dev, {
      method: 'POST',
      url: `/api/v1/projects/demo/deployments/${ids[1]}/cancel`,
    });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', message: 'cancelled by dan' });
    const done = await Promise.all(ids.map((id) => waitFinal(id)));
    expect(done.map((d) => d.status)).toEqual(['succeeded', 'cancelled', 'succeeded']);
    expect(Date.parse(done[2]?.startedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(done[0]?.finishedAt ?? ''),
    );
    expect(installed('dev-app-1')).toBe('1.2.0');
    await waitFinal(other.json().id);
  });

  it('shows the flags changed in the environment since the previous deployment, and the versions compared', async () => {
    await waitFinal((await deploy(ops, { app: 'web', environment: 'dev', version: '1.2.0' })).json().id);
    await t.pont.deployments.runner.idle();
    const auto = (
      await t.call(viewer, {
        method: 'GET',
        url: '/api/v1/projects/demo/deployments?app=web&environment=test&limit=1',
      })
    ).json();
    expect(await waitFinal(auto.items[0].id)).toMatchObject({ version: '1.2.0', status: 'succeeded' });
    await apply(
      resource('Flag', 'new-checkout', {
        type: 'release',
        environments: { integration: { enabled: true }, dev: { enabled: false } },
      }),
    );
    await apply(resource('Flag', 'dark-mode', { type: 'release', environments: { dev: { enabled: true } } }));
    const res = await deploy(
      ops,
      { app: 'web', from: 'test', to: 'integration' },
      '/api/v1/projects/demo/deployments/promote',
    );
    const done = await waitFinal(res.json().id);
    const d = await detail(done.id);
    expect(d.flagChanges.map((f) => f.flag)).toEqual(['new-checkout']);
    expect(d.flagChanges[0]?.actor).toBe('admin');
    expect(d.previousDeployment?.version).toBe('1.0.0');
    expect(d.artifact).toMatchObject({ version: '1.2.0', labels: { commit: 'c120' } });
    expect(d.previousArtifact).toMatchObject({ version: '1.0.0', labels: { commit: 'c100' } });
  });

  it('lists history newest first with a cursor, and refuses anonymous and unauthorised callers', async () => {
    const page = (
      await t.call(viewer, { method: 'GET', url: '/api/v1/projects/demo/deployments?app=web&limit=2' })
    ).json();
    expect(page.items).toHaveLength(2);
    const next = (
      await t.call(viewer, {
        method: 'GET',
        url: `/api/v1/projects/demo/deployments?app=web&limit=2&before=${page.nextBefore}`,
      })
    ).json();
    expect(next.items[0].id < page.items[1].id).toBe(true);
    for (const [method, url] of [
      ['GET', '/api/v1/projects/demo/environment-matrix'],
      ['GET', '/api/v1/projects/demo/deployments'],
      ['POST', '/api/v1/projects/demo/deployments'],
      ['GET', '/api/v1/projects/demo/artifacts'],
      ['PUT', '/api/v1/projects/demo/artifacts/web/9.0.0'],
    ] as const) {
      expect(
        (await t.call(undefined, { method, url, payload: method === 'GET' ? undefined : {} })).statusCode,
      ).toBe(401);
    }
    // A policy denying prod to a user hides prod cells and history.
    await apply({
      apiVersion: 'pont/v1',
      kind: 'Policy',
      metadata: { name: 'no-prod-for-vera' },
      spec: {
        subjects: [{ user: 'vera' }],
        rules: [{ effect: 'deny', actions: ['*'], projects: ['*'], environments: ['prod'] }],
      },
    });
    const matrix = (
      await t.call(viewer, { method: 'GET', url: '/api/v1/projects/demo/environment-matrix' })
    ).json() as EnvironmentMatrix;
    expect(matrix.apps.find((a) => a.name === 'web')?.cells.prod).toBeUndefined();
    const prod = await t.call(viewer, {
      method: 'GET',
      url: '/api/v1/projects/demo/deployments?environment=prod',
    });
    expect(prod.statusCode).toBe(403);
    const all = (
      await t.call(viewer, { method: 'GET', url: '/api/v1/projects/demo/deployments?limit=500' })
    ).json();
    expect(all.items.some((d: Deployment) => d.environment === 'prod')).toBe(false);

    // Someone granted only test sees the test column and test history; with no grant, nothing.
    const tester = await t.userToken('tess', 'none');
    expect(
      (await t.call(tester, { method: 'GET', url: '/api/v1/projects/demo/environment-matrix' })).statusCode,
    ).toBe(403);
    await apply({
      apiVersion: 'pont/v1',
      kind: 'Policy',
      metadata: { name: 'tess-reads-test' },
      spec: {
        subjects: [{ user: 'tess' }],
        rules: [{ actions: ['read'], kinds: ['App'], projects: ['demo'], environments: ['test'] }],
      },
    });
    const limited = (
      await t.call(tester, { method: 'GET', url: '/api/v1/projects/demo/environment-matrix' })
    ).json() as EnvironmentMatrix;
    expect(Object.keys(limited.apps.find((a) => a.name === 'web')?.cells ?? {})).toEqual(['test']);
    const history = (
      await t.call(tester, { method: 'GET', url: '/api/v1/projects/demo/deployments?app=web' })
    ).json();
    expect(history.items.length).toBeGreaterThan(0);
    expect(history.items.every((d: Deployment) => d.environment === 'test')).toBe(true);
    expect(
      (await t.call(tester, { method: 'GET', url: '/api/v1/projects/demo/deployments?environment=dev' }))
        .statusCode,
    ).toBe(403);
  });

  it('keeps the newest artifacts and every version deployed somewhere', async () => {
    await apply(
      resource('App', 'kept', {
        deploy: { job: 'install', options: { root } },
        artifact: { keep: 2 },
        environments: { dev: { from: null } },
      }),
    );
    await push(ops, 'kept', '1.0.0');
    await waitFinal((await deploy(ops, { app: 'kept', environment: 'dev', version: '1.0.0' })).json().id);
    for (const v of ['2.0.0', '3.0.0', '4.0.0']) await push(ops, 'kept', v);
    // Each push also runs retention in the background; running it again finds the same answer.
    await new Promise((r) => setTimeout(r, 100));
    expect(await t.pont.deployments.artifacts.retain('demo', 'kept')).toEqual([]);
    const versions = (await t.pont.deployments.artifacts.list(systemActor, 'demo', 'kept')).map(
      (a) => a.version,
    );
    expect(versions.sort()).toEqual(['1.0.0', '3.0.0', '4.0.0']);
    const del = await t.call(ops, { method: 'DELETE', url: '/api/v1/projects/demo/artifacts/kept/1.0.0' });
    expect(del.json().error.code).toBe('INVALID_STATE');
    expect(
      (await t.call(ops, { method: 'DELETE', url: '/api/v1/projects/demo/artifacts/kept/3.0.0' })).statusCode,
    ).toBe(200);
  });
});
