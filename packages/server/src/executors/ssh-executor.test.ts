import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshTestNodes, startSshNodes } from '../testing/sshd.js';
import {
  type CommandRequest,
  type CommandResult,
  type ExecNode,
  NodeError,
  type NodeSession,
} from './executor.js';
import { createSshExecutor } from './ssh-executor.js';

// Real OpenSSH servers on loopback (see testing/sshd.ts). They run on this machine, so the tests
// also look at the nodes' processes directly with pgrep/ps as an independent witness.
const exec = promisify(execFile);
const executor = createSshExecutor({ connectTimeoutMs: 10_000 });
let ssh: SshTestNodes;

beforeAll(async () => {
  ssh = await startSshNodes(3);
});
afterAll(async () => {
  await ssh?.stop();
});

function execNode(index: number, overrides: Partial<ExecNode> = {}): ExecNode {
  const node = ssh.nodes[index]!;
  return {
    name: node.name,
    hostname: node.hostname,
    port: node.port,
    username: ssh.user,
    executor: 'ssh',
    tags: [],
    attributes: {},
    credentials: { type: 'key', value: ssh.privateKey },
    hostKey: { fingerprint: node.hostKeyFingerprint },
    ...overrides,
  };
}

interface Collected {
  result: CommandResult;
  stdout: string;
  stderr: string;
}

async function collect(
  session: NodeSession,
  request:
    | (Partial<CommandRequest> & Pick<CommandRequest, 'argv'>)
    | (Partial<CommandRequest> & Pick<CommandRequest, 'shell'>),
): Promise<Collected> {
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const result = await session.run({
    env: {},
    signal: new AbortController().signal,
    ...request,
    onOutput: (stream, chunk) => out[stream].push(chunk),
  });
  return {
    result,
    stdout: Buffer.concat(out.stdout).toString(),
    stderr: Buffer.concat(out.stderr).toString(),
  };
}

