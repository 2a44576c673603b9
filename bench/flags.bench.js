// Feature flags, three measures (issue 4):
//  1. evaluation cost: @pont/flag-engine against the unleash-client SDK on the same 100 flags and
//     contexts, ns per call (target: at most half the SDK's time);
//  2. GET /api/client/features and GET /api/frontend at concurrency 50, pont against unleash-server
//     7.5.1 in the same run (target: at least 5×). unleash-server is installed by this script into a
//     temp directory (npm install --prefix), run against a fresh PostgreSQL database on loopback,
//     bounded in time and stopped by PID;
//  3. propagation: a flag changed through the API → the SDK's change callback, median and p99 over
//     100 changes (target: p99 under 100 ms; Unleash SDKs poll every 15 s by default).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { createEngine } from '../packages/flag-engine/dist/index.js';
import { createFlagClient } from '../packages/sdk/dist/index.js';
import { login, median, percentile, report, sleep, startPont } from './lib.js';

const UNLEASH_VERSION = '7.5.1';
const UNLEASH_DIR = join(tmpdir(), `pont-bench-unleash-${UNLEASH_VERSION}`);
const PG_URL = process.env.PONT_BENCH_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const CLIENT_TOKEN = 'default:development.pont-bench-client-token';
const FRONTEND_TOKEN = 'default:development.pont-bench-frontend-token';
const ADMIN_TOKEN = '*:*.pont-bench-admin-token';

/** 100 flags shaped like a real project (the same as packages/flag-engine/bench/compare-sdk.mjs). */
export function syntheticFlags() {
  const flags = [];
  for (let i = 0; i < 100; i++) {
    const constraints = [
      { contextName: 'environment', operator: 'IN', values: ['production', 'staging'] },
      ...(i % 3 === 0 ? [{ contextName: 'email', operator: 'STR_ENDS_WITH', values: ['@example.com'] }] : []),
      ...(i % 5 === 0 ? [{ contextName: 'appVersion', operator: 'SEMVER_GT', value: '2.2.0' }] : []),
      ...(i % 7 === 0 ? [{ contextName: 'country', operator: 'NOT_IN', values: ['xx', 'yy'] }] : []),
    ];
    const strategies = [
      {
        name: 'flexibleRollout',
        parameters: { rollout: String((i * 13) % 101), stickiness: 'default', groupId: `flag-${i}` },
        constraints,
        segment: i % 4 === 0,
        // Unleash 7 keeps variants on strategies only (feature variants are deprecated).
        variants:
          i % 8 === 0
            ? [{ name: 'x', weight: 1000, weightType: 'variable', stickiness: 'default' }]
            : i % 6 === 0
              ? [
                  {
                    name: 'a',
                    weight: 500,
                    weightType: 'variable',
                    stickiness: 'default',
                    payload: { type: 'string', value: 'A' },
                  },
                  {
                    name: 'b',
                    weight: 500,
                    weightType: 'variable',
                    stickiness: 'default',
                    payload: { type: 'string', value: 'B' },
                  },
                ]
              : [],
      },
    ];
    // A user list, as Unleash 7 writes it (its userWithId strategy is gone).
    if (i % 10 === 0) {
      strategies.unshift({
        name: 'default',
        parameters: {},
        constraints: [{ contextName: 'userId', operator: 'IN', values: ['u1', 'u2', 'u3', 'u4'] }],
        variants: [],
      });
    }
    flags.push({
      name: `flag-${i}`,
      enabled: i % 17 !== 0,
      strategies,
      variants: [],
      parent: i % 25 === 1 ? `flag-${i - 1}` : undefined,
    });
  }
  return flags;
}

const SEGMENT = {
  name: 'paying',
  constraints: [{ contextName: 'plan', operator: 'IN', values: ['pro', 'enterprise'] }],
};

function contexts() {
  const out = [];
  for (let u = 0; u < 20; u++) {
    out.push({
      appName: 'bench',
      environment: u % 4 === 0 ? 'development' : 'production',
      userId: `user-${u}`,
      sessionId: `s-${u}`,
      properties: {
        email: `user${u}@example.com`,
        appVersion: `2.${u % 5}.0`,
        country: 'fr',
        plan: u % 2 ? 'pro' : 'free',
      },
    });
  }
  return out;
}

