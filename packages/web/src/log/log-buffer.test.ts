import { describe, expect, it } from 'vitest';
import type { LogLine } from '../api/types';
import { LogBuffer } from './log-buffer';

const line = (seq: number, text: string, extra: Partial<LogLine> = {}): LogLine => ({
  seq,
  time: '2026-01-01T00:00:00Z',
  node: 'web-1',
  step: 's',
  stream: 'stdout',
  line: text,
  ...extra,
});

describe('log buffer', () => {
  it('appends in order and drops lines already seen (a resumed stream repeats none)', () => {
    const buffer = new LogBuffer();
    expect(buffer.append([line(0, 'a'), line(1, 'b')])).toBe(2);
    expect(buffer.append([line(1, 'b'), line(2, 'c')])).toBe(1);
    expect(buffer.lines.map((l) => l.line)).toEqual(['a', 'b', 'c']);
    expect(buffer.next).toBe(3);
  });

  it('remembers nodes, steps and the first stderr line', () => {
    const buffer = new LogBuffer();
    buffer.append([
      line(0, 'x', { node: '-', step: '-', stream: 'system' }),
      line(1, 'y', { node: 'app-1', step: 'deploy' }),
      line(2, 'boom', { stream: 'stderr' }),
      line(3, 'again', { stream: 'stderr' }),
    ]);
    expect([...buffer.nodes]).toEqual(['-', 'app-1', 'web-1']);
    expect([...buffer.steps]).toEqual(['-', 'deploy', 's']);
    expect(buffer.firstStderr).toBe(2);
  });

  it('carries colours across lines of the same node, step and stream only', () => {
    const buffer = new LogBuffer();
    buffer.append([
      line(0, '\u001b[33mstarts yellow'),
      line(1, 'other node', { node: 'web-2' }),
      line(2, 'still yellow'),
      line(3, 'ends\u001b[0m'),
      line(4, 'plain'),
    ]);
    expect(buffer.carried[1]).toBeUndefined();
    expect(buffer.carried[2]).toEqual({ fg: 3 });
    expect(buffer.carried[3]).toEqual({ fg: 3 });
    expect(buffer.carried[4]).toBeUndefined();
  });

  it('takes 100k lines in well under a second', () => {
    const buffer = new LogBuffer();
    const lines = Array.from({ length: 100_000 }, (_, i) =>
      line(i, i % 100 ? `line ${i}` : `\u001b[32mline ${i}\u001b[0m`),
    );
    const started = performance.now();
    for (let i = 0; i < lines.length; i += 5000) buffer.append(lines.slice(i, i + 5000));
    expect(buffer.length).toBe(100_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
