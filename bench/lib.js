// Shared helpers for benchmarks: start processes, wait for readiness, measure, print, save.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PONT_BIN = join(ROOT, 'packages/cli/bin/pont.js');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function tempDir(prefix = 'pont-bench-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Resident set size of a process, bytes (Linux). */
export function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

/** Polls a URL until it answers 200; returns elapsed ms from `since`. */
export async function waitReady(url, since, timeoutMs = 30_000) {
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() - since > timeoutMs) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await sleep(2);
  }
}

/** Starts `pont server` on a free port with a fresh data dir; resolves when /readyz answers. */
export async function startPont(env = {}, port = 0) {
  const dataDir = env.PONT_DATA_DIR ?? tempDir();
  const chosen = port || 20000 + Math.floor(Math.random() * 20000);
  const started = performance.now();
  const child = spawn(process.execPath, [PONT_BIN, 'server'], {
    env: {
      ...process.env,
      PONT_DATA_DIR: dataDir,
      PONT_PORT: String(chosen),
      PONT_LOG_LEVEL: 'warn',
      PONT_ADMIN_PASSWORD: 'bench-password-1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${chosen}`;
  const readyMs = await waitReady(`${url}/readyz`, started);
  return {
    child,
    url,
    dataDir,
    readyMs,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

export async function login(url, username = 'admin', password = 'bench-password-1') {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, issueToken: true, tokenName: `bench-${Date.now()}` }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Prints an aligned table and writes bench/results/<name>.json. */
export function report(name, rows, extra = {}) {
  const headers = ['metric', 'pont', 'baseline', 'ratio', 'target', 'ok'];
  const cells = rows.map((r) => [
    r.metric,
    fmt(r.pont, r.unit),
    r.baseline === undefined ? '' : `${fmt(r.baseline, r.unit)} (${r.baselineName})`,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    r.target ?? '',
    r.ok === undefined ? '' : r.ok ? 'yes' : 'NO',
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log(`\n== ${name} ==`);
  console.log(line(headers));
  for (const c of cells) console.log(line(c));
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, 'bench/results', `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, at: new Date().toISOString(), rows, ...extra }, null, 2)}\n`);
  console.log(`(written to ${file})`);
}

function fmt(value, unit) {
  if (value === undefined) return '';
  if (unit === 'MB') return `${(value / 1024 / 1024).toFixed(1)} MB`;
  if (unit === 'ms') return `${value.toFixed(1)} ms`;
  if (unit === 'ns') return `${value.toFixed(0)} ns`;
  if (unit === 'req/s') return `${Math.round(value)} req/s`;
  return `${typeof value === 'number' ? Number(value.toFixed(2)) : value} ${unit ?? ''}`.trim();
}
