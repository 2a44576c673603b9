import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandRequest, type CommandResult, type Executor, NodeError, type NodeSession } from './executor.js';
import { sha256File } from './file-hash.js';

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

/** Runs commands as child processes of the server, each in its own process group. */
export function createLocalExecutor(): Executor {
  return {
    async open() {
      const temps: string[] = [];
      const session: NodeSession = {
        run: (request) => runLocal(request),
        async copy(localPath, remotePath, options) {
          await copyFile(localPath, remotePath);
          if (options.mode !== undefined) await chmod(remotePath, options.mode);
          const actual = await sha256File(remotePath);
          if (actual !== options.sha256) {
            throw new NodeError(`checksum mismatch after copying to ${remotePath}: expected ${options.sha256}, got ${actual}`);
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

function runLocal(request: CommandRequest): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const [file, args] = request.shell !== undefined ? ['/bin/sh', ['-c', request.shell]] : [request.argv?.[0] ?? '', request.argv?.slice(1) ?? []];
    // detached: the command leads its own process group, so a kill reaches its children too.
    const child = spawn(file, args, {
      env: { ...baseEnvironment(), ...request.env },
      cwd: request.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const onAbort = () => {
      aborted = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), request.graceMs ?? 5000);
    };
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => request.onOutput('stdout', chunk));
    child.stderr.on('data', (chunk: Buffer) => request.onOutput('stderr', chunk));
    child.on('error', (error) => {
      request.signal.removeEventListener('abort', onAbort);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        request.onOutput('stderr', Buffer.from(`pont: command not found: ${file}\n`));
        resolve({ exitCode: 127, aborted });
      } else reject(new NodeError(`cannot start ${file}: ${error.message}`));
    });
    child.on('close', (exitCode, signal) => {
      request.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Whatever the leader did, nothing it started may outlive an aborted step.
      if (aborted) signalGroup('SIGKILL');
      resolve({ exitCode, ...(signal ? { signal } : {}), aborted });
    });
  });
}