async function withSession<T>(node: ExecNode, body: (session: NodeSession) => Promise<T>): Promise<T> {
  const session = await executor.open(node);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

/** PIDs of the processes whose command line starts with `prefix` (not the shells around them). */
async function pgrep(prefix: string): Promise<number[]> {
  const { stdout } = await exec('pgrep', ['-f', `^${prefix}`]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean).map(Number);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const INJECTION = `'; rm -rf / #`;

describe('ssh executor: commands', () => {
  it('runs argv and shell commands with their exit codes on every node', async () => {
    await Promise.all(
      ssh.nodes.map((_, index) =>
        withSession(execNode(index), async (session) => {
          const argv = await collect(session, {
            argv: ['sh', '-c', 'echo "$1 on $(hostname)"; exit 3', 'sh', 'argv'],
          });
          expect(argv.result).toEqual({ exitCode: 3, aborted: false });
          expect(argv.stdout).toMatch(/^argv on /);
          const shell = await collect(session, { shell: 'echo out; echo err >&2; exit 7' });
          expect(shell).toEqual({
            result: { exitCode: 7, aborted: false },
            stdout: 'out\n',
            stderr: 'err\n',
          });
          const ok = await collect(session, { argv: ['true'] });
          expect(ok.result.exitCode).toBe(0);
          const missing = await collect(session, { argv: ['no-such-program-pont'] });
          expect(missing.result.exitCode).toBe(127);
          expect(missing.stderr).toMatch(/not found/);
        }),
      ),
    );
  });

  it('keeps stdout and stderr apart and passes look-alike marker lines through', async () => {
    await withSession(execNode(0), async (session) => {
      const { result, stdout, stderr } = await collect(session, {
        shell:
          'for i in 1 2 3; do echo "o$i"; echo "e$i" >&2; done; echo "pont-pgid-0000000000000000:1" >&2; printf tail >&2',
      });
      expect(result.exitCode).toBe(0);
      expect(stdout).toBe('o1\no2\no3\n');
      expect(stderr).toBe('e1\ne2\ne3\npont-pgid-0000000000000000:1\ntail');
    });
  });

  it('passes argv words literally: no shell ever sees them', async () => {
    await withSession(execNode(1), async (session) => {
      const words = [INJECTION, 'a b', '$HOME', '`id`', '"q"', '', 'x\ny', '*'];
      const { result, stdout } = await collect(session, { argv: ['printf', '[%s]', ...words], cwd: '/' });
      expect(result.exitCode).toBe(0);
      expect(stdout).toBe(words.map((w) => `[${w}]`).join(''));
    });
  });

  it('delivers the environment literally and runs in cwd', async () => {
    await withSession(execNode(2), async (session) => {
      const env = { VALUE: INJECTION, MULTI: 'line1\nline2 $x `y` "z" \\', EMPTY: '', _UNDER: 'é ü 日本' };
      const { result, stdout } = await collect(session, {
        shell: 'printf "%s|%s|%s|%s|" "$VALUE" "$MULTI" "$EMPTY" "$_UNDER"; pwd',
        env,
        cwd: '/usr',
      });
      expect(result.exitCode).toBe(0);
      expect(stdout).toBe(`${env.VALUE}|${env.MULTI}||${env._UNDER}|/usr\n`);
      const bad = await collect(session, { argv: ['true'], cwd: '/no/such/dir' });
      expect(bad.result.exitCode).not.toBe(0);
      expect(bad.stderr).toMatch(/can't cd|No such file/);
    });
  });

  it('refuses invalid environment variable names', async () => {
    await withSession(execNode(0), async (session) => {
      await expect(collect(session, { argv: ['true'], env: { 'A;B': 'x' } })).rejects.toThrow(
        /invalid environment variable name/,
      );
      await expect(collect(session, { argv: ['true'], env: { '1A': 'x' } })).rejects.toThrow(NodeError);
    });
  });

  it('keeps environment values off every command line on the node while the command runs', async () => {
    const secret = `s3cr3t-${randomBytes(8).toString('hex')}`;
    await withSession(execNode(0), async (session) => {
      const controller = new AbortController();
      const running = collect(session, {
        shell: 'echo "got $SECRET_TOKEN" >&2; exec sleep 654321',
        env: { SECRET_TOKEN: secret },
        signal: controller.signal,
        graceMs: 1000,
      });
      await waitFor(async () => (await pgrep('sleep 654321')).length > 0, 'the command to start');
      const { stdout: ps } = await exec('ps', ['-eww', '-o', 'args']);
      expect(ps).toContain('sleep 654321');
      expect(ps).not.toContain(secret);
      // It did arrive: the command's own environment has it.
      const [pid] = await pgrep('sleep 654321');
      const { stdout: environ } = await exec('cat', [`/proc/${pid}/environ`]);
      expect(environ.split('\0')).toContain(`SECRET_TOKEN=${secret}`);
      controller.abort();
      const done = await running;
      expect(done.stderr).toBe(`got ${secret}\n`);
      expect(done.result).toEqual({ exitCode: null, signal: 'SIGTERM', aborted: true });
    });
  });

  it('reuses one connection for concurrent runs, beyond the server channel limit', async () => {
    await withSession(execNode(1), async (session) => {
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          collect(session, { shell: `sleep 0.3; echo "$N \${SSH_CLIENT%% 22}"`, env: { N: String(i) } }),
        ),
      );
      const elapsed = Date.now() - started;
      const clients = new Set<string>();
      results.forEach(({ result, stdout }, i) => {
        expect(result.exitCode).toBe(0);
        const [n, client] = stdout.trim().split(' ', 2);
        expect(n).toBe(String(i));
        clients.add(client ?? '');
      });
      // One client address and port: a single connection carried all of them.
      expect(clients.size).toBe(1);
      // 24 runs of 0.3 s, at most 8 channels at once: about 3 rounds, far from 24 in a row.
      expect(elapsed).toBeLessThan(24 * 300);
    });
  });
  it('never starts a run aborted while it waits for a free channel', async () => {
    const narrow = createSshExecutor({ maxChannels: 2 });
    const session = await narrow.open(execNode(2));
    try {
      const blockers = [new AbortController(), new AbortController()];
      const blocking = blockers.map((c) => collect(session, { argv: ['sleep', '109876'], signal: c.signal }));
      await waitFor(async () => (await pgrep('sleep 109876')).length === 2, 'the blockers to start');
      const queued = new AbortController();
      const waiting = collect(session, { argv: ['sleep', '109877'], signal: queued.signal });
      await new Promise((resolve) => setTimeout(resolve, 200));
      queued.abort();
      expect((await waiting).result).toEqual({ exitCode: null, aborted: true });
      for (const c of blockers) c.abort();
      for (const done of await Promise.all(blocking)) expect(done.result.aborted).toBe(true);
      expect(await pgrep('sleep 10987')).toEqual([]);
    } finally {
      await session.close();
    }
  });
});

describe('ssh executor: kill', () => {
  it('ends the whole remote process group on abort', async () => {
    await withSession(execNode(0), async (session) => {
      const controller = new AbortController();
      const running = collect(session, {
        shell: 'sleep 543210 & sleep 543210; wait',
        signal: controller.signal,
      });
      await waitFor(async () => (await pgrep('sleep 543210')).length === 2, 'both sleeps to start');
      const started = Date.now();
      controller.abort();
      const { result } = await running;
      expect(result).toEqual({ exitCode: null, signal: 'SIGTERM', aborted: true });
      expect(Date.now() - started).toBeLessThan(4000);
      expect(await pgrep('sleep 543210')).toEqual([]);
    });
  });

  it('SIGKILLs the group after graceMs when it ignores SIGTERM', async () => {
    await withSession(execNode(1), async (session) => {
      const controller = new AbortController();
      const running = collect(session, {
        shell: "trap '' TERM; sleep 432109 & sleep 432109; wait",
        signal: controller.signal,
        graceMs: 500,
      });
      await waitFor(async () => (await pgrep('sleep 432109')).length === 2, 'both sleeps to start');
      controller.abort();
      const { result } = await running;
      expect(result).toEqual({ exitCode: null, signal: 'SIGKILL', aborted: true });
      expect(await pgrep('sleep 432109')).toEqual([]);
    });
  });

  it('kills background children left behind when the leader exits on SIGTERM', async () => {
    await withSession(execNode(2), async (session) => {
      const controller = new AbortController();
      // The child ignores TERM and closes the channel's pipes: only the final group KILL ends it.
      const running = collect(session, {
        shell: "(trap '' TERM; exec sleep 321098 >/dev/null 2>&1) & sleep 321098",
        signal: controller.signal,
        graceMs: 60_000,
      });
      await waitFor(async () => (await pgrep('sleep 321098')).length === 2, 'both sleeps to start');
      controller.abort();
      const { result } = await running;
      expect(result.aborted).toBe(true);
      expect(await pgrep('sleep 321098')).toEqual([]);
    });
  });

  it('does not start a command whose signal is already aborted', async () => {
    await withSession(execNode(0), async (session) => {
      const controller = new AbortController();
      controller.abort();
      const { result, stdout } = await collect(session, { argv: ['echo', 'ran'], signal: controller.signal });
      expect(result).toEqual({ exitCode: null, aborted: true });
      expect(stdout).toBe('');
    });
  });

  it('close() kills commands still running and refuses further use', async () => {
    const session = await executor.open(execNode(2));
    try {
      const running = collect(session, { shell: 'sleep 210987 & sleep 210987; wait' });
      await waitFor(async () => (await pgrep('sleep 210987')).length === 2, 'both sleeps to start');
      await session.close();
      expect((await running).result).toEqual({ exitCode: null, signal: 'SIGKILL', aborted: false });
      expect(await pgrep('sleep 210987')).toEqual([]);
      await expect(collect(session, { argv: ['true'] })).rejects.toThrow(/session is closed/);
    } finally {
      await session.close();
    }
  });
});
