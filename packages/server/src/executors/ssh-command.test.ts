import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NodeError } from './executor.js';
import {
  commandLine,
  environmentScript,
  killGroupCommand,
  PgidMarkerFilter,
  parseSha256,
  stepCommand,
} from './ssh-command.js';
import { keyType } from './ssh-host-key.js';

const exec = promisify(execFile);
const MARKER = 'pont-pgid-0123456789abcdef:';

function feed(filter: PgidMarkerFilter, chunks: string[]): string {
  const out = chunks.map((chunk) => filter.push(Buffer.from(chunk)).toString());
  return out.join('') + filter.flush().toString();
}

describe('PgidMarkerFilter', () => {
  it('finds the marker split across chunks, byte by byte', () => {
    const filter = new PgidMarkerFilter(MARKER);
    const text = `${MARKER}4242\nerror: x\nmore`;
    expect(feed(filter, [...text])).toBe('error: x\nmore');
    expect(filter.pgid).toBe(4242);
  });

  it('passes through what comes before the marker, even on the same line', () => {
    const filter = new PgidMarkerFilter(MARKER);
    expect(feed(filter, ['motd line\npartial', `${MARKER}77\n`, 'after\n'])).toBe(
      'motd line\npartialafter\n',
    );
    expect(filter.pgid).toBe(77);
  });

  it('leaves look-alike markers with another nonce alone', () => {
    const filter = new PgidMarkerFilter(MARKER);
    expect(feed(filter, ['pont-pgid-ffffffffffffffff:1\n'])).toBe('pont-pgid-ffffffffffffffff:1\n');
    expect(filter.found).toBe(false);
  });

  it('does not hold back long output that has no newline', () => {
    const filter = new PgidMarkerFilter(MARKER);
    const first = filter.push(Buffer.alloc(10_000, 'x'));
    expect(first.length).toBeGreaterThan(9_000);
    expect(first.length + filter.flush().length).toBe(10_000);
  });
});

describe('remote command lines', () => {
  it('quotes environment values so sh reads them back literally', async () => {
    const env = { A: `'; rm -rf / #`, B: 'x\ny $(id) `id` "\\', C: '' };
    const script = `${environmentScript(env)}printf '%s|' "$A" "$B" "$C"`;
    const { stdout } = await exec('/bin/sh', ['-c', script]);
    expect(stdout).toBe(`${env.A}|${env.B}||`);
  });

  it('refuses names that are not shell identifiers and NUL bytes', () => {
    for (const name of ['A B', 'A;B', '1A', '', 'A=B', '__pont_env']) {
      expect(() => environmentScript({ [name]: 'x' })).toThrow(NodeError);
    }
    expect(() => environmentScript({ A: 'a\0b' })).toThrow(/NUL/);
  });

  it('runs a step line through bash and dash login shells alike', async () => {
    for (const shell of ['/bin/bash', '/bin/sh']) {
      const line = stepCommand(MARKER, commandLine({ argv: ['printf', '%s', `'; rm -rf / #`] }), '/tmp');
      const child = execFile('setsid', ['-w', shell, '-c', line]);
      child.stdin?.end(environmentScript({}));
      const out = { stdout: '', stderr: '' };
      child.stdout?.on('data', (c) => (out.stdout += c));
      child.stderr?.on('data', (c) => (out.stderr += c));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(out.stdout).toBe(`'; rm -rf / #`);
      expect(out.stderr).toMatch(new RegExp(`^${MARKER}\\d+\\n$`));
    }
  });

  it('refuses to start without the whole environment', async () => {
    const line = stepCommand(MARKER, commandLine({ shell: 'echo ran' }));
    const child = execFile('/bin/sh', ['-c', line]);
    child.stdin?.end(environmentScript({ A: 'value' }).slice(0, 12));
    let stdout = '';
    child.stdout?.on('data', (c) => (stdout += c));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(125);
    expect(stdout).toBe('');
  });

  it('builds the other helpers', () => {
    expect(() => commandLine({ argv: [] })).toThrow(/nothing to run/);
    expect(commandLine({ shell: 'a; b' })).toBe(`/bin/sh -c 'a; b'`);
    expect(() => killGroupCommand(1, 'TERM')).toThrow();
    expect(killGroupCommand(123, 'KILL')).toContain('kill -KILL -123');
    expect(parseSha256(`${'A'.repeat(64)}  -\n`)).toBe('a'.repeat(64));
    expect(parseSha256(`SHA2-256(stdin)= ${'b'.repeat(64)}\n`)).toBe('b'.repeat(64));
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.alloc(36)]);
    expect(keyType(blob)).toBe('ssh-ed25519');
  });
});
