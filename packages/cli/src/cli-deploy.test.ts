import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, createTestPont, type TestPont } from '@pont/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

/** `pont deploy/promote/rollback/deployments/artifacts` against a real server and the demo's local nodes. */
describe('pont CLI: deployments', () => {
  let t: TestPont;
  let dir: string;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let opsEnv: NodeJS.ProcessEnv;
  let ops2Env: NodeJS.ProcessEnv;
  let devEnv: NodeJS.ProcessEnv;
  let health: Server;
  const cli = (args: string[], e = env, stdin = '') => runCli(args, e, stdin);
  const installed = (node: string) => readFileSync(join(root, node, 'current', 'VERSION'), 'utf8').trim();

  /** A real tarball made with tar: VERSION and index.html. */
  function tarball(version: string): string {
    const src = join(dir, `src-${version}`);
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'VERSION'), `${version}\n`);
    writeFileSync(join(src, 'index.html'), `<h1>${version}</h1>\n`);
    const file = join(dir, `app-${version}.tar.gz`);
    execFileSync('tar', ['-czf', file, '-C', src, '.']);
    return file;
  }

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${address.port}`;
    dir = mkdtempSync(join(tmpdir(), 'pont-cli-deploy-'));
    root = join(dir, 'nodes');
    env = { XDG_CONFIG_HOME: join(dir, 'admin'), PONT_PROJECT: 'demo' };
    await cli(['login', url, '-u', 'admin', '--password-stdin'], env, `${ADMIN_PASSWORD}\n`);
    const base = { PONT_SERVER: url, PONT_PROJECT: 'demo', XDG_CONFIG_HOME: join(dir, 'none') };
    opsEnv = { ...base, PONT_TOKEN: await t.userToken('olga', 'ops') };
    ops2Env = { ...base, PONT_TOKEN: await t.userToken('otto', 'ops') };
    devEnv = { ...base, PONT_TOKEN: await t.userToken('dan', 'dev') };
    health = createServer((req, res) => {
      let version = 'none';
      try {
        version = installed((req.url ?? '').split('/').pop() ?? '');
      } catch {}
      res.statusCode = version === '6.6.6' ? 500 : 200;
      res.end(version);
    });
    await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
    const healthPort = (health.address() as AddressInfo).port;
    writeFileSync(
      join(dir, 'app.yaml'),
      `apiVersion: pont/v1
kind: Job
metadata: {project: demo, name: install}
spec:
  options:
    - {name: version, required: true}
    - {name: artifact, required: true}
    - {name: root, required: true}
  nodes: {filter: "tags: app"}
  steps:
    - {id: prepare, exec: 'mkdir -p "$PONT_OPTION_ROOT/$PONT_NODE_NAME/releases/$PONT_OPTION_VERSION"', shell: true}
    - id: copy
      copy: {file: "\${option.artifact}", destination: "\${option.root}/\${node.name}/releases/\${option.version}/app.tar.gz"}
    - {id: unpack, exec: 'cd "$PONT_OPTION_ROOT/$PONT_NODE_NAME/releases/$PONT_OPTION_VERSION" && tar -xzf app.tar.gz && echo unpacked $PONT_OPTION_VERSION', shell: true}
    - {id: switch, exec: 'ln -sfn "releases/$PONT_OPTION_VERSION" "$PONT_OPTION_ROOT/$PONT_NODE_NAME/current"', shell: true}
---
apiVersion: pont/v1
kind: App
metadata: {project: demo, name: cart}
spec:
  description: The cart service
  deploy: {job: install, options: {root: "${root}"}}
  healthCheck: {url: "http://127.0.0.1:${healthPort}/health/\${node.name}", retries: 1, interval: 50}
  environments:
    dev: {from: null}
    test:
      freezeWindows: [{name: code-freeze, start: "2000-01-01T00:00:00Z", end: "2999-01-01T00:00:00Z"}]
