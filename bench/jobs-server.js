// Starts `pont server` for the jobs benchmark like lib.js's startPont, with two differences:
// Node flags can be given (`--cpu-prof` is refused in NODE_OPTIONS, so profiling needs argv), and
// a server that never gets ready is stopped by its PID instead of being left behind.
import { spawn } from 'node:child_process';
import { PONT_BIN, tempDir, waitReady } from './lib.js';

export async function startServer(env = {}, nodeArgs = []) {
  const dataDir = env.PONT_DATA_DIR ?? tempDir();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, PONT_BIN, 'server'], {
    env: {
      ...process.env,
      PONT_DATA_DIR: dataDir,
      PONT_PORT: String(port),
      PONT_LOG_LEVEL: 'warn',
      PONT_ADMIN_PASSWORD: 'bench-password-1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stopping;
  const stop = () => {
    if (!stopping) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // The server drains for up to ~10 s (running executions); past 30 s it is stuck: SIGKILL.
        const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
        exited.then(() => clearTimeout(force));
      }
      stopping = exited;
    }
    return stopping;
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    const readyMs = await Promise.race([
      waitReady(`${url}/readyz`, started, 60_000),
      exited.then((code) => {
        throw new Error(`pont server exited with ${code} before it was ready`);
      }),
    ]);
    return { child, url, dataDir, readyMs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
