import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CommandRequest,
  type CommandResult,
  type Executor,
  NodeError,
  type NodeSession,
} from './executor.js';
import { sha256File } from './file-hash.js';
import { createDirectLauncher, createSpawnerLauncher, type ProcessLauncher } from './process-launcher.js';

/**
 * What a local command inherits from the server's environment: enough to find programs and
 * speak the locale. Never the rest: PONT_SECRET_KEY or PONT_DATABASE_URL must not reach jobs.
 */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL'];

export function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  return env;
}

/**
 * Runs commands as child processes of the server host, each in its own process group. They are
 * started by the spawner helper process unless `launcher` says otherwise (PONT_LOCAL_SPAWNER=0
 * starts them from the server itself).
 */
export function createLocalExecutor(options: { launcher?: ProcessLauncher } = {}): Executor {
  const launcher =
    options.launcher ??
    (process.env.PONT_LOCAL_SPAWNER === '0' ? createDirectLauncher() : createSpawnerLauncher());
  return {
    close: () => launcher.close(),
    async open() {
      const temps: string[] = [];
      const session: NodeSession = {
        run: (request) => runLocal(launcher, request),
        async copy(localPath, remotePath, options) {
          await copyFile(localPath, remotePath);
          if (options.mode !== undefined) await chmod(remotePath, options.mode);
          const actual = await sha256File(remotePath);
          if (actual !== options.sha256) {
            throw new NodeError(
              `checksum mismatch after copying to ${remotePath}: expected ${options.sha256}, got ${actual}`,
            );
          }
        },
        async writeTemp(content) {
          const dir = await mkdtemp(join(tmpdir(), 'pont-step-'));
          temps.push(dir);
          const file = join(dir, 'script');
          await writeFile(file, content, { mode: 0o700 });
          return file;
        },
        async close() {
          await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
        },
      };
      return session;
    },
  };
}

function runLocal(launcher: ProcessLauncher, request: CommandRequest): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const [file, args] =
      request.shell !== undefined
        ? ['/bin/sh', ['-c', request.shell]]
        : [request.argv?.[0] ?? '', request.argv?.slice(1) ?? []];
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      aborted = true;
      child.signalGroup('SIGTERM');
      killTimer = setTimeout(() => child.signalGroup('SIGKILL'), request.graceMs ?? 5000);
    };
    const child = launcher.launch(
      file,
      args,
      { env: { ...baseEnvironment(), ...request.env }, ...(request.cwd ? { cwd: request.cwd } : {}) },
      {
        onOutput: (stream, chunk) => request.onOutput(stream, chunk),
        onError(error) {
          request.signal.removeEventListener('abort', onAbort);
          if (error.code === 'ENOENT') {
            request.onOutput('stderr', Buffer.from(`pont: command not found: ${file}\n`));
            resolve({ exitCode: 127, aborted });
          } else reject(new NodeError(`cannot start ${file}: ${error.message}`));
        },
        onClose(exitCode, signal) {
          request.signal.removeEventListener('abort', onAbort);
          if (killTimer) clearTimeout(killTimer);
          // Whatever the leader did, nothing it started may outlive an aborted step.
          if (aborted) child.signalGroup('SIGKILL');
          resolve({ exitCode, ...(signal ? { signal } : {}), aborted });
        },
      },
    );
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener('abort', onAbort, { once: true });
  });
}
