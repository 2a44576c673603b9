import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, createTestPont, type TestPont } from '@pont/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

describe('pont CLI: jobs', () => {
  let t: TestPont;
  let env: NodeJS.ProcessEnv;
  let opsEnv: NodeJS.ProcessEnv;
  let devEnv: NodeJS.ProcessEnv;
  let dir: string;
  const cli = (args: string[], stdin = '', e = env) => runCli(args, e, stdin);

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dir = mkdtempSync(join(tmpdir(), 'pont-cli-jobs-'));
    env = { XDG_CONFIG_HOME: join(dir, 'admin'), PONT_PROJECT: 'demo' };
    await cli(['login', url, '-u', 'admin', '--password-stdin'], `${ADMIN_PASSWORD}\n`);
    opsEnv = {
      PONT_SERVER: url,
      PONT_TOKEN: await t.userToken('olga', 'ops'),
      PONT_PROJECT: 'demo',
      XDG_CONFIG_HOME: join(dir, 'none'),
    };
    devEnv = { ...opsEnv, PONT_TOKEN: await t.userToken('dan', 'dev') };
    writeFileSync(
      join(dir, 'jobs.yaml'),
      `apiVersion: pont/v1
kind: Job
metadata: {project: demo, name: greet}
spec:
  options:
    - {name: who, required: true}
  nodes: {filter: "tags: web"}
  steps:
    - {id: hello, exec: "echo hello \${option.who} from \${node.name}"}
---
apiVersion: pont/v1
kind: Job
metadata: {project: demo, name: broken}
spec:
  nodes: {filter: dev-web-1}
  steps:
    - {id: fail, exec: "echo about to fail; exit 3", shell: true}
`,
    );
    expect((await cli(['apply', '-f', join(dir, 'jobs.yaml')])).code).toBe(0);
  });
  afterAll(() => t.close());

  it('runs a job and follows its log; the exit code follows the result', async () => {
    const ok = await cli(['run', 'greet', '--env', 'test', '--option', 'who=world', '--follow']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/test-web-1 hello \| hello world from test-web-1/);
    expect(ok.stderr).toMatch(/succeeded in/);
    const bad = await cli(['run', 'broken', '--env', 'dev', '--follow']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('about to fail');
    expect(bad.stderr).toMatch(/failed/);
  });

  it('refuses bad options with a message per option (exit 1)', async () => {
    const res = await cli(['run', 'greet', '--env', 'test']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/options\.who: option "who" is required/);
    expect((await cli(['run', 'greet', '--env', 'test', '--option', 'oops'])).code).toBe(2);
  });

  it('lists executions and prints a past log', async () => {
    const id = (await cli(['run', 'greet', '--env', 'dev', '--option', 'who=logs'])).stdout.trim();
    await cli(['logs', id, '--follow']);
    const list = await cli(['executions', 'list', '--job', 'greet']);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+JOB\s+ENVIRONMENT\s+STATE/);
    expect(list.stdout).toContain(id);
    const log = await cli(['logs', id]);
    expect(log.stdout).toContain('hello logs from dev-web-1');
  });

  it('runs an ad-hoc command for ops and refuses it to dev', async () => {
    const ok = await cli(
      ['exec', '--env', 'test', '--nodes', 'tags: app', '--', 'echo', 'adhoc on $PONT_NODE_NAME'],
      '',
      opsEnv,
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('adhoc on test-app-1');
    const refused = await cli(['exec', '--env', 'test', '--', 'uptime'], '', devEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/FORBIDDEN/);
  });

  it('waits for approval in prod; another user approves with pont approve', async () => {
    const requested = await cli(['run', 'greet', '--env', 'prod', '--option', 'who=prod'], '', opsEnv);
    const id = requested.stdout.trim();
    expect(requested.stderr).toMatch(/waiting-approval/);
    const self = await cli(['approve', id], '', opsEnv);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/cannot approve it too/);
    const approved = await cli(['approve', id, '-m', 'ship it']);
    expect(approved.code, approved.stderr).toBe(0);
    const follow = await cli(['logs', id, '--follow']);
    expect(follow.code).toBe(0);
    expect(follow.stdout).toContain('hello prod from prod-web-1');
  });

  it('kills a running execution', async () => {
    writeFileSync(
      join(dir, 'sleep.yaml'),
      'apiVersion: pont/v1\nkind: Job\nmetadata: {project: demo, name: nap}\nspec:\n  nodes: {filter: dev-web-1}\n  steps: [{id: s, exec: "sleep 30"}]\n',
    );
    await cli(['apply', '-f', join(dir, 'sleep.yaml')]);
    const id = (await cli(['run', 'nap', '--env', 'dev'])).stdout.trim();
    await new Promise((r) => setTimeout(r, 300));
    expect((await cli(['kill', id])).code).toBe(0);
    const follow = await cli(['logs', id, '--follow']);
    expect(follow.code).toBe(1);
    expect(follow.stderr + follow.stdout).toMatch(/aborted|killed/);
  });

  it('uploads a file for copy steps', async () => {
    const file = join(dir, 'artifact.bin');
    writeFileSync(file, 'abc');
    const push = await cli(['files', 'push', 'artifact.bin', file]);
    expect(push.stdout).toMatch(/uploaded artifact.bin: 3 bytes, sha256 ba7816bf/);
    expect((await cli(['files', 'list'])).stdout).toContain('artifact.bin');
  });
});
