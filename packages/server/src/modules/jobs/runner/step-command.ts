import type { CommandRequest, NodeSession } from '../../../executors/index.js';
import { shellQuote, splitWords } from '../../../executors/index.js';
import type { StepAction } from '../job.js';
import { expand, type ReferenceScope } from '../references.js';

export type CommandShape = Pick<CommandRequest, 'argv' | 'shell'>;

/**
 * Turns a step into the command to run. References expand *after* the command is split into
 * words, so a value stays one literal word (`'; rm -rf / #` included); in shell mode each value
 * is quoted for sh. Scripts get no expansion at all: they read PONT_OPTION_* variables.
 */
export async function commandFor(
  action: StepAction,
  scope: ReferenceScope,
  session: NodeSession,
): Promise<CommandShape> {
  if (action.exec !== undefined) {
    if (action.shell) {
      const text = Array.isArray(action.exec) ? action.exec.join(' ') : action.exec;
      return { shell: expand(text, scope, shellQuote) };
    }
    const words = Array.isArray(action.exec) ? action.exec : splitWords(action.exec);
    return { argv: words.map((w) => expand(w, scope)) };
  }
  if (action.script) {
    const path = await session.writeTemp(action.script.body);
    const interpreter = splitWords(action.script.interpreter ?? 'sh');
    return { argv: [...interpreter, path, ...(action.script.args ?? []).map((a) => expand(a, scope))] };
  }
  throw new Error('not a command step');
}

/** Whether a step may write outputs to the file named by PONT_OUTPUT (so it is created only then). */
export function usesOutputFile(action: StepAction): boolean {
  const text = JSON.stringify([action.exec, action.script?.body, action.script?.args]);
  return text.includes('PONT_OUTPUT');
}

const OUTPUT_LINE = /^::output ([A-Za-z_][\w.-]*)=(.*)$/;

/** `::output name=value` printed by a step publishes an output. */
export function parseOutputLine(line: string): [string, string] | undefined {
  const match = OUTPUT_LINE.exec(line);
  return match ? [match[1] ?? '', match[2] ?? ''] : undefined;
}

/** The PONT_OUTPUT file holds `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

/** PONT_OUTPUT_<STEP>_<NAME>: how later steps read an output from the environment. */
export function outputEnvName(step: string, name: string): string {
  return `PONT_OUTPUT_${step}_${name}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}
