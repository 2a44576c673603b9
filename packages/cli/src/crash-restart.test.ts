import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/pont.js', import.meta.url));
const PASSWORD = 'crash-password-1';

interface Server {
  child: ChildProcess;
  url: string;
  token: string;
}

async function start(dataDir: string): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'server', '--port', '0'], {
    env: { ...process.env, PONT_DATA_DIR: dataDir, PONT_ADMIN_PASSWORD: PASSWORD, PONT_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /pont is running at (http:\/\/\S+)/.exec(output);
      if (m?.[1]) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`server exited ${code}: ${output}`));
    });
  });
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD, issueToken: true }),
  });
  return { child, url, token: ((await login.json()) as { token: string }).token };
}

async function api<T>(server: Server, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      authorization: `Bearer ${server.token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Execution {
  id: string;
  state: string;
  job?: string;
  trigger: string;
  createdAt: string;
  logLines: number;
}

const job = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'pont/v1',
  kind: 'Job',
  metadata: { project: 'demo', name },
  spec,
});

describe('crash safety: SIGKILL during a run (built server)', () => {
  const started: ChildProcess[] = [];
  afterEach(() => {
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('marks the running execution incomplete with its log, still runs queued ones, and never fires a schedule twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pont-crash-'));
    const first = await start(dataDir);
    started.push(first.child);
    await api(first, 'POST', '/api/v1/apply', {
      items: [
        job('ticker', {
          concurrency: 'queue',
          nodes: { filter: 'dev-web-1' },
          steps: [
            { id: 'tick', exec: 'for i in $(seq 1 200); do echo tick $i; sleep 0.05; done', shell: true },
          ],
        }),
        job('every-2s', {
          nodes: { filter: 'dev-web-1' },
          steps: [{ id: 's', exec: 'true' }],
          schedules: [{ name: 'fast', cron: '*/2 * * * * *', environment: 'dev', runMissed: true }],
        }),
      ],
    });
    const running = await api<Execution>(first, 'POST', '/api/v1/projects/demo/jobs/ticker/run', {
      environment: 'dev',
    });
    const queued = await api<Execution>(first, 'POST', '/api/v1/projects/demo/jobs/ticker/run', {
      environment: 'dev',
    });
    // Let a few lines reach the database and the schedule fire at least once.
    for (let i = 0; i < 100; i++) {
      const log = await api<{ lines: unknown[] }>(
        first,
        'GET',
        `/api/v1/projects/demo/executions/${running.id}/log`,
      );
      if (log.lines.length > 10) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 2500));
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const killedAt = Date.now();
    // Stay down across several schedule times.
    await new Promise((r) => setTimeout(r, 5000));

    const second = await start(dataDir);
    started.push(second.child);
    const detail = await api<{ execution: Execution }>(
      second,
      'GET',
      `/api/v1/projects/demo/executions/${running.id}`,
    );
    expect(detail.execution.state).toBe('incomplete');
    const log = await api<{ lines: Array<{ line: string }> }>(
      second,
      'GET',
      `/api/v1/projects/demo/executions/${running.id}/log`,
    );
    const ticks = log.lines.filter((l) => l.line.startsWith('tick '));
    expect(ticks.length).toBeGreaterThan(5);
    expect(ticks[0]?.line).toBe('tick 1');

    let after: Execution | undefined;
    for (let i = 0; i < 300; i++) {
      after = (
        await api<{ execution: Execution }>(second, 'GET', `/api/v1/projects/demo/executions/${queued.id}`)
      ).execution;
      if (after.state === 'succeeded' || after.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(after?.state).toBe('succeeded');

    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));

    // Every firing is recorded with its fire time; each time fired once, with one execution.
    const db = new Database(join(dataDir, 'pont.db'), { readonly: true });
    const fires = db
      .prepare(
        "select f.fire_time, f.execution_id, e.created_at, e.message from schedule_fires f join executions e on e.id = f.execution_id where f.job = 'every-2s'",
      )
      .all() as Array<{
      fire_time: string;
      execution_id: string;
      created_at: string;
      message: string | null;
    }>;
    const executions = db
      .prepare("select id from executions where job = 'every-2s' and trigger = 'schedule'")
      .all() as Array<{ id: string }>;
    db.close();
    expect(fires.length).toBeGreaterThan(1);
    expect(new Set(fires.map((f) => f.fire_time)).size).toBe(fires.length);
    expect(new Set(fires.map((f) => f.execution_id))).toEqual(new Set(executions.map((e) => e.id)));
    // Of the two or three times missed while pont was down, exactly one ran, once, at start.
    const late = fires.filter((f) => f.message?.includes('while pont was down'));
    expect(late).toHaveLength(1);
    expect(Date.parse(late[0]?.fire_time ?? '')).toBeGreaterThan(killedAt);
    expect(Date.parse(late[0]?.created_at ?? '')).toBeGreaterThan(killedAt);
  }, 90_000);
});
