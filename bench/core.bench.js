// Core: cold start to /readyz, idle RSS, and GET of one resource at concurrency 32 for 10 s,
// each against a bare Node HTTP server (the raw floor) measured in the same run.
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { login, median, report, rssOf, sleep, startPont, waitReady } from './lib.js';

async function startFloor(body) {
  const port = 40000 + Math.floor(Math.random() * 10000);
  const started = performance.now();
  const child = spawn(process.execPath, ['bench/floor-server.js'], {
    env: { ...process.env, PORT: String(port), FLOOR_BODY: body },
    stdio: 'ignore',
  });
  const readyMs = await waitReady(`http://127.0.0.1:${port}/`, started);
  return { child, url: `http://127.0.0.1:${port}`, readyMs, stop: () => child.kill('SIGTERM') };
}

function load(url, headers, seconds) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: 32, duration: seconds, headers }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

export async function run({ quick = false } = {}) {
  const starts = quick ? 2 : 5;
  const seconds = quick ? 3 : 10;

  // Cold start: the first start migrates and seeds; later starts reuse the data dir as a restart does.
  const pontStarts = [];
  const floorStarts = [];
  let first;
  for (let i = 0; i < starts; i++) {
    const pont = await startPont(first ? { PONT_DATA_DIR: first } : {});
    first ??= pont.dataDir;
    pontStarts.push(pont.readyMs);
    await pont.stop();
    const floor = await startFloor('{}');
    floorStarts.push(floor.readyMs);
    floor.stop();
  }
  const freshPont = await startPont({});
  const freshStart = freshPont.readyMs;

  // Idle RSS after start and a little use, let the GC settle.
  const token = await login(freshPont.url);
  const path = '/api/v1/projects/demo/environments/prod';
  const headers = { authorization: `Bearer ${token}` };
  const body = await (await fetch(freshPont.url + path, { headers })).text();
  await sleep(1500);
  const pontRss = rssOf(freshPont.child.pid);
  const floor = await startFloor(body);
  await sleep(500);
  const floorRss = rssOf(floor.child.pid);

  const pontLoad = await load(freshPont.url + path, headers, seconds);
  const floorLoad = await load(`${floor.url}/`, {}, seconds);
  const peakRss = rssOf(freshPont.child.pid);
  await freshPont.stop();
  floor.stop();

  const rows = [
    {
      metric: 'cold start to /readyz (restart, median)',
      pont: median(pontStarts),
      baseline: median(floorStarts),
      baselineName: 'bare node http',
      unit: 'ms',
      target: '< 1000 ms',
    },
    {
      metric: 'cold start to /readyz (first start, migrate + seed)',
      pont: freshStart,
      unit: 'ms',
      target: '< 1000 ms',
    },
    {
      metric: 'idle RSS',
      pont: pontRss,
      baseline: floorRss,
      baselineName: 'bare node http',
      unit: 'MB',
      target: '< 150 MB',
    },
    {
      metric: 'GET one resource, c=32: throughput',
      pont: pontLoad.requests.average,
      baseline: floorLoad.requests.average,
      baselineName: 'bare node http',
      unit: 'req/s',
    },
    {
      metric: 'GET one resource, c=32: p99 latency',
      pont: pontLoad.latency.p99,
      baseline: floorLoad.latency.p99,
      baselineName: 'bare node http',
      unit: 'ms',
    },
    { metric: 'RSS after load', pont: peakRss, unit: 'MB' },
  ];
  for (const r of rows) if (r.baseline) r.ratio = r.pont / r.baseline;
  rows[0].ok = rows[0].pont < 1000;
  rows[1].ok = rows[1].pont < 1000;
  rows[2].ok = rows[2].pont < 150 * 1024 * 1024;
  report('core', rows, { errors: pontLoad.errors + pontLoad.non2xx, seconds });
  if (pontLoad.non2xx || pontLoad.errors)
    console.log(`warning: ${pontLoad.non2xx} non-2xx, ${pontLoad.errors} errors during load`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run({ quick: process.argv.includes('--quick') });
