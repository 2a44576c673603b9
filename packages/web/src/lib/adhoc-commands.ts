import type { Execution } from '../api/types';

const KEY = 'pont.commands';
const KEEP = 200;

/**
 * The command of an ad-hoc execution. The server keeps it in `message` until the run ends with
 * an outcome message (failed, killed…), which replaces it; the commands this browser started are
 * remembered here so their page still shows what ran. (Server change asked for: a `command` field.)
 */
export function rememberCommand(id: string, command: string): void {
  try {
    const all = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, string>;
    all[id] = command;
    const ids = Object.keys(all).sort();
    for (const old of ids.slice(0, Math.max(0, ids.length - KEEP))) delete all[old];
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // No storage: the page falls back to what the server still knows.
  }
}

const OUTCOME_STATES = new Set(['failed', 'aborted', 'timed-out', 'incomplete']);

export function adhocCommand(execution: Execution): string | undefined {
  if (execution.type !== 'adhoc') return undefined;
  try {
    const known = (JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, string>)[execution.id];
    if (known) return known;
  } catch {
    // fall through
  }
  return OUTCOME_STATES.has(execution.state) ? undefined : execution.message;
}

/** The outcome message, when `message` is not the command. */
export function outcomeMessage(execution: Execution): string | undefined {
  if (execution.type !== 'adhoc') return execution.message;
  return execution.message !== adhocCommand(execution) ? execution.message : undefined;
}
