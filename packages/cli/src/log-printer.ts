import type { LogLine } from '@pont/sdk';

const DIM = '\u001b[2m';
const RED = '\u001b[31m';
const RESET = '\u001b[0m';

/** Prints log lines as `node step | text`; on a terminal the prefix is dimmed and stderr marked. */
export function createLogPrinter(write: (text: string) => void, color: boolean) {
  return (line: LogLine) => {
    const prefix = `${line.node} ${line.step}`;
    if (line.stream === 'system') {
      write(color ? `${DIM}${prefix} -- ${line.line}${RESET}` : `${prefix} -- ${line.line}`);
    } else if (line.stream === 'stderr') {
      write(color ? `${DIM}${prefix}${RESET} ${RED}|${RESET} ${line.line}` : `${prefix} ! ${line.line}`);
    } else {
      write(color ? `${DIM}${prefix} |${RESET} ${line.line}` : `${prefix} | ${line.line}`);
    }
  };
}

/** Exit code of a finished execution: 0 when it succeeded, 1 otherwise. */
export function exitCodeFor(state: string): number {
  return state === 'succeeded' ? 0 : 1;
}
