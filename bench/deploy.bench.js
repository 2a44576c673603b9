// Deployments (issue 5), each figure against a baseline measured in the same run:
//   1. Deployment overhead: POST /deployments → final state, against running the bare deploy job on
//      the same local nodes (POST /jobs/…/run → end of its log stream). All at once (one execution
//      on three nodes) and rolling (three one-node batches, against three one-node runs in a row).
//      Target: deployment / bare job < 1.2×.
//   2. Environment matrix with 200 apps × 4 environments and 20,000 deployment records (seeded
//      through the deployment store while the server is stopped): p50/p99 of GET environment-matrix,
//      one request at a time and under 16 concurrent connections, against GET of the 200 App
//      resources; and p99 of one app's history page in one environment.
// PONT_BENCH_POSTGRES_URL=postgres://… also runs part 2 on PostgreSQL (a fresh database is created).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { login, median, percentile, ROOT, report, startPont, tempDir } from './lib.js';

const PROJECT = 'bench';
const dist = (path) => join(ROOT, 'packages/server/dist', path);

const doc = (kind, name, spec) => ({
  apiVersion: 'pont/v1',
  kind,
  metadata: kind === 'Project' ? { name } : { project: PROJECT, name },
  spec,
});

async function api(pont, method, path, body) {
  const res = await fetch(pont.url + path, {
    method,
    headers: {
      authorization: `Bearer ${pont.token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Reads a Server-Sent Events stream until an `end` event; returns its data. */
async function untilEnd(pont, path) {
  const res = await fetch(pont.url + path, {
    headers: { authorization: `Bearer ${pont.token}`, accept: 'text/event-stream' },
  });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    const end = buffer.indexOf('event: end\ndata: ');
    if (end !== -1) {
      const line = buffer.slice(end + 17).split('\n')[0];
      if (line !== undefined && buffer.slice(end).includes('\n\n')) {
        await res.body.cancel().catch(() => {});
        return JSON.parse(line);
      }
    }
  }
  throw new Error(`${path}: stream ended without an end event`);
}

function tarball(dir, version, kib) {
  const src = join(dir, `src-${version}`);
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'VERSION'), `${version}\n`);
  writeFileSync(join(src, 'payload.bin'), Buffer.alloc(kib * 1024, version));
  const file = join(dir, `app-${version}.tar.gz`);
  execFileSync('tar', ['-czf', file, '-C', src, '.']);
  return readFileSync(file);
}

async function pushArtifact(pont, app, version, body) {
  const res = await fetch(
    `${pont.url}/api/v1/projects/${PROJECT}/artifacts/${app}/${version}?fileName=app.tar.gz`,
    {
      method: 'PUT',
      headers: { authorization: `Bearer ${pont.token}`, 'content-type': 'application/octet-stream' },
      body,
    },
  );
  if (res.status !== 201) throw new Error(`push ${app} ${version}: ${res.status} ${await res.text()}`);
}

const installJob = (root, filter) => ({
  options: [
    { name: 'version', required: true },
    { name: 'artifact', required: true },
    { name: 'root', default: root },
  ],
  nodes: { filter },
  dispatch: { threadcount: 3 },
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
      exec: 'cd "$PONT_OPTION_ROOT/$PONT_NODE_NAME/releases/$PONT_OPTION_VERSION" && tar -xzf app.tar.gz',
      shell: true,
    },
    {
      id: 'switch',
      exec: 'ln -sfn "releases/$PONT_OPTION_VERSION" "$PONT_OPTION_ROOT/$PONT_NODE_NAME/current"',
      shell: true,
    },
  ],
});

async function overhead(quick) {
  const rounds = quick ? 5 : 20;
  const work = tempDir('pont-bench-deploy-');
  const root = join(work, 'nodes');
  const pont = await startPont({ PONT_DEMO: '0' });
  try {
    pont.token = await login(pont.url);
    const nodes = ['node-1', 'node-2', 'node-3'];
    await api(pont, 'POST', '/api/v1/apply', {
      items: [
        doc('Project', PROJECT, {}),
        doc('Environment', 'prod', { order: 1 }),
        ...nodes.map((n) =>
          doc('Node', n, { environment: 'prod', hostname: 'localhost', executor: 'local', tags: ['app'] }),
        ),
        doc('Job', 'install', installJob(root, 'tags: app')),
        ...nodes.map((n) => doc('Job', `install-${n}`, installJob(root, `name: ${n}`))),
        doc('App', 'shop', { deploy: { job: 'install' }, environments: { prod: { from: null } } }),
        doc('App', 'shop-rolling', {
          deploy: { job: 'install' },
          rollout: { strategy: 'rolling', batchSize: 1 },
          environments: { prod: { from: null } },
        }),
      ],
    });
    const body = tarball(work, '1.0.0', 64);
    await pushArtifact(pont, 'shop', '1.0.0', body);
    await pushArtifact(pont, 'shop-rolling', '1.0.0', body);
    const options = { version: '1.0.0', artifact: 'shop-1.0.0.tar.gz' };

    const bareRun = async (job) => {
      const started = performance.now();
      const execution = await api(pont, 'POST', `/api/v1/projects/${PROJECT}/jobs/${job}/run`, {
        environment: 'prod',
        options,
      });
      const end = await untilEnd(pont, `/api/v1/projects/${PROJECT}/executions/${execution.id}/log?follow=1`);
      if (end.state !== 'succeeded') throw new Error(`bare ${job}: ${end.state}`);
      return performance.now() - started;
    };
    const deploy = async (app) => {
      const started = performance.now();
      const d = await api(pont, 'POST', `/api/v1/projects/${PROJECT}/deployments`, {
        app,
        environment: 'prod',
        version: '1.0.0',
      });
      const end = await untilEnd(pont, `/api/v1/projects/${PROJECT}/deployments/${d.id}?follow=1`);
      if (end.status !== 'succeeded') throw new Error(`deployment ${d.id}: ${end.status}`);
      return performance.now() - started;
    };
    // Warm up both paths, then alternate so drift affects both alike.
    await bareRun('install');
    await deploy('shop');
    const bare = [];
    const deployed = [];
    const bareSeq = [];
    const rolling = [];
    for (let i = 0; i < rounds; i++) {
      bare.push(await bareRun('install'));
      deployed.push(await deploy('shop'));
      let sum = 0;
      for (const n of nodes) sum += await bareRun(`install-${n}`);
      bareSeq.push(sum);
      rolling.push(await deploy('shop-rolling'));
    }
    return { bare, deployed, bareSeq, rolling, rounds };
  } finally {
    await pont.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Writes 200 apps × 4 environments × 25 deployments through the store, and what runs where. */
async function seed(dataDir, databaseUrl, apps, envs, perTarget) {
  const { openDatabase } = await import(dist('db/database.js'));
  const { createKyselyDeploymentStore } = await import(dist('modules/deployments/index.js'));
  const db = openDatabase({ url: databaseUrl, sqliteFile: join(dataDir, 'pont.db') });
  const store = createKyselyDeploymentStore(db.kysely);
  const started = performance.now();
  const base = Date.parse('2026-01-01T00:00:00Z');
  let n = 0;
  const id = (t) => `${t.toString(32).toUpperCase().padStart(10, '0')}${String(n++).padStart(16, '0')}`;
  const batch = [];
  const latest = [];
  for (let a = 0; a < apps.length; a++) {
    for (const env of envs) {
      let last;
      for (let k = 0; k < perTarget; k++) {
        const t = base + (k * apps.length * envs.length + a * envs.length + envs.indexOf(env)) * 60_000;
        const time = new Date(t).toISOString();
        const status = k % 10 === 9 ? 'failed' : 'succeeded';
        const record = {
          id: id(t),
          project: PROJECT,
          app: apps[a],
          environment: env,
          version: `1.${k}.0`,
          ...(k > 0 ? { previousVersion: `1.${k - 1}.0` } : {}),
          artifact: { file: `${apps[a]}-1.${k}.0.tar.gz`, sha256: '0'.repeat(64), size: 1024 },
          kind: 'deploy',
          trigger: 'api',
          requestedBy: 'ci',
          requestedAt: time,
          startedAt: time,
          finishedAt: new Date(t + 30_000).toISOString(),
          durationMs: 30_000,
          status,
          executions: [
            {
              id: `E${n}`,
              batch: 1,
              nodes: ['node-1'],
              state: status === 'succeeded' ? 'succeeded' : 'failed',
            },
          ],
          health: [],
          events: [{ time, level: 'info', message: `deploy ${apps[a]} 1.${k}.0 to ${env} requested by ci` }],
        };
        batch.push(record);
        if (status === 'succeeded') last = record;
        latest[`${apps[a]}/${env}`] = { succeeded: last, last: record };
      }
    }
  }
  await store.insertMany(batch);
  for (const key of Object.keys(latest)) {
    const [app, env] = key.split('/');
    await store.ensureTarget(PROJECT, app, env);
    await store.recordOutcome(latest[key].succeeded);
    if (latest[key].last !== latest[key].succeeded) await store.recordOutcome(latest[key].last);
  }
  await db.destroy();
  return { records: batch.length, ms: performance.now() - started };
}

function load(url, headers, seconds, connections) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, headers }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

async function matrix(quick, databaseUrl, label) {
  const apps = Array.from({ length: 200 }, (_, i) => `app-${String(i).padStart(3, '0')}`);
  const envs = ['dev', 'test', 'integration', 'prod'];
  const env = { PONT_DEMO: '0', ...(databaseUrl ? { PONT_DATABASE_URL: databaseUrl } : {}) };
  let pont = await startPont(env);
  const dataDir = pont.dataDir;
  pont.token = await login(pont.url);
  await api(pont, 'POST', '/api/v1/apply', {
    items: [
      doc('Project', PROJECT, {}),
      ...envs.map((name, order) => doc('Environment', name, { order, protected: name === 'prod' })),
      doc('Node', 'node-1', { environment: 'dev', hostname: 'localhost', executor: 'local' }),
      doc('Job', 'install', installJob('/tmp/unused', '')),
      ...apps.map((name) => doc('App', name, { description: `service ${name}`, deploy: { job: 'install' } })),
    ],
  });
  await pont.stop();
  const seeded = await seed(dataDir, databaseUrl, apps, envs, 25);
  pont = await startPont({ ...env, PONT_DATA_DIR: dataDir });
  try {
    pont.token = await login(pont.url);
    const headers = { authorization: `Bearer ${pont.token}` };
    const timed = async (path, count) => {
      const times = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        const res = await fetch(pont.url + path, { headers });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
        times.push(performance.now() - started);
      }
      return times;
    };
    const matrixPath = `/api/v1/projects/${PROJECT}/environment-matrix`;
    const appsPath = `/api/v1/projects/${PROJECT}/apps`;
    const historyPath = `/api/v1/projects/${PROJECT}/deployments?app=app-123&environment=prod&limit=50`;
    const sample = await api(pont, 'GET', matrixPath);
    const cells = sample.apps.reduce((s, a) => s + Object.keys(a.cells).length, 0);
    if (cells !== 800) throw new Error(`matrix has ${cells} cells`);
    await timed(matrixPath, 20);
    await timed(appsPath, 20);
    const count = quick ? 100 : 400;
    const matrixTimes = await timed(matrixPath, count);
    const appsTimes = await timed(appsPath, count);
    const historyTimes = await timed(historyPath, count);
    const seconds = quick ? 3 : 8;
    const matrixLoad = await load(pont.url + matrixPath, headers, seconds, 16);
    const appsLoad = await load(pont.url + appsPath, headers, seconds, 16);
    return {
      label,
      seeded,
      matrixTimes,
      appsTimes,
      historyTimes,
      matrixLoad,
      appsLoad,
      bytes: JSON.stringify(sample).length,
    };
  } finally {
    await pont.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function freshPostgres(url) {
  const pg = (await import('pg')).default;
  const name = `pont_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function run({ quick = false } = {}) {
  const o = await overhead(quick);
  const ratio = median(o.deployed) / median(o.bare);
  const rollingRatio = median(o.rolling) / median(o.bareSeq);
  const rows = [
    {
      metric: `deployment, all at once on 3 local nodes (median of ${o.rounds})`,
      pont: median(o.deployed),
      baseline: median(o.bare),
      baselineName: 'bare deploy job',
      ratio,
      unit: 'ms',
      target: '< 1.2×',
      ok: ratio < 1.2,
    },
    {
      metric: `deployment, rolling 3 batches of 1 (median of ${o.rounds})`,
      pont: median(o.rolling),
      baseline: median(o.bareSeq),
      baselineName: '3 bare one-node runs in a row',
      ratio: rollingRatio,
      unit: 'ms',
      target: '< 1.2×',
      ok: rollingRatio < 1.2,
    },
  ];
  const extra = { overhead: o };
  const runs = [await matrix(quick, undefined, 'SQLite')];
  const pgUrl = process.env.PONT_BENCH_POSTGRES_URL;
  if (pgUrl) {
    const db = await freshPostgres(pgUrl);
    try {
      runs.push(await matrix(quick, db.url, 'PostgreSQL'));
    } finally {
      await db.drop();
    }
  }
  for (const m of runs) {
    rows.push(
      {
        metric: `[${m.label}] seed ${m.seeded.records} deployment records through the store`,
        pont: m.seeded.ms,
        unit: 'ms',
      },
      {
        metric: `[${m.label}] matrix 200 apps × 4 envs (${Math.round(m.bytes / 1024)} KiB), p50 sequential`,
        pont: percentile(m.matrixTimes, 50),
        baseline: percentile(m.appsTimes, 50),
        baselineName: 'GET the 200 App resources',
        ratio: percentile(m.matrixTimes, 50) / percentile(m.appsTimes, 50),
        unit: 'ms',
      },
      {
        metric: `[${m.label}] matrix p99 sequential`,
        pont: percentile(m.matrixTimes, 99),
        baseline: percentile(m.appsTimes, 99),
        baselineName: 'GET the 200 App resources',
        ratio: percentile(m.matrixTimes, 99) / percentile(m.appsTimes, 99),
        unit: 'ms',
        target: '< 50 ms',
        ok: percentile(m.matrixTimes, 99) < 50,
      },
      {
        metric: `[${m.label}] matrix p99 under 16 connections`,
        pont: m.matrixLoad.latency.p99,
        baseline: m.appsLoad.latency.p99,
        baselineName: 'GET the 200 App resources',
        ratio: m.matrixLoad.latency.p99 / m.appsLoad.latency.p99,
        unit: 'ms',
      },
      {
        metric: `[${m.label}] matrix throughput under 16 connections`,
        pont: m.matrixLoad.requests.average,
        baseline: m.appsLoad.requests.average,
        baselineName: 'GET the 200 App resources',
        ratio: m.matrixLoad.requests.average / m.appsLoad.requests.average,
        unit: 'req/s',
      },
      {
        metric: `[${m.label}] one app's history in one env (50 of 20,000), p50`,
        pont: percentile(m.historyTimes, 50),
        unit: 'ms',
      },
      {
        metric: `[${m.label}] one app's history in one env (50 of 20,000), p99`,
        pont: percentile(m.historyTimes, 99),
        unit: 'ms',
        target: '< 20 ms',
        ok: percentile(m.historyTimes, 99) < 20,
      },
    );
    extra[m.label] = {
      matrix: m.matrixTimes,
      apps: m.appsTimes,
      history: m.historyTimes,
      matrixLoad: {
        p99: m.matrixLoad.latency.p99,
        rps: m.matrixLoad.requests.average,
        errors: m.matrixLoad.errors,
      },
    };
  }
  // Shared machines make tails noisy: say how busy this one was.
  extra.machine = { cpus: cpus().length, loadavg: loadavg() };
  console.log(
    `machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  report('deploy', rows, extra);
}

if (import.meta.url === `file://${process.argv[1]}`) await run({ quick: process.argv.includes('--quick') });
