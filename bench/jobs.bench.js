// Jobs (issue 3): dispatch overhead, fan-out over real sshd nodes, throughput, log volume.
// Each figure is compared, in the same run, with a peer or a raw floor:
//   1. API request → final state of a one-step `true` job on a local node, vs spawning `sh -c true`.
//   2. `echo hi` on N sshd nodes: pont vs a bare parallel ssh2 script vs `ansible all -m shell`.
//   3. Many trivial executions requested at once: completions/s vs spawning `sh -c true`, 32 at once.
//   4. A job printing many lines to one SSE follower: lines/s vs a bare Node reader; peak server RSS.
// Every process started here (pont servers, sshd nodes, ansible and its ssh masters) is stopped by
// PID at the end, on failure too. BENCH_PROFILE_DIR=/some/dir starts the servers with --cpu-prof
// (and --heap-prof with BENCH_HEAP_PROFILE=1), one folder per part.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ansibleRun, ansibleSetup, bareSsh2, nodesCpu, procCpu } from './jobs-fanout.js';
import { call, closeAgent, follow, ok } from './jobs-http.js';
import { startServer } from './jobs-server.js';
import { login, median, percentile, ROOT, report, rssOf, sleep } from './lib.js';

const PROJECT = 'bench';
const ENV = 'bench';

const doc = (kind, name, spec, project = PROJECT) => ({
  apiVersion: 'pont/v1',
  kind,
  metadata: kind === 'Project' ? { name } : { project, name },
  spec,
});

/** Cleanups run last-in first-out, once, at the end or on Ctrl-C. */
const cleanups = [];
async function cleanupAll() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (error) {
      console.error(`cleanup failed: ${error.message}`);
    }
  }
  closeAgent();
}

async function startBenchPont(extraDocs, env = {}, label = 'pont') {
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const nodeArgs = [];
  if (profileDir) {
    const dir = join(profileDir, label);
    mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
    if (process.env.BENCH_HEAP_PROFILE) nodeArgs.push('--heap-prof', `--heap-prof-dir=${dir}`);
  }
  const pont = await startServer({ PONT_DEMO: '0', ...env }, nodeArgs);
  cleanups.push(() => pont.stop());
  const token = await login(pont.url);
  await ok(pont.url, token, 'POST', '/api/v1/apply', {
    items: [
      doc('Project', PROJECT, {}),
      doc('Environment', ENV, { order: 1 }),
      doc('Node', 'local-1', { environment: ENV, hostname: 'localhost', executor: 'local', tags: ['local'] }),
      ...extraDocs,
    ],
  });
  return { ...pont, token };
}

async function runJob(pont, job, options = {}) {
  const res = await call(pont.url, pont.token, 'POST', `/api/v1/projects/${PROJECT}/jobs/${job}/run`, {
    environment: ENV,
    options,
  });
  if (res.status !== 201) throw new Error(`run ${job}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

const getExecution = async (pont, id) =>
  (await ok(pont.url, pont.token, 'GET', `/api/v1/projects/${PROJECT}/executions/${id}`)).execution;

function spawnTrue() {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'true'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sh -c true: exit ${code}`))));
  });
}

