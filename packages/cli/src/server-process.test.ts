import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/pont.js', import.meta.url));

function startServer(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'server', '--port', '0'], {
    env: { ...process.env, PONT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const check = setInterval(() => {
      const match = /pont is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearInterval(check);
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => output });
      }
    }, 20);
    child.on('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe('pont server process (built CLI)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('starts with the demo project, prints the URL and a generated admin password once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pont-proc-'));
    const first = await startServer({ PONT_DATA_DIR: dataDir });
    child = first.child;
    expect(first.output()).toMatch(/log in as admin with password \S+/);
    expect(first.output()).toMatch(/demo project "demo" was created/);
    expect(await get(`${first.url}/readyz`)).toBe(200);
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    // A second start reuses the data: no new password, no new demo.
    const second = await startServer({ PONT_DATA_DIR: dataDir });
    child = second.child;
    expect(second.output()).not.toMatch(/password/);
    expect(second.output()).not.toMatch(/demo project/);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });

  it('drains on SIGTERM: in-flight requests finish, then it exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pont-proc-'));
    const server = await startServer({ PONT_DATA_DIR: dataDir, PONT_ADMIN_PASSWORD: 'admin-password-1' });
    child = server.child;
    const inflight = Array.from({ length: 50 }, () =>
      get(`${server.url}/readyz`).catch((e: Error) => e.message),
    );
    await new Promise((r) => setTimeout(r, 5));
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
    server.child.kill('SIGTERM');
    const results = await Promise.all(inflight);
    // Every request that reached the server got a full answer; none was cut mid-way.
    expect(results.filter((r) => !(r === 200 || r === 503 || /ECONNREFUSED/.test(String(r))))).toEqual([]);
    expect(results.filter((r) => r === 200).length).toBeGreaterThan(0);
    expect(await exited).toBe(0);
  });
});
