import type { LogLine } from '../api/types';
import { type AnsiStyle, parseAnsi } from '../lib/ansi';

/**
 * All lines of one execution's log, appended in place (a log of 100k+ lines must not be copied
 * on every batch). Readers keep their own position and read what was added since.
 *
 * Terminal colours survive newlines: a line that sets red and never resets leaves the next line
 * of the same node, step and stream red. The style each line starts with is worked out here,
 * once, on append; lines without escape codes and without a carried style cost nothing.
 */
export class LogBuffer {
  readonly lines: LogLine[] = [];
  /** Style a line starts with, by index; most are undefined. */
  readonly carried: Array<AnsiStyle | undefined> = [];
  readonly nodes = new Set<string>();
  readonly steps = new Set<string>();
  /** Index of the first stderr line, if any. */
  firstStderr: number | undefined;
  private readonly open = new Map<string, AnsiStyle>();

  get length(): number {
    return this.lines.length;
  }

  /** The next sequence number expected: lines at or below the last one are repeats and dropped. */
  get next(): number {
    const last = this.lines[this.lines.length - 1];
    return last ? last.seq + 1 : 0;
  }

  append(batch: LogLine[]): number {
    let added = 0;
    for (const line of batch) {
      if (line.seq < this.next) continue;
      const index = this.lines.length;
      this.lines.push(line);
      this.nodes.add(line.node);
      this.steps.add(line.step);
      if (line.stream === 'stderr' && this.firstStderr === undefined) this.firstStderr = index;
      const key = `${line.node}\u0000${line.step}\u0000${line.stream}`;
      const carried = this.open.get(key);
      if (carried) this.carried[index] = carried;
      if (carried || line.line.includes('\u001b')) {
        const { end } = parseAnsi(line.line, carried);
        if (end) this.open.set(key, end);
        else this.open.delete(key);
      }
      added++;
    }
    return added;
  }
}