/** Runs `count` tasks with at most `limit` at once. */
async function pool(count, limit, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

// 1. Dispatch overhead ------------------------------------------------------------------------

async function dispatch({ quick }) {
  const n = quick ? 10 : 50;
  const warm = 3;
  const pont = await startBenchPont(
    [doc('Job', 'true-local', { nodes: { filter: 'local-1' }, steps: [{ id: 't', exec: 'true' }] })],
    {},
    'dispatch',
  );
  const pontMs = [];
  const postMs = [];
  const floorMs = [];
  const ids = [];
  // Interleaved, so both sides see the same machine noise; a few unmeasured warm-up rounds first.
  for (let i = 0; i < warm + n; i++) {
    const t0 = performance.now();
    const id = await runJob(pont, 'true-local');
    const tq = performance.now();
    const f = await follow(pont.url, pont.token, PROJECT, id, { timeoutMs: 30_000 });
    const t1 = performance.now();
    if (f.state !== 'succeeded') throw new Error(`dispatch: execution ${id} ended ${f.state}`);
    const t2 = performance.now();
    await spawnTrue();
    const t3 = performance.now();
    if (i >= warm) {
      pontMs.push(t1 - t0);
      postMs.push(tq - t0);
      floorMs.push(t3 - t2);
      ids.push(id);
    }
  }
  const serverMs = [];
  for (const id of ids) serverMs.push((await getExecution(pont, id)).durationMs);
  await pont.stop();
  const p50 = median(pontMs);
  const b50 = median(floorMs);
  const base = 'sh -c true from node';
  return [
    {
      metric: `dispatch: run → final state, median of ${n}`,
      pont: p50,
      baseline: b50,
      baselineName: base,
      unit: 'ms',
      target: '< 1.5× base + 5 ms',
      ok: p50 < 1.5 * b50 + 5,
    },
    {
      metric: `dispatch: run → final state, p95 of ${n}`,
      pont: percentile(pontMs, 95),
      baseline: percentile(floorMs, 95),
      baselineName: base,
      unit: 'ms',
    },
    { metric: 'dispatch: run request → 201 answer (queued), median', pont: median(postMs), unit: 'ms' },
    { metric: 'dispatch: server-side startedAt → finishedAt, median', pont: median(serverMs), unit: 'ms' },
  ];
}

// 2. Fan-out over sshd nodes ------------------------------------------------------------------

async function fanout({ quick, ansibleAvailable }) {
  const n = quick ? 10 : 50;
  const reps = 3;
  const { startSshNodes } = await import(join(ROOT, 'packages/server/dist/testing/sshd.js'));
  // Empty home on the nodes: root's ~/.bashrc here (pyenv) would cost each SSH command ~115 ms of
  // node CPU, for every client alike, and hide the differences between them.
  const ssh = await startSshNodes(n, { namePrefix: 'fan', cleanHome: true });
  cleanups.push(() => ssh.stop());
  const nodeDocs = ssh.nodes.map((node) =>
    doc('Node', node.name, {
      environment: ENV,
      hostname: node.hostname,
      port: node.port,
      username: ssh.user,
      executor: 'ssh',
      tags: ['fan'],
      credentials: { secret: 'fan-key' },
      hostKey: { fingerprint: node.hostKeyFingerprint },
    }),
  );
  const pont = await startBenchPont(
    [
      doc('Secret', 'fan-key', { type: 'ssh-key', data: { privateKey: ssh.privateKey } }),
      ...nodeDocs,
      doc('Job', 'fanout', {
        nodes: { filter: 'tags: fan' },
        dispatch: { threadcount: n, keepgoing: true },
        steps: [{ id: 'hi', exec: 'echo hi' }],
      }),
    ],
    {},
    'fanout',
  );
  const setup = ansibleAvailable ? ansibleSetup(ssh.nodes, ssh.user, ssh.privateKey) : undefined;
  if (setup) cleanups.push(() => setup.cleanup());

  // Each side returns its wall time and the CPU its controller used (pont: the server process;
  // bare: this process; ansible: its process tree and ssh masters). Node-side CPU (every sshd and
  // the sessions and shells it reaped) is measured around each run, after the sessions are gone.
  const pontOnce = async () => {
    const cpu0 = procCpu(pont.child.pid).self;
    const t0 = performance.now();
    const id = await runJob(pont, 'fanout');
    const f = await follow(pont.url, pont.token, PROJECT, id, { timeoutMs: 120_000, keepLines: true });
    const ms = performance.now() - t0;
    const cpu = procCpu(pont.child.pid).self - cpu0;
    const his = f.kept.filter((d) => d.includes('"stream":"stdout"') && JSON.parse(d).line === 'hi').length;
    if (f.state !== 'succeeded' || his !== n) {
      const detail = await ok(
        pont.url,
        pont.token,
        'GET',
        `/api/v1/projects/${PROJECT}/executions/${id}/log?format=json&limit=200`,
      );
      throw new Error(
        `pont fan-out ended ${f.state} with ${his}/${n} "hi" lines:\n${detail.lines.map((l) => `${l.node} ${l.line}`).join('\n')}`,
      );
    }
    return { ms, cpu };
  };
  const bareOnce = async () => {
    const cpu0 = process.cpuUsage();
    const r = await bareSsh2(ssh.nodes, ssh.user, ssh.privateKey);
    const used = process.cpuUsage(cpu0);
    if (r.outputs.filter((o) => o === 'hi\n').length !== n) throw new Error('bare ssh2: wrong outputs');
    return { ms: r.ms, cpu: (used.user + used.system) / 1000 };
  };
  const ansibleOnce = async () => {
    const r = await ansibleRun(setup, n, n);
    if (!r.ok)
      throw new Error(`ansible: exit ${r.code}, ${r.changed}/${n} hosts said hi:\n${r.output.slice(-3000)}`);
    return { ms: r.ms, cpu: r.cpuMs };
  };
  const measured = async (fn) => {
    const nodes0 = nodesCpu(ssh.nodes);
    const r = await fn();
    await sleep(300); // let every sshd reap its sessions
    return { ...r, nodesCpu: nodesCpu(ssh.nodes) - nodes0 };
  };

  // One unmeasured round each (sshd and Python caches warm), then `reps` rounds, order rotated.
  await pontOnce();
  await bareOnce();
  if (setup) await ansibleOnce();
  const runs = { pont: [], bare: [], ansible: [] };
  const sides = [['pont', pontOnce], ['bare', bareOnce], ...(setup ? [['ansible', ansibleOnce]] : [])];
  for (let r = 0; r < reps; r++) {
    for (let k = 0; k < sides.length; k++) {
      const [name, fn] = sides[(k + r) % sides.length];
      runs[name].push(await measured(fn));
    }
  }
  await pont.stop();
  await ssh.stop();
  const med = (side, key) => median(runs[side].map((r) => r[key]));
  const p = med('pont', 'ms');
  const b = med('bare', 'ms');
  const what = `fan-out echo hi to ${n} sshd nodes`;
  const rows = [
    {
      metric: `${what}, wall, median of ${reps}`,
      pont: p,
      baseline: b,
      baselineName: 'bare parallel ssh2',
      unit: 'ms',
      target: '< 1.3× bare',
      ok: p < 1.3 * b,
    },
  ];
  if (setup) {
    const a = med('ansible', 'ms');
    rows.push(
      {
        metric: `${what}, wall, median of ${reps}`,
        pont: p,
        baseline: a,
        baselineName: `ansible -m shell -f ${n}`,
        unit: 'ms',
        target: '≤ 0.20× (5× faster)',
        ok: p * 5 <= a,
      },
      {
        metric: `${what}, wall: bare ssh2 in the pont column (best any client did)`,
        pont: b,
        baseline: a,
        baselineName: `ansible -m shell -f ${n}`,
        unit: 'ms',
      },
    );
  } else {
    rows.push({
      metric: `${what}: Ansible comparison SKIPPED, ansible is not installed (apt-get install -y ansible failed)`,
      pont: p,
      unit: 'ms',
      target: '≤ 0.20× (5× faster)',
      ok: false,
    });
  }
  rows.push({
    metric: `${what}, controller CPU per run`,
    pont: med('pont', 'cpu'),
    baseline: med('bare', 'cpu'),
    baselineName: 'bare parallel ssh2',
    unit: 'ms',
  });
  if (setup)
    rows.push({
      metric: `${what}, controller CPU per run`,
      pont: med('pont', 'cpu'),
      baseline: med('ansible', 'cpu'),
      baselineName: 'ansible (tree + ssh masters)',
      unit: 'ms',
    });
  rows.push({
    metric: `${what}, node-side CPU per run (sshd + login shells)`,
    pont: med('pont', 'nodesCpu'),
    baseline: med('bare', 'nodesCpu'),
    baselineName: 'bare parallel ssh2',
    unit: 'ms',
  });
  if (setup)
    rows.push({
      metric: `${what}, node-side CPU per run (sshd + login shells)`,
      pont: med('pont', 'nodesCpu'),
      baseline: med('ansible', 'nodesCpu'),
      baselineName: 'ansible',
      unit: 'ms',
    });
  return { rows, runs };
}

// 3. Throughput -------------------------------------------------------------------------------

async function throughput({ quick }) {
  const total = quick ? 200 : 1000;
  const inFlight = 50;
  const pont = await startBenchPont(
    [doc('Job', 'tp', { nodes: { filter: 'local-1' }, steps: [{ id: 't', exec: 'true' }] })],
    {},
    'throughput',
  );
  // Submitting and following run together: up to 50 run requests and 50 SSE followers in flight.
  const ids = [];
  const waiters = [];
  const wakeAll = () => {
    for (const w of waiters.splice(0)) w();
  };
  const states = {};
  let lastEnd = 0;
  let submitDone = false;
  const t0 = performance.now();
  const submit = pool(total, inFlight, async () => {
    ids.push(await runJob(pont, 'tp'));
    wakeAll();
  }).finally(() => {
    submitDone = true;
    wakeAll();
  });
  let taken = 0;
  const followers = Array.from({ length: inFlight }, async () => {
    for (;;) {
      if (taken >= ids.length) {
        if (submitDone) return;
        await new Promise((r) => waiters.push(r));
        continue;
      }
      const id = ids[taken++];
      const f = await follow(pont.url, pont.token, PROJECT, id, { timeoutMs: 300_000 });
      states[f.state] = (states[f.state] ?? 0) + 1;
      lastEnd = Math.max(lastEnd, f.endAt);
    }
  });
  await submit;
  const submitMs = performance.now() - t0;
  await Promise.all(followers);
  const pontMs = lastEnd - t0;
  await pont.stop();
  if (states.succeeded !== total) throw new Error(`throughput: states ${JSON.stringify(states)}`);

  const f0 = performance.now();
  await pool(total, 32, () => spawnTrue());
  const floorMs = performance.now() - f0;
  return {
    rows: [
      {
        metric: `throughput: ${total} executions at once, completions/s`,
        pont: (total / pontMs) * 1000,
        baseline: (total / floorMs) * 1000,
        baselineName: `sh -c true ×${total}, 32 at once`,
        unit: 'exec/s',
      },
      { metric: `throughput: time to submit all ${total} run requests`, pont: submitMs, unit: 'ms' },
    ],
    extra: { states, pontMs, floorMs },
  };
}

// 4. Log volume -------------------------------------------------------------------------------

async function logVolume({ quick }) {
  const lines = quick ? 100_000 : 1_000_000;
  const pont = await startBenchPont(
    [doc('Job', 'seq', { nodes: { filter: 'local-1' }, steps: [{ id: 'seq', exec: `seq 1 ${lines}` }] })],
    {},
    'logs',
  );
  const pid = pont.child.pid;
  const rssBefore = rssOf(pid);
  let peak = rssBefore;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {
      // exited
    }
  }, 100);
  cleanups.push(() => clearInterval(sampler));
  const t0 = performance.now();
  const id = await runJob(pont, 'seq');
  const f = await follow(pont.url, pont.token, PROJECT, id, { timeoutMs: quick ? 120_000 : 600_000 });
  const pontMs = f.endAt - t0;
  clearInterval(sampler);
  peak = Math.max(peak, rssOf(pid));
  const execution = await getExecution(pont, id);
  await pont.stop();
  const problems = [];
  if (f.state !== 'succeeded') problems.push(`state ${f.state}`);
  if (f.stdout !== lines) problems.push(`${f.stdout} stdout lines delivered, ${lines} printed`);
  if (f.lines !== f.stdout + f.system + f.stderr) problems.push('line events do not add up');
  if (f.lines !== execution.logLines)
    problems.push(`${f.lines} line events, the execution stored ${execution.logLines}`);
  if (f.lastStdout !== String(lines)) problems.push(`last stdout line "${f.lastStdout}"`);
  if (f.gaps) problems.push(`${f.gaps} gaps in event ids`);
  if (problems.length) console.log(`log volume check FAILED: ${problems.join('; ')}`);

  const floorRun = (script) => {
    const r = JSON.parse(
      execFileSync(process.execPath, [join(ROOT, 'bench', script), String(lines)], {
        encoding: 'utf8',
        timeout: 300_000,
      }),
    );
    if (r.lines !== lines || r.last !== String(lines)) throw new Error(`${script} read ${r.lines} lines`);
    return r;
  };
  const floor = floorRun('jobs-lines-floor.js');
  const storage = floorRun('jobs-sqlite-floor.js');
  const rate = (count, ms) => Math.round((count / ms) * 1000);
  return {
    rows: [
      {
        metric: `log: ${lines} lines to one SSE follower, lines/s`,
        pont: rate(f.lines, pontMs),
        baseline: rate(floor.lines, floor.ms),
        baselineName: 'node reading seq stdout',
        unit: 'lines/s',
        ok: problems.length === 0 ? undefined : false,
      },
      {
        metric: `log: ${lines} lines to one SSE follower, lines/s`,
        pont: rate(f.lines, pontMs),
        baseline: rate(storage.lines, storage.ms),
        baselineName: 'same + bare SQLite insert of each line',
        unit: 'lines/s',
      },
      {
        metric: `log: ${lines} lines, run request → end event`,
        pont: pontMs,
        baseline: floor.ms,
        baselineName: 'node reading seq stdout',
        unit: 'ms',
      },
      {
        metric: `log: ${lines} lines, peak server RSS (sampled every 100 ms)`,
        pont: peak,
        unit: 'MB',
        target: '< 300 MB',
        ok: peak < 300 * 1024 * 1024,
      },
    ],
    extra: {
      lines,
      delivered: {
        total: f.lines,
        stdout: f.stdout,
        stderr: f.stderr,
        system: f.system,
        gaps: f.gaps,
        last: f.lastStdout,
        stored: execution.logLines,
      },
      serverDurationMs: execution.durationMs,
      storageFloorMs: storage.ms,
      firstLineMs: f.firstLineAt - t0,
      rssBefore,
      checks: problems.length ? problems : 'ok',
    },
  };
}

