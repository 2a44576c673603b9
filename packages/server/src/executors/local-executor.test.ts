import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CommandRequest,
  type CommandResult,
  type ExecNode,
  NodeError,
  type NodeSession,
} from './executor.js';
import { createLocalExecutor } from './local-executor.js';

const exec = promisify(execFile);
const node: ExecNode = { name: 'local', hostname: 'localhost', executor: 'local', tags: [], attributes: {} };
let session: NodeSession;
let dir: string;

beforeAll(async () => {
  session = await createLocalExecutor().open(node);
  dir = await mkdtemp(join(tmpdir(), 'pont-local-test-'));
});
afterAll(async () => {
  await session?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function collect(
  request: (Pick<CommandRequest, 'argv'> | Pick<CommandRequest, 'shell'>) & Partial<CommandRequest>,
): Promise<{ result: CommandResult; stdout: string; stderr: string }> {
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

/** PIDs of the processes whose command line starts with `prefix` (not the shells around them). */
async function pgrep(prefix: string): Promise<number[]> {
  const { stdout } = await exec('pgrep', ['-f', `^${prefix}`]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean).map(Number);
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const INJECTION = `'; rm -rf / #`;

describe('local executor: commands', () => {
  it('runs argv and shell commands with exit codes, stdout and stderr apart', async () => {
    expect((await collect({ argv: ['sh', '-c', 'exit 3'] })).result).toEqual({ exitCode: 3, aborted: false });
    expect(await collect({ shell: 'echo out; echo err >&2; exit 7' })).toEqual({
      result: { exitCode: 7, aborted: false },
      stdout: 'out\n',
      stderr: 'err\n',
    });
    const missing = await collect({ argv: ['no-such-program-pont'] });
    expect(missing.result.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/command not found: no-such-program-pont/);
  });

  it('passes argv words literally without a shell', async () => {
    const words = [INJECTION, 'a b', '$HOME', '`id`', '', 'x\ny', '*'];
    const { result, stdout } = await collect({ argv: ['printf', '[%s]', ...words] });
    expect(result.exitCode).toBe(0);
    expect(stdout).toBe(words.map((w) => `[${w}]`).join(''));
  });

  it('delivers env values literally and runs in cwd', async () => {
    const { stdout } = await collect({
      shell: 'printf "%s|" "$VALUE"; pwd',
      env: { VALUE: INJECTION },
      cwd: dir,
    });
    expect(stdout).toBe(`${INJECTION}|${dir}\n`);
  });

  it("does not pass the server's own environment to commands", async () => {
    const saved = { key: process.env.PONT_SECRET_KEY, url: process.env.PONT_DATABASE_URL };
    process.env.PONT_SECRET_KEY = 'server-secret-key-value';
    process.env.PONT_DATABASE_URL = 'postgres://user:pw@db/pont';
    try {
      const { stdout } = await collect({ argv: ['env'], env: { STEP_OPTION: 'x' } });
      expect(stdout).not.toContain('server-secret-key-value');
      expect(stdout).not.toContain('PONT_SECRET_KEY');
      expect(stdout).not.toContain('PONT_DATABASE_URL');
      expect(stdout).toContain('STEP_OPTION=x\n');
      expect(stdout).toMatch(/^PATH=/m);
    } finally {
      if (saved.key === undefined) delete process.env.PONT_SECRET_KEY;
      else process.env.PONT_SECRET_KEY = saved.key;
      if (saved.url === undefined) delete process.env.PONT_DATABASE_URL;
      else process.env.PONT_DATABASE_URL = saved.url;
    }
  });
});

describe('local executor: kill', () => {
  it('ends the whole process group on abort', async () => {
    const controller = new AbortController();
    const running = collect({ shell: 'sleep 198765 & sleep 198765; wait', signal: controller.signal });
    await waitFor(async () => (await pgrep('sleep 198765')).length === 2, 'both sleeps to start');
    controller.abort();
    expect((await running).result).toEqual({ exitCode: null, signal: 'SIGTERM', aborted: true });
    expect(await pgrep('sleep 198765')).toEqual([]);
  });

  it('SIGKILLs a group that ignores SIGTERM after graceMs', async () => {
    const controller = new AbortController();
    const running = collect({
      shell: "trap '' TERM; sleep 187654 & sleep 187654; wait",
      signal: controller.signal,
      graceMs: 300,
    });
    await waitFor(async () => (await pgrep('sleep 187654')).length === 2, 'both sleeps to start');
    controller.abort();
    expect((await running).result).toEqual({ exitCode: null, signal: 'SIGKILL', aborted: true });
    expect(await pgrep('sleep 187654')).toEqual([]);
  });
});

describe('local executor: files', () => {
  it('copies with mode and checksum, and refuses a mismatch', async () => {
    const source = join(dir, 'source.bin');
    await writeFile(source, 'payload');
    const sha256 = createHash('sha256').update('payload').digest('hex');
    const target = join(dir, 'target.bin');
    await session.copy(source, target, { mode: 0o640, sha256 });
    expect(await readFile(target, 'utf8')).toBe('payload');
    expect(statSync(target).mode & 0o777).toBe(0o640);
    const error = await session
      .copy(source, join(dir, 'other.bin'), { sha256: 'b'.repeat(64) })
      .catch((e) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect(error.message).toMatch(/checksum mismatch/);
  });

  it('writes private temporary files that close() removes', async () => {
    const own = await createLocalExecutor().open(node);
    const path = await own.writeTemp('#!/bin/sh\necho temp\n');
    expect(statSync(path).mode & 0o777).toBe(0o700);
    expect(await readFile(path, 'utf8')).toBe('#!/bin/sh\necho temp\n');
    await own.close();
    expect(existsSync(path)).toBe(false);
  });
});