/** The Unleash client-features body of the synthetic flags (for the evaluation measure). */
function clientBody(flags) {
  return {
    version: 2,
    segments: [{ id: 1, ...SEGMENT }],
    features: flags.map((f) => ({
      name: f.name,
      enabled: f.enabled,
      strategies: f.strategies.map(({ segment, ...s }) => ({ ...s, segments: segment ? [1] : [] })),
      variants: f.variants,
      ...(f.parent ? { dependencies: [{ feature: f.parent }] } : {}),
    })),
  };
}

function measure(fn, calls, minMs) {
  for (let w = 0; w < 3; w++) for (const [name, ctx] of calls) fn(name, ctx);
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  do {
    for (const [name, ctx] of calls) if (fn(name, ctx)) sink++;
    n += calls.length;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < BigInt(minMs) * 1_000_000n);
  if (sink < 0) console.log(sink);
  return Number(elapsed) / n;
}

async function evaluationCost(quick) {
  const body = clientBody(syntheticFlags());
  const calls = [];
  for (const context of contexts()) for (const f of body.features) calls.push([f.name, context]);
  const sdk = new Unleash({
    appName: 'bench',
    url: 'http://127.0.0.1:9/never-contacted',
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: body.features, segments: body.segments },
  });
  sdk.on('error', () => {});
  sdk.on('warn', () => {});
  await once(sdk, 'synchronized');
  const engine = createEngine(body);
  const ms = quick ? 500 : 1500;
  const result = {
    isEnabled: {
      engine: measure((n, c) => engine.isEnabled(n, c), calls, ms),
      sdk: measure((n, c) => sdk.isEnabled(n, c), calls, ms),
    },
    getVariant: {
      engine: measure((n, c) => engine.getVariant(n, c).enabled, calls, ms),
      sdk: measure((n, c) => sdk.getVariant(n, c).enabled, calls, ms),
    },
  };
  sdk.destroy();
  return result;
}

function load(url, headers, seconds) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: 50, duration: seconds, headers }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

async function json(url, { method = 'GET', headers = {}, body } = {}) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Flag resources for pont (project demo, environment dev) from the synthetic flags. */
function pontResources(flags) {
  return [
    {
      apiVersion: 'pont/v1',
      kind: 'Segment',
      metadata: { project: 'demo', name: SEGMENT.name },
      spec: { constraints: SEGMENT.constraints },
    },
    ...flags.map((f) => ({
      apiVersion: 'pont/v1',
      kind: 'Flag',
      metadata: { project: 'demo', name: f.name },
      spec: {
        environments: {
          dev: {
            enabled: f.enabled,
            strategies: f.strategies.map(({ segment, ...s }) => ({
              ...s,
              ...(segment ? { segments: [SEGMENT.name] } : {}),
            })),
            variants: f.variants,
          },
        },
      },
    })),
  ];
}

async function setUpPont(flags) {
  const pont = await startPont({ PONT_LOG_LEVEL: 'warn' });
  const token = await login(pont.url);
  const auth = { authorization: `Bearer ${token}` };
  await json(`${pont.url}/api/v1/apply`, {
    method: 'POST',
    headers: auth,
    body: { items: pontResources(flags) },
  });
  const client = await json(`${pont.url}/api/v1/tokens`, {
    method: 'POST',
    headers: auth,
    body: { name: 'bench-client', type: 'client', project: 'demo', environment: 'dev' },
  });
  const frontend = await json(`${pont.url}/api/v1/tokens`, {
    method: 'POST',
    headers: auth,
    body: { name: 'bench-frontend', type: 'frontend', project: 'demo', environment: 'dev' },
  });
  return { ...pont, auth, clientToken: client.token, frontendToken: frontend.token };
}

