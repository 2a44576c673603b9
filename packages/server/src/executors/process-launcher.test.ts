import { execSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createDirectLauncher, createSpawnerLauncher, type ProcessLauncher } from './process-launcher.js';

function run(
  launcher: ProcessLauncher,
  file: string,
  args: string[],
  onStart?: (p: { signalGroup(s: NodeJS.Signals): void }) => void,
) {
  return new Promise<{ out: string; code: number | null; signal: string | null; error?: string }>(
    (resolve) => {
      let out = '';
      const child = launcher.launch(
        file,
        args,
        { env: { PATH: '/usr/bin:/bin', GREETING: 'hi' } },
        {
          onOutput: (_stream, chunk) => (out += chunk.toString()),
          onError: (error) => resolve({ out, code: null, signal: null, error: error.code ?? error.message }),
          onClose: (code, signal) => resolve({ out, code, signal }),
        },
      );
      onStart?.(child);
    },
  );
}

describe.each([
  ['direct', createDirectLauncher],
  ['spawner', createSpawnerLauncher],
] as const)('process launcher: %s', (_name, make) => {
  it('runs a command with its environment and reports the exit code', async () => {
    const launcher = make();
    expect(await run(launcher, '/bin/sh', ['-c', 'echo $GREETING; exit 3'])).toEqual({
      out: 'hi\n',
      code: 3,
      signal: null,
    });
    launcher.close();
  });

  it('reports a missing program', async () => {
    const launcher = make();
    expect((await run(launcher, '/no/such/program', [])).error).toBe('ENOENT');
    launcher.close();
  });

  it('signals the whole process group', async () => {
    const launcher = make();
    const result = await run(launcher, '/bin/sh', ['-c', 'sleep 41.317 & sleep 42.317; wait'], (child) => {
      setTimeout(() => child.signalGroup('SIGTERM'), 300);
    });
    expect(result.signal).toBe('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    expect(
      execSync('ps -eo stat,args')
        .toString()
        .split('\n')
        .filter((l) => /sleep 4[12]\.317/.test(l) && !l.startsWith('Z')),
    ).toEqual([]);
    launcher.close();
  });
});

describe('spawner', () => {
  it('kills what it started when the server lets go of it', async () => {
    const launcher = createSpawnerLauncher();
    const done = run(launcher, '/bin/sh', ['-c', 'sleep 43.317']);
    await new Promise((r) => setTimeout(r, 300));
    launcher.close();
    const result = await done;
    expect(result.code).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(
      execSync('ps -eo stat,args')
        .toString()
        .split('\n')
        .filter((l) => l.includes('sleep 43.317') && !l.startsWith('Z')),
    ).toEqual([]);
  });
});