`,
    );
    const applied = await cli(['apply', '-f', join(dir, 'app.yaml')]);
    expect(applied.code, applied.stderr).toBe(0);
  });
  afterAll(async () => {
    await t?.close();
    health?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes, lists and downloads artifacts with their checksum', async () => {
    const file = tarball('1.0.0');
    const pushed = await cli(
      ['artifacts', 'push', 'cart', '1.0.0', file, '--label', 'commit=abc123', '--label', 'branch=main'],
      opsEnv,
    );
    expect(pushed.code, pushed.stderr).toBe(0);
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(pushed.stdout).toContain(`pushed cart 1.0.0: `);
    expect(pushed.stdout).toContain(sha);
    const again = await cli(['artifacts', 'push', 'cart', '1.0.0', file], opsEnv);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /already exists: versions are immutable; push a new version \(ALREADY_EXISTS\)/,
    );
    for (const v of ['1.1.0', '6.6.6'])
      expect((await cli(['artifacts', 'push', 'cart', v, tarball(v)], opsEnv)).code).toBe(0);
    const list = await cli(['artifacts', 'list', 'cart']);
    expect(list.stdout.split('\n')[0]).toMatch(/^APP\s+VERSION\s+SIZE\s+SHA256\s+LABELS/);
    expect(list.stdout).toMatch(
      /cart\s+1\.0\.0\s+.*branch=main,commit=abc123|cart\s+1\.0\.0\s+.*commit=abc123,branch=main/,
    );
    const target = join(dir, 'downloaded.tar.gz');
    const download = await cli(['artifacts', 'download', 'cart', '1.0.0', '-O', target]);
    expect(download.code, download.stderr).toBe(0);
    expect(createHash('sha256').update(readFileSync(target)).digest('hex')).toBe(sha);
    expect((await cli(['artifacts', 'push', 'cart', '2.0.0', join(dir, 'missing')], opsEnv)).code).toBe(2);
  });

  it('deploys with a progress display, streams the batch logs with --follow, exit 0 on success', async () => {
    const res = await cli(['deploy', 'cart', '1.0.0', '--env', 'dev', '--follow'], devEnv);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toMatch(/\d\d:\d\d:\d\d deploy cart 1\.0\.0 to dev requested by dan/);
    expect(res.stdout).toMatch(/dev-app-1: execution \w+ started/);
    expect(res.stdout).toMatch(/dev-app-1 unpack \| unpacked 1\.0\.0/);
    expect(res.stdout).toMatch(/health check passed/);
    expect(res.stderr).toMatch(/deployment \w+ succeeded in [\d.]+m?s: cart 1\.0\.0 runs in dev/);
    expect(installed('dev-app-1')).toBe('1.0.0');
  });

  it('exits non-zero and says so when the health check fails and the deployment is rolled back', async () => {
    const res = await cli(['deploy', 'cart', '6.6.6', '--env', 'dev']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/✗ health check failed: .*answered 500, expected 200/);
    expect(res.stdout).toMatch(/! rolling back to 1\.0\.0 automatically/);
    expect(res.stderr).toMatch(
      /failed and was rolled back automatically in .*: .*rolled back automatically to 1\.0\.0/,
    );
    expect(installed('dev-app-1')).toBe('1.0.0');
  });

  it('refuses what rules refuse: the promotion path, the freeze window, a dev in prod', async () => {
    const skip = await cli(['deploy', 'cart', '1.1.0', '--env', 'integration'], opsEnv);
    expect(skip.code).toBe(1);
    expect(skip.stderr).toMatch(/never ran successfully in test.*\(PROMOTION_REFUSED\)/);
    const frozen = await cli(['promote', 'cart', '--from', 'dev', '--to', 'test'], opsEnv);
    expect(frozen.code).toBe(1);
    expect(frozen.stderr).toMatch(/test is frozen: freeze window "code-freeze".*\(DEPLOYMENT_FROZEN\)/);
    expect((await cli(['promote', 'cart', '--from', 'dev', '--to', 'test', '--force'])).code).toBe(2);
    const forced = await cli([
      'promote',
      'cart',
      '--from',
      'dev',
      '--to',
      'test',
      '--force',
      '--reason',
      'fix for INC-7',
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(
      /! forced through the freeze window "code-freeze" .* by admin: fix for INC-7/,
    );
    const devProd = await cli(['deploy', 'cart', '1.0.0', '--env', 'prod'], devEnv);
    expect(devProd.code).toBe(1);
    expect(devProd.stderr).toMatch(/may not run App cart in project demo, environment prod.*\(FORBIDDEN\)/);
  });

  it('waits for another user to approve a deployment to prod', async () => {
    await cli(['promote', 'cart', '--from', 'test', '--to', 'integration'], opsEnv);
    const waiting = cli(['promote', 'cart', '--from', 'integration', '--to', 'prod'], opsEnv);
    let id = '';
    for (let i = 0; i < 100 && !id; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const list = await cli(['deployments', 'list', '--app', 'cart', '--env', 'prod', '-o', 'json']);
      id = JSON.parse(list.stdout).items[0]?.id ?? '';
    }
    const self = await cli(['deployments', 'approve', id], opsEnv);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/cannot approve it too/);
    const approved = await cli(['deployments', 'approve', id, '-m', 'CAB-9'], ops2Env);
    expect(approved.code, approved.stderr).toBe(0);
    const done = await waiting;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/another user can approve it: pont deployments approve \w+/);
    expect(done.stdout).toMatch(/approved by otto: CAB-9/);
    expect(installed('prod-app-1')).toBe('1.0.0');
  });

  it('rolls back, shows history, one deployment and the matrix', async () => {
    expect((await cli(['deploy', 'cart', '1.1.0', '--env', 'dev'])).code).toBe(0);
    const back = await cli(['rollback', 'cart', '--env', 'dev'], devEnv);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toMatch(/rollback cart 1\.0\.0 to dev \(was 1\.1\.0\)/);
    expect(installed('dev-app-1')).toBe('1.0.0');

    const list = await cli(['deployments', 'list', '--app', 'cart', '--env', 'dev']);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+APP\s+ENVIRONMENT\s+VERSION\s+FROM\s+KIND\s+STATUS/);
    expect(list.stdout).toMatch(/cart\s+dev\s+1\.0\.0\s+1\.1\.0\s+rollback\s+succeeded\s+dan/);
    expect(list.stdout).toMatch(/cart\s+dev\s+6\.6\.6\s+1\.0\.0\s+deploy\s+rolled-back/);
    const id = list.stdout.split('\n')[1]?.split(/\s+/)[0] ?? '';
    const detail = await cli(['deployments', 'get', id]);
    expect(detail.stdout).toMatch(/versions:\n {2}before {2}1\.1\.0 .*\n {2}after {3}1\.0\.0 /);
    expect(detail.stdout).toMatch(/health checks:\n {2}ok {3}http/);
    expect(detail.stdout).toContain('flags changed in dev since the previous deployment: none');

    const matrix = await cli(['deployments', 'matrix']);
    expect(matrix.stdout.split('\n')[0]).toMatch(/^APP\s+DEV\s+TEST\s+INTEGRATION\s+PROD/);
    expect(matrix.stdout).toMatch(
      /cart\s+1\.0\.0 \(\d+s\)\s+1\.0\.0 \(\d+s\), frozen\s+1\.0\.0 \(\d+s\)\s+1\.0\.0 \(\d+s\)/,
    );
    expect(matrix.stdout).toMatch(/shop\s+-/);

    const detached = await cli(['deploy', 'cart', '1.1.0', '--env', 'dev', '--detach']);
    expect(detached.code).toBe(0);
    expect(detached.stdout.trim()).toMatch(/^\w{26}$/);
    const followed = await cli(['deployments', 'get', detached.stdout.trim(), '--follow']);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toMatch(/dev-app-1 unpack \| unpacked 1\.1\.0/);
  });
});
