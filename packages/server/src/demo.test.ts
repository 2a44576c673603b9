import {
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from './modules/auth/index.js';
import type { Execution } from './modules/jobs/index.js';
import { createTestPont, type TestPont } from './testing/index.js';

/** The demo project's jobs are real runbooks: they must work on a fresh install. */
describe('demo jobs', () => {
  let t: TestPont;
  let root: string;

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    root = `${t.database.dataDir}/nodes`;
  });
  afterAll(() => t.close());

  async function runToEnd(
    job: string,
    environment: string,
    options: Record<string, unknown>,
  ): Promise<{ execution: Execution; log: string[] }> {
    const started = await t.pont.jobs.service.run(systemActor, 'demo', job, { environment, options });
    for (;;) {
      const { execution } = await t.pont.jobs.service.get(systemActor, 'demo', started.id);
      if (['succeeded', 'failed', 'aborted', 'timed-out'].includes(execution.state)) {
        const { lines } = await t.pont.jobs.service.logs(systemActor, 'demo', started.id, {});
        return { execution, log: lines.map((l) => l.line) };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('deploy-app copies the artifact into a release folder and switches current, on each app node', async () => {
    const first = await runToEnd('deploy-app', 'test', { version: '1.0.0', root });
    expect(first.execution.state, first.log.join('\n')).toBe('succeeded');
    expect(readFileSync(`${root}/test-app-1/current/VERSION`, 'utf8')).toBe('1.0.0\n');
    const second = await runToEnd('deploy-app', 'test', { version: '1.1.0', root });
    expect(second.execution.state).toBe('succeeded');
    expect(readlinkSync(`${root}/test-app-1/current`)).toBe('releases/1.1.0');
    expect(second.execution.outputs['test-app-1']?.verify).toEqual({ version: '1.1.0' });
    expect(existsSync(`${root}/test-app-1/releases/1.0.0/VERSION`)).toBe(true);
  });

  it('protects artifact files from plain uploads and deletes', async () => {
    const put = await t.call(t.adminToken, {
      method: 'PUT',
      url: '/api/v1/projects/demo/files/shop-1.0.0.tar.gz',
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from('not the artifact'),
    });
    expect(put.statusCode).toBe(409);
    expect(put.json().error.message).toMatch(/artifact shop 1.0.0/);
    const del = await t.call(t.adminToken, {
      method: 'DELETE',
      url: '/api/v1/projects/demo/files/shop-1.0.0.tar.gz',
    });
    expect(del.statusCode).toBe(409);
  });

  it('clean-logs lists in dry run and deletes only files older than N days otherwise', async () => {
    const folder = `${t.database.dataDir}/logs`;
    mkdirSync(folder, { recursive: true });
    writeFileSync(`${folder}/old.log`, 'x');
    writeFileSync(`${folder}/new.log`, 'y');
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    utimesSync(`${folder}/old.log`, tenDaysAgo, tenDaysAgo);
    const dry = await runToEnd('clean-logs', 'dev', { folder, days: 7 });
    expect(dry.execution.state).toBe('succeeded');
    expect(dry.log).toContain('1 file(s) older than 7 days');
    expect(existsSync(`${folder}/old.log`)).toBe(true);
    const real = await runToEnd('clean-logs', 'dev', { folder, days: 7, dry_run: false });
    expect(real.execution.state).toBe('succeeded');
    expect(existsSync(`${folder}/old.log`)).toBe(false);
    expect(existsSync(`${folder}/new.log`)).toBe(true);
    rmSync(folder, { recursive: true, force: true });
  });

  it('health-check probes disk, load and a URL on every node', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/healthz`;
    const ok = await runToEnd('health-check', 'dev', { url });
    expect(ok.execution.state, ok.log.join('\n')).toBe('succeeded');
    expect(ok.log).toContain(`${url} answered 200`);
    const bad = await runToEnd('health-check', 'dev', { url: 'http://127.0.0.1:1/nothing' });
    expect(bad.execution.state).toBe('failed');
  });
});
