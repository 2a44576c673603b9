import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = '/usr/bin/ssh-keygen';

export interface SshTestNode {
  name: string;
  hostname: string;
  port: number;
  /** As `ssh-keygen -l -E sha256` prints it, computed by ssh-keygen itself. */
  hostKeyFingerprint: string;
  /** PID of this node's listening sshd. */
  pid: number;
}

export interface SshTestNodes {
  nodes: SshTestNode[];
  /** The user the nodes accept (the user running the tests). */
  user: string;
  /** OpenSSH-format ed25519 private key authorized on every node. */
  privateKey: string;
  publicKey: string;
  /** Set when started with `password: true`: the user's password on these nodes. */
  password?: string;
  stop(): Promise<void>;
}

export interface SshNodesOptions {
  /** Name prefix of the nodes: `node-1`, `node-2`, … by default. */
  namePrefix?: string;
  /**
   * Also accept password authentication with a generated password. A real password for the
   * current user is needed, and tests must not change the machine's accounts: so (as root only)
   * each sshd runs in its own mount namespace (`unshare --mount`) where a copy of /etc/shadow,
   * identical but for the user's password hash, is bind-mounted over the real one. Nothing
   * outside those sshd processes sees it; it disappears with them.
   */
  password?: boolean;
  /**
   * Log the user in with an empty home directory (root only, same private-mount technique as
   * `password`, on /etc/passwd): no ~/.bashrc runs for each command, as on a lean server. The
   * benchmarks use it so a developer's shell start-up (pyenv…) does not dominate the figures.
   */
  cleanHome?: boolean;
  /** More public keys (`ssh-ed25519 AAAA… comment` lines) the nodes accept besides the generated one. */
  authorizedKeys?: string[];
}

/**
 * Starts `count` real OpenSSH servers on 127.0.0.1, each with its own host key and port, all
 * accepting one generated client key for the current user. They start in parallel, so 50 nodes
 * take about as long as one.
 */
export async function startSshNodes(count: number, options: SshNodesOptions = {}): Promise<SshTestNodes> {
  if (!existsSync(SSHD)) {
    throw new Error(
      `${SSHD} is missing: the SSH tests need real sshd nodes (apt-get install -y openssh-server)`,
    );
  }
  if (!existsSync(SSH_KEYGEN))
    throw new Error(`${SSH_KEYGEN} is missing (apt-get install -y openssh-client)`);
  const user = userInfo().username;
  const isRoot = process.getuid?.() === 0;
  if ((options.password || options.cleanHome) && !isRoot)
    throw new Error(
      'startSshNodes({password, cleanHome}) needs root (it bind-mounts private copies of /etc files)',
    );
  // The privilege separation directory sshd insists on when started as root.
  if (isRoot) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const base = await mkdtemp(join(tmpdir(), 'pont-sshd-'));
  const started: StartedSshd[] = [];
  try {
    await keygen(join(base, 'client'), 'pont-test-client');
    const privateKey = await readFile(join(base, 'client'), 'utf8');
    const publicKey = (await readFile(join(base, 'client.pub'), 'utf8')).trim();
    const authorized = [publicKey, ...(options.authorizedKeys ?? []).map((key) => key.trim())];
    await writeFile(join(base, 'authorized_keys'), `${authorized.join('\n')}\n`, { mode: 0o600 });
    let password: string | undefined;
    if (options.password) {
      password = `pw-${randomBytes(9).toString('base64url')}`;
      await writeFile(join(base, 'shadow'), await shadowWithPassword(user, password), { mode: 0o600 });
    }
    const binds: Array<[string, string]> = [];
    if (password !== undefined) binds.push([join(base, 'shadow'), '/etc/shadow']);
    if (options.cleanHome) {
      await mkdir(join(base, 'home'), { mode: 0o755 });
      await writeFile(join(base, 'passwd'), await passwdWithHome(user, join(base, 'home')));
      binds.push([join(base, 'passwd'), '/etc/passwd']);
    }
    const prefix = options.namePrefix ?? 'node';
    const results = await Promise.allSettled(
      Array.from({ length: count }, async (_, index) => {
        const node = await startNode(base, `${prefix}-${index + 1}`, password !== undefined, binds);
        started.push(node);
        return node;
      }),
    );
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    const nodes = started
      .map((s) => s.node)
      .sort((a, b) => Number(a.name.slice(prefix.length + 1)) - Number(b.name.slice(prefix.length + 1)));
    let stopped: Promise<void> | undefined;
    return {
      nodes,
      user,
      privateKey,
      publicKey,
      ...(password !== undefined ? { password } : {}),
      stop: () => {
        stopped ??= stopAll(started, base);
        return stopped;
      },
    };
  } catch (error) {
    await stopAll(started, base);
    throw error;
  }
}

interface StartedSshd {
  node: SshTestNode;
  process: ChildProcess;
  exited: Promise<void>;
}

