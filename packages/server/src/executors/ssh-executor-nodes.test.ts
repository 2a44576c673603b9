import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshTestNodes, startSshNodes } from '../testing/sshd.js';
import { type ExecNode, NodeError, type NodeSession } from './executor.js';
import { createSshExecutor } from './ssh-executor.js';
import { fingerprintMatches, sshFingerprint } from './ssh-host-key.js';

// Connection, host keys, authentication and files, against real OpenSSH servers on loopback
// (testing/sshd.ts). The nodes share this machine's filesystem, so results are also checked
// directly on disk.
const executor = createSshExecutor({ connectTimeoutMs: 10_000 });
let ssh: SshTestNodes;
let local: string;

beforeAll(async () => {
  ssh = await startSshNodes(3);
  local = await mkdtemp(join(tmpdir(), 'pont-ssh-test-'));
});
afterAll(async () => {
  await ssh?.stop();
  if (local) await rm(local, { recursive: true, force: true });
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

async function output(session: NodeSession, shell: string): Promise<string> {
  const chunks: Buffer[] = [];
  const result = await session.run({
    shell,
    env: {},
    signal: new AbortController().signal,
    onOutput: (_s, c) => chunks.push(c),
  });
  expect(result.exitCode).toBe(0);
  return Buffer.concat(chunks).toString();
}

describe('ssh executor: host keys', () => {
  it('computes fingerprints exactly like ssh-keygen -l -E sha256', async () => {
    const blob = (line: string) => Buffer.from(line.split(' ')[1] ?? '', 'base64');
    for (const node of ssh.nodes) expect(node.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const pub = blob(ssh.publicKey);
    const fp = sshFingerprint(pub);
    expect(fingerprintMatches(fp, pub)).toBe(true);
    expect(fingerprintMatches(`${fp}=`, pub)).toBe(true);
    expect(fingerprintMatches(fp.slice('SHA256:'.length), pub)).toBe(true);
    const md5 = createHash('md5').update(pub).digest('hex').match(/../g)!.join(':');
    expect(fingerprintMatches(`MD5:${md5}`, pub)).toBe(true);
    expect(fingerprintMatches(ssh.nodes[0]!.hostKeyFingerprint, pub)).toBe(false);
  });

  it('connects when the recorded fingerprint matches', async () => {
    const session = await executor.open(execNode(0));
    expect(await output(session, 'echo ok')).toBe('ok\n');
    await session.close();
  });

  it('refuses a node whose host key does not match, naming both fingerprints', async () => {
    const wrong = ssh.nodes[1]!.hostKeyFingerprint;
    const error = await executor
      .open(execNode(0, { hostKey: { fingerprint: wrong, trustOnFirstUse: true } }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect(error.message).toContain('does not match');
    expect(error.message).toContain(wrong);
    expect(error.message).toContain(ssh.nodes[0]!.hostKeyFingerprint);
    expect(error.message).toContain('spec.hostKey.fingerprint');
  });

  it('trusts on first use and records the fingerprint through the hook', async () => {
    const seen: string[] = [];
    const session = await executor.open(execNode(1, { hostKey: { trustOnFirstUse: true } }), {
      onHostKeyTrusted: async (fingerprint) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        seen.push(fingerprint);
      },
    });
    expect(seen).toEqual([ssh.nodes[1]!.hostKeyFingerprint]);
    expect(await output(session, 'echo tofu')).toBe('tofu\n');
    await session.close();
  });

  it('refuses the connection when the fingerprint cannot be recorded', async () => {
    const error = await executor
      .open(execNode(1, { hostKey: { trustOnFirstUse: true } }), {
        onHostKeyTrusted: () => {
          throw new Error('database is read-only');
        },
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect(error.message).toMatch(/could not record its host key .*database is read-only/);
  });

  it('refuses a node with no recorded fingerprint unless trust on first use is allowed', async () => {
    for (const hostKey of [undefined, {}, { trustOnFirstUse: false }]) {
      const error = await executor.open(execNode(2, { hostKey })).catch((e) => e);
      expect(error).toBeInstanceOf(NodeError);
      expect(error.message).toContain(ssh.nodes[2]!.hostKeyFingerprint);
      expect(error.message).toContain('spec.hostKey.fingerprint');
      expect(error.message).toContain('trustOnFirstUse: true');
    }
  });
});

describe('ssh executor: connecting', () => {
  it('reports an authentication failure with the user and the address', async () => {
    const other = utils.generateKeyPairSync('ed25519');
    const error = await executor
      .open(execNode(0, { credentials: { type: 'key', value: other.private } }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect(error.message).toContain(`127.0.0.1:${ssh.nodes[0]!.port}`);
    expect(error.message).toMatch(new RegExp(`authentication as ${ssh.user} with its private key failed`));
  });

  it('reports connection refused, unusable keys and missing settings', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const p = (server.address() as { port: number }).port;
        server.close(() => resolve(p));
      });
    });
    await expect(executor.open(execNode(0, { port }))).rejects.toThrow(
      new RegExp(`127\\.0\\.0\\.1:${port}\\): connection refused`),
    );
    await expect(
      executor.open(execNode(0, { credentials: { type: 'key', value: 'not a key' } })),
    ).rejects.toThrow(/unusable private key/);
    await expect(executor.open(execNode(0, { username: undefined }))).rejects.toThrow(
      /node node-1 has no username/,
    );
    await expect(executor.open(execNode(0, { credentials: undefined }))).rejects.toThrow(
      /has no credentials/,
    );
  });

  it('times out on a node that never answers', async () => {
    const server = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const quick = createSshExecutor({ connectTimeoutMs: 300 });
      await expect(quick.open(execNode(0, { port }))).rejects.toThrow(/timed out after 300 ms/);
    } finally {
      server.close();
    }
  });

  it('authenticates with an encrypted key and its passphrase', async () => {
    const key = utils.generateKeyPairSync('ed25519', {
      passphrase: 'open sesame',
      cipher: 'aes256-ctr',
      rounds: 4,
    });
    const nodes = await startSshNodes(1, { namePrefix: 'enc', authorizedKeys: [key.public] });
    try {
      const node = nodes.nodes[0]!;
      const base: ExecNode = {
        name: node.name,
        hostname: node.hostname,
        port: node.port,
        username: nodes.user,
        executor: 'ssh',
        tags: [],
        attributes: {},
        hostKey: { fingerprint: node.hostKeyFingerprint },
      };
      const session = await executor.open({
        ...base,
        credentials: { type: 'key', value: key.private, passphrase: 'open sesame' },
      });
      expect(await output(session, 'echo secret-key')).toBe('secret-key\n');
      await session.close();
      await expect(
        executor.open({ ...base, credentials: { type: 'key', value: key.private } }),
      ).rejects.toThrow(/unusable private key/);
      await expect(
        executor.open({ ...base, credentials: { type: 'key', value: key.private, passphrase: 'wrong' } }),
      ).rejects.toThrow(/unusable private key/);
    } finally {
      await nodes.stop();
    }
  });

  it('authenticates with a password', async () => {
    const nodes = await startSshNodes(1, { password: true, namePrefix: 'pw' });
    try {
      const node = nodes.nodes[0]!;
      const base: ExecNode = {
        name: node.name,
        hostname: node.hostname,
        port: node.port,
        username: nodes.user,
        executor: 'ssh',
        tags: [],
        attributes: {},
        hostKey: { fingerprint: node.hostKeyFingerprint },
      };
      const session = await executor.open({
        ...base,
        credentials: { type: 'password', value: nodes.password! },
      });
      expect(await output(session, 'echo by-password')).toBe('by-password\n');
      await session.close();
      await expect(
        executor.open({ ...base, credentials: { type: 'password', value: 'wrong' } }),
      ).rejects.toThrow(/authentication as .* with its password failed/);
    } finally {
      await nodes.stop();
    }
  });

  it('starts many nodes in parallel and reaches them all at once', async () => {
    const started = Date.now();
    const many = await startSshNodes(20, { namePrefix: 'many' });
    const startMs = Date.now() - started;
    try {
      expect(new Set(many.nodes.map((n) => n.port)).size).toBe(20);
      expect(many.nodes.map((n) => n.name)).toEqual(Array.from({ length: 20 }, (_, i) => `many-${i + 1}`));
      const answers = await Promise.all(
        many.nodes.map(async (node) => {
          const session = await executor.open({
            name: node.name,
            hostname: node.hostname,
            port: node.port,
            username: many.user,
            executor: 'ssh',
            tags: [],
            attributes: {},
            credentials: { type: 'key', value: many.privateKey },
            hostKey: { fingerprint: node.hostKeyFingerprint },
          });
          try {
            return await output(session, 'echo up');
          } finally {
            await session.close();
          }
        }),
      );
      expect(answers).toEqual(Array(20).fill('up\n'));
      expect(startMs).toBeLessThan(10_000);
    } finally {
      await many.stop();
    }
    for (const node of many.nodes) expect(() => process.kill(node.pid, 0)).toThrow();
  });
});

describe('ssh executor: files', () => {
  it('copies over SFTP with the mode, verifies the checksum, and replaces existing files', async () => {
    const session = await executor.open(execNode(0));
    try {
      const source = join(local, 'artifact.war');
      const content = randomBytes(3 * 1024 * 1024 + 17);
      await writeFile(source, content);
      const sha256 = createHash('sha256').update(content).digest('hex');
      const targetDir = await mkdtemp(join(local, 'target-'));
      const target = join(targetDir, 'app.war');
      await writeFile(target, 'old version');
      await session.copy(source, target, { mode: 0o640, sha256 });
      expect((await readFile(target)).equals(content)).toBe(true);
      expect(statSync(target).mode & 0o7777).toBe(0o640);
      expect(await output(session, `stat -c %a ${target}`)).toBe('640\n');
      // No temporary file left beside it.
      expect(await readdir(targetDir)).toEqual(['app.war']);
      // Without a mode, the source's mode.
      const script = join(local, 'run.sh');
      await writeFile(script, '#!/bin/sh\necho hi\n', { mode: 0o755 });
      const scriptSha = createHash('sha256').update('#!/bin/sh\necho hi\n').digest('hex');
      await session.copy(script, join(targetDir, 'run.sh'), { sha256: scriptSha });
      expect(statSync(join(targetDir, 'run.sh')).mode & 0o777).toBe(0o755);
    } finally {
      await session.close();
    }
  });

  it('refuses to send a local file whose checksum is not the expected one', async () => {
    const session = await executor.open(execNode(1));
    try {
      const source = join(local, 'tampered.bin');
      await writeFile(source, 'tampered');
      const target = join(local, 'never-written.bin');
      const error = await session.copy(source, target, { sha256: 'a'.repeat(64) }).catch((e) => e);
      expect(error).toBeInstanceOf(NodeError);
      expect(error.message).toMatch(/has sha256 [0-9a-f]{64}, expected a{64}; nothing was copied/);
      expect(existsSync(target)).toBe(false);
      const missingDir = session.copy(source, join(local, 'no-such-dir', 'x'), {
        sha256: createHash('sha256').update('tampered').digest('hex'),
      });
      await expect(missingDir).rejects.toThrow(NodeError);
    } finally {
      await session.close();
    }
  });

  it('writes private temporary files that close() removes', async () => {
    const session = await executor.open(execNode(2));
    const script = await session.writeTemp('#!/bin/sh\necho "from temp $1"\n');
    const second = await session.writeTemp('secret content');
    const dir = join(script, '..');
    expect(join(second, '..')).toBe(dir);
    expect(statSync(script).mode & 0o777).toBe(0o700);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(await readFile(second, 'utf8')).toBe('secret content');
    expect(await output(session, `${script} arg`)).toBe('from temp arg\n');
    await session.close();
    expect(existsSync(dir)).toBe(false);
  });
});