/** Runs a command, bounded in time; resolves with its exit code. */
function runBounded(command, args, options, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took more than ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function installUnleash() {
  if (existsSync(join(UNLEASH_DIR, 'node_modules/unleash-server/package.json'))) return;
  mkdirSync(UNLEASH_DIR, { recursive: true });
  console.log(`installing unleash-server@${UNLEASH_VERSION} into ${UNLEASH_DIR} (once) …`);
  const code = await runBounded(
    'npm',
    [
      'install',
      `unleash-server@${UNLEASH_VERSION}`,
      '--prefix',
      UNLEASH_DIR,
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
    ],
    {},
    15 * 60_000,
  );
  if (code !== 0) throw new Error(`npm install unleash-server@${UNLEASH_VERSION} failed (${code})`);
}

async function startUnleash() {
  await installUnleash();
  const database = `unleash_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  const port = 42000 + Math.floor(Math.random() * 5000);
  const script = join(UNLEASH_DIR, 'start.cjs');
  writeFileSync(
    script,
    "require('unleash-server').start().catch((e) => { console.error(e); process.exit(1); });\n",
  );
  const child = spawn(process.execPath, [script], {
    cwd: UNLEASH_DIR,
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      DATABASE_SSL: 'false',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      LOG_LEVEL: 'error',
      INIT_ADMIN_API_TOKENS: ADMIN_TOKEN,
      INIT_CLIENT_API_TOKENS: CLIENT_TOKEN,
      INIT_FRONTEND_API_TOKENS: FRONTEND_TOKEN,
      CHECK_VERSION: 'false',
      SEND_TELEMETRY: 'false',
      UNLEASH_FRONTEND_API_ORIGINS: '*',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop database if exists ${database} with (force)`);
    await c.end();
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`unleash-server exited with ${child.exitCode} while starting`);
    }
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not yet listening
    }
    if (Date.now() - started > 120_000) {
      await stop();
      throw new Error('unleash-server did not become healthy within 120 s');
    }
    await sleep(250);
  }
  return { base, pid: child.pid, stop };
}

async function configureUnleash(base, flags) {
  const headers = { authorization: ADMIN_TOKEN };
  const api = (path, method, body) => json(`${base}${path}`, { method, headers, body });
  const segment = await api('/api/admin/segments', 'POST', {
    name: SEGMENT.name,
    constraints: SEGMENT.constraints,
  });
  const features = '/api/admin/projects/default/features';
  for (const f of flags) {
    await api(features, 'POST', { name: f.name, type: 'release' });
    for (const { segment: useSegment, ...s } of f.strategies) {
      await api(`${features}/${f.name}/environments/development/strategies`, 'POST', {
        ...s,
        segments: useSegment ? [segment.id] : [],
      });
    }
    if (f.variants.length)
      await api(`${features}/${f.name}/environments/development/variants`, 'PUT', f.variants);
    if (f.enabled) await api(`${features}/${f.name}/environments/development/on`, 'POST');
  }
}

async function propagation(pont, changes) {
  const client = createFlagClient({
    url: pont.url,
    token: pont.clientToken,
    appName: 'bench-propagation',
    metricsIntervalMs: 0,
  });
  await client.ready();
  if (client.mode !== 'streaming')
    await new Promise((resolve) => client.on('mode', (m) => m === 'streaming' && resolve()));
  const samples = [];
  for (let i = 0; i < changes; i++) {
    const name = `flag-${i % 100}`;
    const verb = client.features?.features.find((f) => f.name === name)?.enabled ? 'disable' : 'enable';
    const seen = new Promise((resolve) => {
      const off = client.on('changed', (names) => {
        if (!names.includes(name)) return;
        off();
        resolve(performance.now());
      });
    });
    const t0 = performance.now();
    await json(`${pont.url}/api/v1/projects/demo/flags/${name}/environments/dev/${verb}`, {
      method: 'POST',
      headers: pont.auth,
      body: {},
    });
    samples.push((await seen) - t0);
  }
  await client.close();
  return samples;
}

