import { PontApiError } from '@pont/sdk';

/** The one place exit codes are decided. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Wrong command line: unknown flag, missing argument, invalid value. Exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure already explained to the user (e.g. a diff found, a run failed). Exits 1 quietly. */
export class SilentFailure extends Error {
  constructor(readonly code: number = EXIT.failure) {
    super('failed');
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof SilentFailure) return error.code;
  if (error instanceof UsageError) return EXIT.usage;
  return EXIT.failure;
}

/** Prints an error the way a user can act on: what, where, and what to do next. */
export function describeError(error: unknown): string[] {
  if (error instanceof SilentFailure) return [];
  if (error instanceof PontApiError) {
    const lines = [`error: ${error.message} (${error.code})`];
    for (const d of error.details) {
      const where = d.file && d.line ? `${d.file}:${d.line}:${d.column ?? 1}: ` : '';
      const path = d.path ? `${d.path}: ` : '';
      const expected = d.expected && !d.message.includes(d.expected) ? ` (expected ${d.expected})` : '';
      lines.push(`  ${where}${path}${d.message}${expected}`);
    }
    if (error.code === 'UNAUTHENTICATED')
      lines.push('hint: run `pont login URL --username NAME` or set PONT_TOKEN');
    return lines;
  }
  if (error instanceof UsageError)
    return [`error: ${error.message}`, 'hint: see `pont --help` or `pont COMMAND --help`'];
  return [`error: ${error instanceof Error ? error.message : String(error)}`];
}
