import { Readable } from 'node:stream';
import { type CliContext, createContext } from './context.js';
import { main } from './main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, a given stdin, and its own config home. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const base = createContext(env);
  const input = Readable.from([stdin]) as unknown as CliContext['stdin'];
  const ctx: CliContext = {
    ...base,
    out: (text) => {
      stdout += text.endsWith('\n') ? text : `${text}\n`;
    },
    err: (text) => {
      stderr += text.endsWith('\n') ? text : `${text}\n`;
    },
    stdin: input,
    isTTY: false,
  };
  const code = await main(['node', 'pont', ...args], ctx);
  return { code, stdout, stderr };
}