export async function run({ quick = false } = {}) {
  const seconds = quick ? 3 : 10;
  const flags = syntheticFlags();

  const cost = await evaluationCost(quick);

  const pont = await setUpPont(flags);
  const unleash = await startUnleash().catch((error) => {
    console.error(`unleash-server baseline unavailable: ${error.message}`);
    return undefined;
  });
  let results;
  try {
    if (unleash) await configureUnleash(unleash.base, flags);
    const frontendQuery =
      '?userId=user-7&sessionId=s-7&properties[plan]=pro&properties[appVersion]=2.4.0&properties[email]=u7@example.com';
    const pontFeatures = await load(
      `${pont.url}/api/client/features`,
      { authorization: pont.clientToken },
      seconds,
    );
    const pontFrontend = await load(
      `${pont.url}/api/frontend${frontendQuery}`,
      { authorization: pont.frontendToken },
      seconds,
    );
    let unleashFeatures;
    let unleashFrontend;
    let sizes = {};
    if (unleash) {
      // Same workload: both serve 100 flags.
      const pontBody = await json(`${pont.url}/api/client/features`, {
        headers: { authorization: pont.clientToken },
      });
      const unleashBody = await json(`${unleash.base}/api/client/features`, {
        headers: { authorization: CLIENT_TOKEN },
      });
      sizes = {
        pont: { features: pontBody.features.length, bytes: JSON.stringify(pontBody).length },
        unleash: { features: unleashBody.features.length, bytes: JSON.stringify(unleashBody).length },
      };
      console.log(`bodies: ${JSON.stringify(sizes)}`);
      // Unleash's frontend API reads from an in-process client that refreshes on its own schedule.
      for (let i = 0; i < 60; i++) {
        const answer = await json(`${unleash.base}/api/frontend${frontendQuery}`, {
          headers: { authorization: FRONTEND_TOKEN },
        });
        if (answer.toggles.length > 0) break;
        await sleep(500);
      }
      unleashFeatures = await load(
        `${unleash.base}/api/client/features`,
        { authorization: CLIENT_TOKEN },
        seconds,
      );
      unleashFrontend = await load(
        `${unleash.base}/api/frontend${frontendQuery}`,
        { authorization: FRONTEND_TOKEN },
        seconds,
      );
    }
    const samples = await propagation(pont, 100);
    results = { cost, pontFeatures, pontFrontend, unleashFeatures, unleashFrontend, samples, sizes };
  } finally {
    await unleash?.stop();
    await pont.stop();
  }

  const { pontFeatures, pontFrontend, unleashFeatures, unleashFrontend, samples } = results;
  const rows = [
    {
      metric: 'isEnabled, 100 flags × 20 contexts',
      pont: cost.isEnabled.engine,
      baseline: cost.isEnabled.sdk,
      baselineName: 'unleash-client 6',
      unit: 'ns',
      target: '≤ 0.5×',
    },
    {
      metric: 'getVariant, 100 flags × 20 contexts',
      pont: cost.getVariant.engine,
      baseline: cost.getVariant.sdk,
      baselineName: 'unleash-client 6',
      unit: 'ns',
      target: '≤ 0.5×',
    },
    {
      metric: 'GET /api/client/features (100 flags), c=50',
      pont: pontFeatures.requests.average,
      baseline: unleashFeatures?.requests.average,
      baselineName: `unleash-server ${UNLEASH_VERSION}`,
      unit: 'req/s',
      target: '≥ 5×',
    },
    {
      metric: 'GET /api/client/features, c=50: p99 latency',
      pont: pontFeatures.latency.p99,
      baseline: unleashFeatures?.latency.p99,
      baselineName: `unleash-server ${UNLEASH_VERSION}`,
      unit: 'ms',
    },
    {
      metric: 'GET /api/frontend (100 flags evaluated), c=50',
      pont: pontFrontend.requests.average,
      baseline: unleashFrontend?.requests.average,
      baselineName: `unleash-server ${UNLEASH_VERSION}`,
      unit: 'req/s',
      target: '≥ 5×',
    },
    {
      metric: 'GET /api/frontend, c=50: p99 latency',
      pont: pontFrontend.latency.p99,
      baseline: unleashFrontend?.latency.p99,
      baselineName: `unleash-server ${UNLEASH_VERSION}`,
      unit: 'ms',
    },
    { metric: 'propagation API → SDK callback (SSE), median of 100', pont: median(samples), unit: 'ms' },
    {
      metric: 'propagation API → SDK callback (SSE), p99 of 100',
      pont: percentile(samples, 99),
      baseline: 15_000,
      baselineName: 'Unleash SDK default poll interval',
      unit: 'ms',
      target: '< 100 ms',
    },
  ];
  for (const r of rows) if (r.baseline) r.ratio = r.pont / r.baseline;
  rows[0].ok = rows[0].ratio <= 0.5;
  rows[1].ok = rows[1].ratio <= 0.5;
  if (unleashFeatures) rows[2].ok = rows[2].ratio >= 5;
  if (unleashFrontend) rows[4].ok = rows[4].ratio >= 5;
  rows[7].ok = rows[7].pont < 100;
  const errors = {
    pont: pontFeatures.errors + pontFeatures.non2xx + pontFrontend.errors + pontFrontend.non2xx,
    unleash: unleashFeatures
      ? unleashFeatures.errors + unleashFeatures.non2xx + unleashFrontend.errors + unleashFrontend.non2xx
      : undefined,
  };
  report('flags', rows, {
    seconds,
    connections: 50,
    errors,
    sizes: results.sizes,
    propagationSamplesMs: samples.map((s) => Number(s.toFixed(2))),
  });
  if (errors.pont || errors.unleash)
    console.log(`warning: errors or non-2xx answers during load: ${JSON.stringify(errors)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run({ quick: process.argv.includes('--quick') });
