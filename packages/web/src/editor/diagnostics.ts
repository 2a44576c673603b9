import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { ErrorDetail } from '../api/types';

/**
 * Server details carry 1-based line and column; a detail without a position (a policy refusal,
 * a reference check) still becomes a diagnostic at the top so the gutter shows something is wrong.
 */
export function toDiagnostics(doc: Text, details: ErrorDetail[]): Diagnostic[] {
  return details.map((d) => {
    const lineNo = Math.min(Math.max(d.line ?? 1, 1), doc.lines);
    const line = doc.line(lineNo);
    const from = d.line ? Math.min(line.from + Math.max((d.column ?? 1) - 1, 0), line.to) : line.from;
    // Underline to the end of the line: a field's whole "key: value" is the thing that is wrong.
    const to = Math.max(line.to, from);
    return {
      from,
      to: to === from && to < doc.length ? to + 1 : to,
      severity: 'error',
      source: 'pont',
      message: d.path ? `${d.path}: ${d.message}` : d.message,
    };
  });
}