async function keygen(path: string, comment: string): Promise<void> {
  await run(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

async function startNode(
  base: string,
  name: string,
  withPassword: boolean,
  binds: Array<[string, string]>,
): Promise<StartedSshd> {
  const dir = join(base, name);
  await mkdir(dir);
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  await keygen(hostKey, name);
  const { stdout } = await run(SSH_KEYGEN, ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`]);
  const hostKeyFingerprint = stdout.split(/\s+/)[1] ?? '';
  let lastError: Error | undefined;
  // A port found free can be taken by someone else before sshd binds it: then try another.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    await writeFile(config, sshdConfig({ dir, base, port, hostKey, withPassword }));
    const args = ['-D', '-e', '-f', config];
    const child =
      binds.length > 0
        ? spawn(
            'unshare',
            [
              '--mount',
              '--propagation',
              'private',
              '/bin/sh',
              '-c',
              'while [ "$1" != -- ]; do mount --bind "$1" "$2" || exit 1; shift 2; done; shift; exec "$@"',
              'sh',
              ...binds.flat(),
              '--',
              SSHD,
              ...args,
            ],
            { stdio: ['ignore', 'ignore', 'pipe'] },
          )
        : spawn(SSHD, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    // Always drain sshd's log (it would block on a full pipe); keep the tail for error messages.
    child.stderr?.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString('utf8')).slice(-16_384);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitForPort(port, exited, () => log);
      // Another process's sshd may answer on a port this one failed to bind: make sure ours lives.
      const died = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 100)),
      ]);
      if (died) throw new Error(`sshd for ${name} exited after start:\n${log}`);
      return {
        node: { name, hostname: '127.0.0.1', port, hostKeyFingerprint, pid: child.pid ?? 0 },
        process: child,
        exited,
      };
    } catch (error) {
      lastError = error as Error;
      child.kill('SIGKILL');
      await exited;
      if (!/Address already in use/.test(log)) break;
    }
  }
  throw lastError ?? new Error(`sshd for ${name} did not start`);
}

function sshdConfig(o: {
  dir: string;
  base: string;
  port: number;
  hostKey: string;
  withPassword: boolean;
}): string {
  return [
    `Port ${o.port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${o.hostKey}`,
    `PidFile ${join(o.dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(o.base, 'authorized_keys')}`,
    'PermitRootLogin yes',
    'StrictModes no',
    'UsePAM no',
    'PubkeyAuthentication yes',
    `PasswordAuthentication ${o.withPassword ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'PermitEmptyPasswords no',
    'Subsystem sftp internal-sftp',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'X11Forwarding no',
    'AllowTcpForwarding no',
    // Many parallel handshakes from one test must not be dropped at random (default 10:30:100).
    'MaxStartups 200',
    // MaxSessions stays at the default (10), like real nodes, so channel limits get exercised.
    '',
  ].join('\n');
}

/** /etc/passwd with `user`'s home directory replaced. */
async function passwdWithHome(user: string, home: string): Promise<string> {
  const lines = (await readFile('/etc/passwd', 'utf8')).split('\n');
  const found = lines.findIndex((l) => l.startsWith(`${user}:`));
  if (found === -1) throw new Error(`user ${user} has no entry in /etc/passwd`);
  const fields = (lines[found] ?? '').split(':');
  fields[5] = home;
  lines[found] = fields.join(':');
  return lines.join('\n');
}

/** /etc/shadow with `user`'s password hash replaced (sha512-crypt made by openssl). */
async function shadowWithPassword(user: string, password: string): Promise<string> {
  const hash = await new Promise<string>((resolve, reject) => {
    const child = execFile('openssl', ['passwd', '-6', '-stdin'], (error, stdout) =>
      error ? reject(new Error(`openssl passwd failed: ${error.message}`)) : resolve(stdout.trim()),
    );
    child.stdin?.end(`${password}\n`);
  });
  const lines = (await readFile('/etc/shadow', 'utf8')).split('\n');
  let found = false;
  const patched = lines.map((line) => {
    const fields = line.split(':');
    if (fields[0] !== user) return line;
    found = true;
    fields[1] = hash;
    return fields.join(':');
  });
  if (!found) throw new Error(`user ${user} has no entry in /etc/shadow`);
  return patched.join('\n');
}

/** Ports handed out in this process: two nodes starting at once must not be given the same one. */
const handedOut = new Set<number>();

async function freePort(): Promise<number> {
  for (;;) {
    const port = await probePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function probePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, exited: Promise<void>, log: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`sshd on port ${port} exited at start:\n${log()}`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`sshd on port ${port} did not accept connections within 10 s:\n${log()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Parent PID of every process, read once from /proc. */
async function parentPids(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: comm may contain spaces, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parents.set(Number(entry), ppid);
  }
  return parents;
}

/**
 * Stops the listeners we started and the per-connection sshd processes they forked (found by
 * parent PID, so ours alone), then removes the files.
 */
async function stopAll(started: StartedSshd[], base: string): Promise<void> {
  const running = started.filter(
    ({ process: child }) => child.exitCode === null && child.signalCode === null,
  );
  const ours = new Set(running.map(({ node }) => node.pid));
  const parents = running.length > 0 ? await parentPids() : new Map<number, number>();
  for (const [pid, ppid] of parents) {
    if (!ours.has(ppid)) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await Promise.all(
    running.map(async ({ process: child, exited }) => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }),
  );
  await rm(base, { recursive: true, force: true });
}