// ---------------------------------------------------------------------------------------------

function ensureAnsible() {
  const has = () => {
    try {
      execFileSync('which', ['ansible'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (has()) return true;
  console.log(
    'ansible is not installed: installing it (apt-get install -y ansible) for the fan-out comparison',
  );
  try {
    execFileSync('apt-get', ['install', '-y', 'ansible'], { stdio: 'inherit', timeout: 600_000 });
  } catch {
    try {
      execFileSync('apt-get', ['update'], { stdio: 'inherit', timeout: 300_000 });
      execFileSync('apt-get', ['install', '-y', 'ansible'], { stdio: 'inherit', timeout: 600_000 });
    } catch (error) {
      console.log(`could not install ansible (${error.message}): the Ansible comparison is SKIPPED`);
    }
  }
  return has();
}

export async function run({ quick = false } = {}) {
  if (!existsSync(join(ROOT, 'packages/server/dist/testing/sshd.js')))
    throw new Error('build first: npm run build');
  const onSignal = async (signal) => {
    console.error(`\n${signal}: stopping what the benchmark started`);
    await cleanupAll();
    process.exit(130);
  };
  const onCrash = async (error) => {
    console.error(error);
    await cleanupAll();
    process.exit(1);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('uncaughtException', onCrash);
  try {
    const ansibleAvailable = ensureAnsible();
    const rows = [];
    const extra = { quick };
    const log = (msg) => console.log(`[jobs] ${msg}`);
    log('1/4 dispatch overhead');
    rows.push(...(await dispatch({ quick })));
    log('2/4 fan-out over sshd nodes');
    const fan = await fanout({ quick, ansibleAvailable });
    rows.push(...fan.rows);
    extra.fanout = fan.runs;
    log('3/4 throughput');
    const tp = await throughput({ quick });
    rows.push(...tp.rows);
    extra.throughput = tp.extra;
    log('4/4 log volume');
    const lv = await logVolume({ quick });
    rows.push(...lv.rows);
    extra.logVolume = lv.extra;
    for (const r of rows) if (r.baseline && r.ratio === undefined) r.ratio = r.pont / r.baseline;
    report(quick ? 'jobs-quick' : 'jobs', rows, extra);
  } finally {
    await cleanupAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onCrash);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run({ quick: process.argv.includes('--quick') });
