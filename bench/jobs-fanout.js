// Fan-out peers for the jobs benchmark: a bare parallel ssh2 script and Ansible ad-hoc, each
// against the same sshd nodes pont uses. Everything they start is stopped by PID.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';

const TICK_MS = 10; // Linux USER_HZ is 100 (getconf CLK_TCK)

/**
 * CPU time of a process from /proc/PID/stat, ms: `self` (utime+stime) and `children` (cutime+cstime:
 * the children it waited for, with their own waited-for descendants). 0 when it is gone.
 */
export function procCpu(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, so utime (14) is at index 11 here.
    const [utime, stime, cutime, cstime] = [f[11], f[12], f[13], f[14]].map(Number);
    return { self: (utime + stime) * TICK_MS, children: (cutime + cstime) * TICK_MS };
  } catch {
    return { self: 0, children: 0 };
  }
}

/** CPU used on the node side: every listening sshd and the sessions it reaped (shells included). */
export function nodesCpu(nodes) {
  let total = 0;
  for (const node of nodes) {
    const c = procCpu(node.pid);
    total += c.self + c.children;
  }
  return total;
}

const fingerprint = (key) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/**
 * The bare script: connect to every node at once (host key checked against its fingerprint, as
 * pont does), exec `echo hi`, collect stdout, close. Resolves {ms, outputs}.
 */
export async function bareSsh2(nodes, user, privateKey, timeoutMs = 60_000) {
  const started = performance.now();
  const outputs = await Promise.all(
    nodes.map(
      (node) =>
        new Promise((resolve, reject) => {
          const client = new ssh2.Client();
          let out = '';
          const timer = setTimeout(() => {
            client.end();
            reject(new Error(`ssh2 ${node.name}: no answer after ${timeoutMs} ms`));
          }, timeoutMs);
          client
            .on('ready', () => {
              client.exec('echo hi', (err, stream) => {
                if (err) return reject(err);
                stream.on('data', (d) => (out += d));
                stream.stderr.on('data', () => {});
                stream.on('close', (code) => {
                  clearTimeout(timer);
                  client.end();
                  if (code !== 0) reject(new Error(`ssh2 ${node.name}: exit ${code}`));
                  else resolve(out);
                });
              });
            })
            .on('error', (e) => {
              clearTimeout(timer);
              reject(e);
            })
            .connect({
              host: node.hostname,
              port: node.port,
              username: user,
              privateKey,
              hostVerifier: (key) => fingerprint(key) === node.hostKeyFingerprint,
            });
        }),
    ),
  );
  return { ms: performance.now() - started, outputs };
}

/** Writes an INI inventory and the key file for Ansible; returns the paths and a cleanup. */
export function ansibleSetup(nodes, user, privateKey) {
  const dir = mkdtempSync(join(tmpdir(), 'pont-bench-ansible-'));
  const keyFile = join(dir, 'id_ed25519');
  writeFileSync(keyFile, privateKey, { mode: 0o600 });
  const inventory = join(dir, 'inventory.ini');
  const hosts = nodes.map((n) => `${n.name} ansible_host=${n.hostname} ansible_port=${n.port}`);
  writeFileSync(
    inventory,
    [
      '[fan]',
      ...hosts,
      '',
      '[all:vars]',
      `ansible_user=${user}`,
      `ansible_ssh_private_key_file=${keyFile}`,
      "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'",
      // An explicit interpreter skips per-host interpreter discovery: this favours Ansible.
      'ansible_python_interpreter=/usr/bin/python3',
      '',
    ].join('\n'),
  );
  return { dir, inventory, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `ansible all -i INV -m shell -a 'echo hi' -f N`, cold: a fresh ControlPath directory per run so
 * no persistent connection from an earlier run helps, and the ControlPersist masters it leaves
 * behind are closed (`ssh -O exit`, then SIGKILL by PID for any survivor) before returning.
 * Resolves {ms, ok, changed, code, output, cpuMs}.
 */
export async function ansibleRun(setup, forks, expected, timeoutMs = 180_000) {
  const cp = mkdtempSync(join(setup.dir, 'cp-'));
  const env = {
    ...process.env,
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_SSH_CONTROL_PATH_DIR: cp,
    ANSIBLE_LOCAL_TEMP: join(setup.dir, 'local-tmp'),
    // Pipelining is Ansible's documented speed-up (one ssh round trip per module): favours Ansible.
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
  };
  const cpuFile = join(setup.dir, `cpu-${Date.now()}`);
  // A tiny Python wrapper reports the wall time of ansible alone (its own start excluded) and the
  // CPU of ansible and every process it waited for (its forks and their ssh clients).
  const wrapper = [
    'import json, resource, subprocess, sys, time',
    't = time.perf_counter()',
    'rc = subprocess.call(sys.argv[2:])',
    'wall = time.perf_counter() - t',
    'r = resource.getrusage(resource.RUSAGE_CHILDREN)',
    'open(sys.argv[1], "w").write(json.dumps({"wall": wall, "cpu": r.ru_utime + r.ru_stime}))',
    'sys.exit(rc)',
  ].join('\n');
  const argv = ['ansible', 'all', '-i', setup.inventory, '-m', 'shell', '-a', 'echo hi', '-f', String(forks)];
  const started = performance.now();
  const child = spawn(
    existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
    ['-c', wrapper, cpuFile, ...argv],
    {
      cwd: setup.dir,
      env,
      detached: true, // its own process group, so a timeout can stop every fork it made
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }, timeoutMs);
  const code = await new Promise((resolve) => child.on('close', (c, s) => resolve(c ?? s)));
  let ms = performance.now() - started;
  clearTimeout(timer);
  const mastersCpuMs = await closeControlMasters(cp);
  let treeCpuMs = Number.NaN;
  try {
    const measured = JSON.parse(readFileSync(cpuFile, 'utf8'));
    treeCpuMs = measured.cpu * 1000;
    ms = measured.wall * 1000;
  } catch {}
  const changed = (output.match(/\| CHANGED \| rc=0 >>\nhi\n/g) ?? []).length;
  return {
    ms,
    code,
    changed,
    ok: code === 0 && changed === expected,
    output,
    cpuMs: treeCpuMs + mastersCpuMs,
  };
}

/** Closes the ControlPersist masters of one run; returns the CPU they used (ms), read before they go. */
async function closeControlMasters(cp) {
  const mastersCpu = await ours(cp).then((pids) => pids.reduce((sum, pid) => sum + procCpu(pid).self, 0));
  const sockets = existsSync(cp) ? readdirSync(cp).map((f) => join(cp, f)) : [];
  await Promise.all(
    sockets.map(
      (sock) =>
        new Promise((resolve) =>
          execFile('ssh', ['-o', `ControlPath=${sock}`, '-O', 'exit', 'bench-host'], () => resolve()),
        ),
    ),
  );
  // Any master still alive (its argv names our private control dir) is ours: stop it by PID.
  for (const pid of await ours(cp)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  return mastersCpu;
}

/** PIDs of the processes whose command line names this run's private control directory. */
async function ours(cp) {
  const ps = await new Promise((resolve) =>
    execFile('ps', ['-eo', 'pid=,args='], (_e, out) => resolve(out ?? '')),
  );
  const pids = [];
  for (const line of ps.split('\n')) {
    if (!line.includes(cp)) continue;
    const [pid, cmd] = line.trim().split(/\s+/);
    if (Number(pid) && Number(pid) !== process.pid && cmd !== 'ps') pids.push(Number(pid));
  }
  return pids;
}
