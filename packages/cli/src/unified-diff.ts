/**
 * A line-based unified diff (Myers' O(ND) algorithm), enough for resource YAML where files are
 * small; prints `---`/`+++` headers and hunks with `context` lines around each change.
 */
export function unifiedDiff(
  before: string,
  after: string,
  fromName: string,
  toName: string,
  context = 3,
): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  if (ops.every((o) => o.type === ' ')) return '';
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.type === ' ') {
      i++;
      continue;
    }
    let start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while changes are close enough to share context.
    while (end < ops.length) {
      let next = end;
      while (next < ops.length && ops[next]?.type !== ' ') next++;
      let gap = next;
      while (gap < ops.length && ops[gap]?.type === ' ') gap++;
      if (gap < ops.length && gap - next <= context * 2) end = gap;
      else {
        end = Math.min(ops.length, next + context);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const aStart = (ops[start]?.aIndex ?? 0) + 1;
    const bStart = (ops[start]?.bIndex ?? 0) + 1;
    const aLen = hunk.filter((o) => o.type !== '+').length;
    const bLen = hunk.filter((o) => o.type !== '-').length;
    out.push(`@@ -${aLen ? aStart : aStart - 1},${aLen} +${bLen ? bStart : bStart - 1},${bLen} @@`);
    for (const o of hunk) out.push(`${o.type}${o.line}`);
    i = end;
    start = end;
  }
  return `${out.join('\n')}\n`;
}

interface Op {
  type: ' ' | '-' | '+';
  line: string;
  aIndex: number;
  bIndex: number;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Map<number, number>([[1, 0]]);
  const trace: Array<Map<number, number>> = [];
  outer: for (let d = 0; d <= max; d++) {
    trace.push(new Map(v));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v.get(k - 1) ?? 0) < (v.get(k + 1) ?? 0));
      let x = down ? (v.get(k + 1) ?? 0) : (v.get(k - 1) ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v.set(k, x);
      if (x >= n && y >= m) break outer;
    }
  }
  // Walk the trace backwards to recover the edit script.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d] ?? new Map<number, number>();
    const k = x - y;
    const down = k === -d || (k !== d && (vd.get(k - 1) ?? 0) < (vd.get(k + 1) ?? 0));
    const prevK = down ? k + 1 : k - 1;
    const prevX = vd.get(prevK) ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ type: ' ', line: a[x] ?? '', aIndex: x, bIndex: y });
    }
    if (d > 0) {
      if (x === prevX) ops.push({ type: '+', line: b[prevY] ?? '', aIndex: x, bIndex: prevY });
      else ops.push({ type: '-', line: a[prevX] ?? '', aIndex: prevX, bIndex: y });
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}
