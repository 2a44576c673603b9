import { isNode, LineCounter, parseDocument } from 'yaml';
import { readJob } from './rundeck-model.js';
import type { Locator, Path, RundeckJob } from './rundeck-types.js';

/** Malformed input: the message starts with file:line:column. */
export class RundeckFormatError extends Error {
  override readonly name = 'RundeckFormatError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line ? `:${line}:${column ?? 1}` : ''}: ${reason}`);
  }
}

/**
 * Rundeck's job YAML: a sequence of job maps (a single map is accepted too). Each job keeps the
 * line it starts on; malformed YAML or structure stops with file:line:column.
 */
export function readYamlJobs(text: string, file: string): RundeckJob[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const at = lines.linePos(error.pos[0]);
    throw new RundeckFormatError(file, at.line, at.col, error.message.split('\n')[0] ?? 'invalid YAML');
  }
  const position = (path: Path) => {
    // The deepest node that exists along the path: a missing key points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]);
    }
    return undefined;
  };
  const value: unknown = doc.toJS({ maxAliasCount: 1000 });
  const single = !Array.isArray(value);
  const locate = (path: Path): Path => (single ? path.slice(1) : path);
  const at: Locator = {
    fail(path, message) {
      const pos = position(locate(path));
      throw new RundeckFormatError(file, pos?.line, pos?.col, message);
    },
    line: (path) => position(locate(path))?.line,
  };
  if (value === null || value === undefined) return [];
  const jobs = Array.isArray(value) ? value : [value];
  return jobs.map((job, i) => readJob(job, [i], at));
}
