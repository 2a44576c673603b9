import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { toDiagnostics } from './diagnostics';

const doc = Text.of(['kind: Environment', 'spec:', '  order: x', '  colr: red']);

describe('toDiagnostics', () => {
  it('places a detail at its 1-based line and column, to the end of the line', () => {
    const [d] = toDiagnostics(doc, [
      { path: 'spec.colr', message: 'unknown field "colr"', line: 4, column: 3 },
    ]);
    const line = doc.line(4);
    expect(d).toMatchObject({ from: line.from + 2, to: line.to, severity: 'error' });
    expect(d?.message).toBe('spec.colr: unknown field "colr"');
  });

  it('puts a detail without a position on the first line and clamps lines past the end', () => {
    const [top, past] = toDiagnostics(doc, [
      { message: 'refused' },
      { message: 'late', line: 99, column: 1 },
    ]);
    expect(top?.from).toBe(0);
    expect(past?.from).toBe(doc.line(4).from);
  });
});
