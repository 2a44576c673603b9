import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, createTestPont, type TestPont } from '@pont/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from './testing.js';

const FIXTURES = '/work/shared/fixtures/rundeck';

const SCHEDULED = `- name: Nightly Cleanup
  uuid: 5b7a3c1e-0000-4000-8000-000000000001
  description: Removes old logs
  options:
  - name: days
    value: '7'
  schedule:
    crontab: '0 30 2 ? * MON-FRI *'
  nodefilters:
    filter: 'tags: web'
  sequence:
    commands:
    - exec: find /var/log/app -mtime +\${option.days} -delete
- name: Cleanup report
  sequence:
    commands:
    - jobref:
        name: Nightly Cleanup
        args: -days 30
    - scripturl: https://example.com/report.sh
`;

describe('pont import rundeck, offline', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[], stdin = '') => runCli(args, env, stdin);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pont-import-'));
    // No login and no server: converting must not need one.
    env = { XDG_CONFIG_HOME: join(dir, 'config'), HOME: dir };
    mkdirSync(join(dir, 'exports', 'more'), { recursive: true });
    cpSync(FIXTURES, join(dir, 'exports', 'more'), { recursive: true });
    writeFileSync(join(dir, 'scheduled.yaml'), SCHEDULED);
  });

  it('prints the jobs of every export in a directory as YAML, and the report on stderr', async () => {
    const res = await cli(['import', 'rundeck', join(dir, 'exports'), '-p', 'shop']);
    expect(res.code).toBe(0);
    const docs = parseAllDocuments(res.stdout).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind} ${d.metadata.project}/${d.metadata.name}`)).toEqual([
      'Job shop/run-script-from-url',
      'Job shop/reference-job-of-deleted-job',
      'Job shop/copy-multi',
      'Job shop/test-copy-multi',
    ]);
    expect(docs[2].spec.steps[0]).toEqual({ id: 'step-1', exec: 'mkdir -p ${option.destdir}' });
    const lines = res.stderr.trim().split('\n');
    expect(lines).toContain(
      'could not map: Run script from URL (run-script-from-url): sequence.commands[0].scripturl: a script downloaded from a URL (http://mock-server/helloWorld.sh) cannot be converted: paste the script into script.body',
    );
    expect(lines).toContain(
      'changed: test/copy multi (test-copy-multi): name: became pont name "test-copy-multi"',
    );
    expect(lines.at(-1)).toBe(
      'imported 4 jobs from 4 files: 7 fields could not be mapped, 4 converted with changes',
    );
    expect(lines.filter((l) => l.startsWith('could not map: '))).toHaveLength(7);
  });

  it('prints JSON, reads standard input, and takes the project from PONT_PROJECT', async () => {
    const xml = readFileSync(join(FIXTURES, 'job-f9b34a63-ff95-41f4-9646-87d90b35fc3d.xml'), 'utf8');
    const res = await runCli(['import', 'rundeck', '-', '-o', 'json'], { ...env, PONT_PROJECT: 'ops' }, xml);
    expect(res.code).toBe(0);
    const { items } = JSON.parse(res.stdout);
    expect(items).toHaveLength(1);
    expect(items[0].metadata).toMatchObject({ project: 'ops', name: 'reference-job-of-deleted-job' });
    expect(items[0].spec.steps[0].job).toEqual({ name: 'job-to-delete' });
    expect(res.stderr).toContain(
      'could not map: Reference Job of deleted job (reference-job-of-deleted-job): sequence.commands[0].jobref: job "Job to delete" is not in this import',
    );
    expect(res.stderr.trim().split('\n').at(-1)).toBe(
      'imported 1 job from 1 file: 1 field could not be mapped, 1 converted with changes',
    );
  });

  it('needs --env when a job has a schedule, and puts the schedule there', async () => {
    const file = join(dir, 'scheduled.yaml');
    const missing = await cli(['import', 'rundeck', file, '-p', 'shop']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('error: "Nightly Cleanup" has a schedule: pass --env ENVIRONMENT');
    const res = await cli(['import', 'rundeck', file, '-p', 'shop', '--env', 'prod']);
    expect(res.code).toBe(0);
    const [cleanup, report] = parseAllDocuments(res.stdout).map((d) => d.toJS());
    expect(cleanup.spec.schedules).toEqual([{ name: 'rundeck', cron: '30 2 * * 1-5', environment: 'prod' }]);
    expect(report.spec.steps[0]).toEqual({
      id: 'step-1',
      job: { name: 'nightly-cleanup', options: { days: '30' } },
    });
    expect(res.stderr).toContain(
      'changed: Nightly Cleanup (nightly-cleanup): schedule.crontab: Quartz "0 30 2 ? * MON-FRI *" became cron "30 2 * * 1-5"',
    );
  });

  it('stops at malformed input with file:line:column and exits 1', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, '- name: broken\n  sequence:\n    commands:\n    - description: no action\n');
    const res = await cli(['import', 'rundeck', bad, '-p', 'shop']);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^error: .*bad\.yaml:4:7: a step of job "broken" needs exec, script/);
    writeFileSync(bad, '<joblist><job><name>x</name></jobb></joblist>');
    const xml = await cli(['import', 'rundeck', bad, '-p', 'shop']);
    expect(xml.code).toBe(1);
    expect(xml.stderr).toMatch(/bad\.yaml:1:\d+: Expected closing tag 'job'/);
  });

  it('refuses wrong command lines with exit code 2', async () => {
    const file = join(dir, 'scheduled.yaml');
    expect((await cli(['import', 'rundeck', file])).stderr).toContain('error: no project');
    expect((await cli(['import', 'rundeck', file])).code).toBe(2);
    expect((await cli(['import', 'rundeck', join(dir, 'nope.yaml'), '-p', 'shop'])).code).toBe(2);
    expect((await cli(['import', 'rundeck', file, '-p', 'shop', '--env', 'prod', '-o', 'table'])).code).toBe(
      2,
    );
    expect((await cli(['import', 'rundeck', file, '-p', 'shop', '--env', 'Prod!'])).code).toBe(2);
    expect((await cli(['import', 'rundeck', file, '-p', 'shop', '--env', 'prod', '--dry-run'])).code).toBe(2);
    expect((await cli(['import', 'rundeck', '-p', 'shop'])).code).toBe(2);
  });
});

describe('pont import rundeck --apply against a real server', () => {
  let t: TestPont;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[], stdin = '') => runCli(args, env, stdin);

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    dir = mkdtempSync(join(tmpdir(), 'pont-import-apply-'));
    env = { XDG_CONFIG_HOME: join(dir, 'config'), HOME: dir };
    const login = await cli(
      ['login', `http://127.0.0.1:${port}`, '--username', 'admin', '--password-stdin', '-p', 'demo'],
      `${ADMIN_PASSWORD}\n`,
    );
    expect(login.code).toBe(0);
    writeFileSync(join(dir, 'scheduled.yaml'), SCHEDULED);
  });
  afterAll(() => t.close());

  it('applies the converted jobs in one transaction, like pont apply', async () => {
    const file = join(dir, 'scheduled.yaml');
    const dry = await cli(['import', 'rundeck', file, '--env', 'prod', '--apply', '--dry-run']);
    expect(dry).toMatchObject({
      code: 0,
      stdout: 'Job demo/nightly-cleanup created (dry run)\nJob demo/cleanup-report created (dry run)\n',
    });
    expect((await cli(['get', 'job', 'nightly-cleanup'])).code).toBe(1);

    const res = await cli(['import', 'rundeck', file, '--env', 'prod', '--apply']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('Job demo/nightly-cleanup created\nJob demo/cleanup-report created\n');
    expect(res.stderr).toContain(
      'could not map: Cleanup report (cleanup-report): sequence.commands[1].scripturl',
    );
    const stored = parse((await cli(['get', 'job', 'nightly-cleanup', '-o', 'yaml'])).stdout);
    expect(stored.metadata.labels).toEqual({ 'rundeck.uuid': '5b7a3c1e-0000-4000-8000-000000000001' });
    expect(stored.spec.schedules).toEqual([{ name: 'rundeck', cron: '30 2 * * 1-5', environment: 'prod' }]);
    expect(stored.spec.nodes).toEqual({ filter: 'tags: web' });

    const again = await cli(['import', 'rundeck', file, '--env', 'prod', '--apply', '-o', 'json']);
    expect(JSON.parse(again.stdout).results.map((r: { action: string }) => r.action)).toEqual([
      'unchanged',
      'unchanged',
    ]);
  });

  it('writes nothing when the server refuses one job, and says which Rundeck job it was', async () => {
    const file = join(dir, 'dangling.yaml');
    writeFileSync(
      file,
      '- name: Fine\n  sequence: {commands: [{exec: "true"}]}\n- name: Dangling\n  sequence:\n    commands:\n    - jobref: {name: Not There}\n',
    );
    const res = await cli(['import', 'rundeck', file, '--apply']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'could not map: Dangling (dangling): sequence.commands[0].jobref: job "Not There" is not in this import',
    );
    expect(res.stderr).toMatch(
      /dangling\.yaml:3:1: spec\.steps\[0\]\.job\.name: Rundeck job "Dangling": job "not-there" does not exist in project demo/,
    );
    expect((await cli(['get', 'job', 'fine'])).code).toBe(1);
  });
});
