import { type ChildProcess, spawn } from 'node:child_process';

/** A started command, seen the same way whichever process actually started it. */
export interface LaunchedProcess {
  /** Sends a signal to the command's whole process group. */
  signalGroup(signal: NodeJS.Signals): void;
}

export interface LaunchHandlers {
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** The command could not start (ENOENT, EACCES…). */
  onError(error: NodeJS.ErrnoException): void;
  onClose(exitCode: number | null, signal: NodeJS.Signals | null): void;
}

export interface ProcessLauncher {
  launch(
    file: string,
    args: string[],
    options: { env: Record<string, string>; cwd?: string },
    handlers: LaunchHandlers,
  ): LaunchedProcess;
  close(): void;
}

function signalGroupOf(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Starts commands from this process. Simple, but the fork copies the whole server each time. */
export function createDirectLauncher(): ProcessLauncher {
  return {
    launch(file, args, options, handlers) {
      // detached: the command leads its own process group, so a kill reaches its children too.
      const child = spawn(file, args, {
        env: options.env,
        cwd: options.cwd,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => handlers.onOutput('stdout', chunk));
      child.stderr.on('data', (chunk: Buffer) => handlers.onOutput('stderr', chunk));
      child.on('error', (error) => handlers.onError(error as NodeJS.ErrnoException));
      child.on('close', (code, signal) => handlers.onClose(code, signal));
      return { signalGroup: (signal) => signalGroupOf(child.pid, signal) };
    },
    close() {},
  };
}

/**
 * The spawner: a small Node process that starts commands for the server. Starting a process
 * forks the caller, and forking a server of a few hundred megabytes blocks its event loop for
 * milliseconds each time; a 40 MB helper forks in a fraction of that, off the server's thread.
 * When the server dies the helper's IPC channel closes and it kills what it started.
 */
const SPAWNER_SOURCE = `
const { spawn } = require('node:child_process');
const kids = new Map();
const kill = (pid, signal) => { try { process.kill(-pid, signal); } catch {} };
process.on('message', (m) => {
  let child;
  try {
    child = spawn(m.file, m.args, { env: m.env, cwd: m.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) { process.send({ id: m.id, op: 'error', code: e.code, message: e.message }); return; }
  kids.set(m.id, child);
  process.send({ id: m.id, op: 'started', pid: child.pid });
  child.stdout.on('data', (d) => process.send({ id: m.id, op: 'out', stream: 'stdout', data: d }));
  child.stderr.on('data', (d) => process.send({ id: m.id, op: 'out', stream: 'stderr', data: d }));
  child.on('error', (e) => { kids.delete(m.id); process.send({ id: m.id, op: 'error', code: e.code, message: e.message }); });
  child.on('close', (code, signal) => { kids.delete(m.id); process.send({ id: m.id, op: 'close', code, signal }); });
});
process.on('disconnect', () => { for (const kid of kids.values()) kill(kid.pid, 'SIGKILL'); process.exit(0); });
`;

type SpawnerMessage =
  | { id: number; op: 'started'; pid: number | undefined }
  | { id: number; op: 'out'; stream: 'stdout' | 'stderr'; data: Uint8Array }
  | { id: number; op: 'error'; code?: string; message: string }
  | { id: number; op: 'close'; code: number | null; signal: NodeJS.Signals | null };

export function createSpawnerLauncher(): ProcessLauncher {
  let helper: ChildProcess | undefined;
  let nextId = 1;
  const handlers = new Map<number, LaunchHandlers & { started(pid: number | undefined): void }>();

  function ensure(): ChildProcess {
    if (helper?.connected) return helper;
    const child = spawn(process.execPath, ['--max-old-space-size=64', '-e', SPAWNER_SOURCE], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    child.on('message', (message: SpawnerMessage) => {
      const h = handlers.get(message.id);
      if (!h) return;
      if (message.op === 'started') h.started(message.pid);
      else if (message.op === 'out') h.onOutput(message.stream, Buffer.from(message.data));
      else if (message.op === 'error') {
        handlers.delete(message.id);
        h.onError(Object.assign(new Error(message.message), { code: message.code }) as NodeJS.ErrnoException);
      } else {
        handlers.delete(message.id);
        h.onClose(message.code, message.signal);
      }
    });
    child.on('exit', () => {
      if (helper === child) helper = undefined;
      // Commands it was watching were killed with it: report them as ended by a signal.
      for (const [id, h] of handlers) {
        handlers.delete(id);
        h.onClose(null, 'SIGKILL');
      }
    });
    // The helper must not keep a finished server (or a test run) alive.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    helper = child;
    return child;
  }

  return {
    launch(file, args, options, h) {
      const id = nextId++;
      // The server signals the group itself once it knows the pid; a signal sent earlier waits.
      let pid: number | undefined;
      let pending: NodeJS.Signals | undefined;
      handlers.set(id, {
        ...h,
        started(started) {
          pid = started;
          if (pending) signalGroupOf(pid, pending);
        },
      });
      ensure().send({ op: 'spawn', id, file, args, env: options.env, cwd: options.cwd });
      return {
        signalGroup: (signal) => {
          if (pid === undefined) pending = signal;
          else signalGroupOf(pid, signal);
        },
      };
    },
    close() {
      helper?.disconnect();
      helper = undefined;
    },
  };
}
