import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, createTestPont, type TestPont } from '@pont/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from './testing.js';

describe('pont CLI against a real server', () => {
  let t: TestPont;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const cli = (args: string[], stdin = '') => runCli(args, env, stdin);

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    dir = mkdtempSync(join(tmpdir(), 'pont-cli-'));
    env = { XDG_CONFIG_HOME: join(dir, 'config'), HOME: dir };
    const login = await cli(
      ['login', `http://127.0.0.1:${port}`, '--username', 'admin', '--password-stdin', '-p', 'demo'],
      `${ADMIN_PASSWORD}\n`,
    );
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
  });
  afterAll(() => t.close());

  it('stores the login token in a 0600 file', () => {
    const file = join(dir, 'config', 'pont', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('applies a directory recursively in one transaction, then reports unchanged', async () => {
    const tree = join(dir, 'defs');
    mkdirSync(join(tree, 'nodes'), { recursive: true });
    writeFileSync(
      join(tree, 'env.yaml'),
      'apiVersion: pont/v1\nkind: Environment\nmetadata: {project: demo, name: qa}\nspec: {order: 5}\n',
    );
    writeFileSync(
      join(tree, 'nodes', 'qa.yaml'),
      'apiVersion: pont/v1\nkind: Node\nmetadata: {project: demo, name: qa-1}\nspec: {environment: qa, hostname: localhost, executor: local, tags: [web]}\n---\napiVersion: pont/v1\nkind: Node\nmetadata: {project: demo, name: qa-2}\nspec: {environment: qa, hostname: localhost, executor: local}\n',
    );
    const first = await cli(['apply', '-f', tree]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout.trim().split('\n')).toEqual([
      'Environment demo/qa created',
      'Node demo/qa-1 created',
      'Node demo/qa-2 created',
    ]);
    const again = await cli(['apply', '-f', tree]);
    expect(again.stdout).toContain('Node demo/qa-1 unchanged');
  });

  it('prints file:line:column and exits 1 when a file is invalid, writing nothing', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'apiVersion: pont/v1\nkind: Environment\nmetadata: {project: demo, name: good}\nspec: {order: 1}\n---\napiVersion: pont/v1\nkind: Environment\nmetadata:\n  project: demo\n  name: uat\nspec:\n  order: 3\n  protect: true\n',
    );
    const res = await cli(['apply', '-f', file]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/bad\.yaml:13:3: spec\.protect: unknown field "protect"/);
    expect((await cli(['get', 'env', 'good'])).code).toBe(1);
    writeFileSync(file, 'kind: [oops\n');
    const syntax = await cli(['apply', '-f', file]);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/bad\.yaml:\d+:\d+: .*YAML_SYNTAX/);
  });

  it('diffs like kubectl: unified diff and exit 1 when it differs, 0 when not', async () => {
    const file = join(dir, 'qa.yaml');
    writeFileSync(
      file,
      'apiVersion: pont/v1\nkind: Environment\nmetadata: {project: demo, name: qa}\nspec: {order: 5}\n',
    );
    expect(await cli(['diff', '-f', file])).toMatchObject({ code: 0, stdout: '' });
    writeFileSync(
      file,
      'apiVersion: pont/v1\nkind: Environment\nmetadata: {project: demo, name: qa}\nspec: {order: 5, protected: true}\n',
    );
    const res = await cli(['diff', '-f', file]);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('--- live/Environment/demo/qa');
    expect(res.stdout).toContain('+  protected: true');
    // diff wrote nothing
    expect(parse((await cli(['get', 'env', 'qa', '-o', 'yaml'])).stdout).spec.protected).toBeUndefined();
  });

  it('gets as table, yaml and json', async () => {
    const table = await cli(['get', 'environments']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+ORDER\s+PROTECTED\s+AGE$/);
    expect(table.stdout).toMatch(/prod\s+3\s+yes/);
    expect(
      table.stdout
        .split('\n')
        .slice(1, 5)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['dev', 'test', 'integration', 'prod']);
    const yaml = await cli(['get', 'nodes', '-o', 'yaml', '-l', 'role=web']);
    const docs = parseAllDocuments(yaml.stdout).map((d) => d.toJS());
    expect(docs.map((d) => d.metadata.name)).toEqual([
      'dev-web-1',
      'integration-web-1',
      'prod-web-1',
      'test-web-1',
    ]);
    const json = JSON.parse((await cli(['get', 'node', 'qa-1', '-o', 'json'])).stdout);
    expect(json.spec.tags).toEqual(['web']);
    const all = await cli(['get', 'envs', '-A']);
    expect(all.stderr).toBe('');
    expect(all.stdout.split('\n')[0]).toMatch(/^PROJECT\s+NAME/);
  });

  it('round-trips: get -o yaml then apply is unchanged', async () => {
    const yaml = (await cli(['get', 'env', 'qa', '-o', 'yaml'])).stdout;
    const file = join(dir, 'roundtrip.yaml');
    writeFileSync(file, yaml);
    expect((await cli(['apply', '-f', file])).stdout).toContain('unchanged');
  });

  it('deletes by name and by file', async () => {
    expect((await cli(['delete', 'node', 'qa-2'])).stdout).toContain('Node demo/qa-2 deleted');
    const missing = await cli(['delete', 'node', 'qa-2']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('NOT_FOUND');
  });

  it('creates a token, prints it once, and the token works', async () => {
    const res = await cli(['token', 'create', 'ci', '--role', 'viewer', '--expires', '30d']);
    expect(res.code).toBe(0);
    const token = res.stdout.trim();
    expect(token).toMatch(/^pont_/);
    expect(res.stderr).toMatch(/shown only this once/);
    const who = await runCli(['whoami'], { ...env, PONT_TOKEN: token });
    expect(who.stdout).toMatch(/token ci of admin \(role viewer\)/);
    const denied = await runCli(['apply', '-f', join(dir, 'qa.yaml')], { ...env, PONT_TOKEN: token });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/FORBIDDEN/);
  });

  it('shows the audit trail of a resource', async () => {
    const res = await cli(['audit', '--resource', 'Environment/qa', '--since', '1h']);
    expect(res.stdout).toMatch(/admin\s+create\s+Environment demo\/qa/);
  });

  it('exits 2 on usage errors and explains what to do', async () => {
    expect((await cli(['get'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const unknown = await cli(['get', 'gizmos']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown kind "gizmos"; known kinds:/);
    const noServer = await runCli(['get', 'envs'], { XDG_CONFIG_HOME: join(dir, 'empty') });
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toMatch(/pont login/);
  });
});
