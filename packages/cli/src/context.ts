import { createPontClient, type PontClient } from '@pont/sdk';
import { type CliConfig, readCliConfig } from './config-store.js';
import { UsageError } from './exit-codes.js';

/** What every command gets: where to print, how to reach the server, which project is current. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  isTTY: boolean;
  config(): CliConfig;
  client(): PontClient;
  /** -p flag, else PONT_PROJECT, else the project remembered by `pont project use`. */
  project(flag: string | undefined): string;
}

export function createContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  let cached: CliConfig | undefined;
  const config = () => {
    cached ??= readCliConfig(env);
    return cached;
  };
  return {
    env,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    stdin: process.stdin,
    isTTY: Boolean(process.stdout.isTTY),
    config,
    client() {
      const server = env.PONT_SERVER || config().server;
      if (!server) throw new UsageError('no server: run `pont login URL --username NAME` or set PONT_SERVER');
      const token = env.PONT_TOKEN || config().token;
      return createPontClient({ server, ...(token ? { token } : {}), userAgent: 'pont-cli/0.1.0' });
    },
    project(flag) {
      const project = flag || env.PONT_PROJECT || config().project;
      if (!project)
        throw new UsageError('no project: pass -p PROJECT, set PONT_PROJECT, or run `pont project use NAME`');
      return project;
    },
  };
}
