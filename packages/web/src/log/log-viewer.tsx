import {
  type CSSProperties,
  memo,
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { LogLine, StepResult } from '../api/types';
import { WORKFLOW_NODE } from '../api/types';
import { Icon } from '../components/icon';
import { type AnsiStyle, parseAnsi, stripAnsi } from '../lib/ansi';
import { useDebounced } from '../lib/use-debounced';
import type { LogBuffer } from './log-buffer';
import type { ExecutionLog } from './use-execution-log';

export interface LogFilter {
  node: string;
  step: string;
  text: string;
  stderrOnly: boolean;
}

export const NO_FILTER: LogFilter = { node: '', step: '', text: '', stderrOnly: false };

/** Every row is this tall (no wrapping): what lets 100k+ lines scroll with ~80 of them in the page. */
const ROW = 18;
const OVERSCAN = 30;
const FAILED = new Set(['failed', 'timed-out']);

function isFiltered(filter: LogFilter): boolean {
  return Boolean(filter.node || filter.step || filter.text || filter.stderrOnly);
}

function lineMatcher(filter: LogFilter): (line: LogLine) => boolean {
  const needle = filter.text.toLowerCase();
  return (line) =>
    (!filter.node || line.node === filter.node) &&
    (!filter.step || line.step === filter.step) &&
    (!filter.stderrOnly || line.stream === 'stderr') &&
    (!needle || stripAnsi(line.line).toLowerCase().includes(needle));
}

/**
 * Indices of the lines a filter keeps, maintained as lines arrive: a new batch is scanned once,
 * a new filter rescans the whole buffer (a few ms for 100k lines).
 */
function useVisibleLines(buffer: LogBuffer, version: number, filter: LogFilter) {
  const cache = useRef<{ key: string; buffer: LogBuffer; scanned: number; indices: number[] } | null>(null);
  const key = JSON.stringify(filter);
  void version; // the buffer grows in place; `version` is why this runs again
  if (!isFiltered(filter)) return { count: buffer.length, at: (i: number) => i, indexOf: (b: number) => b };
  let c = cache.current;
  if (!c || c.key !== key || c.buffer !== buffer) {
    c = { key, buffer, scanned: 0, indices: [] };
    cache.current = c;
  }
  if (c.scanned < buffer.length) {
    const matches = lineMatcher(filter);
    for (let i = c.scanned; i < buffer.length; i++) {
      const line = buffer.lines[i];
      if (line && matches(line)) c.indices.push(i);
    }
    c.scanned = buffer.length;
  }
  const indices = c.indices;
  return {
    count: indices.length,
    at: (i: number) => indices[i] ?? 0,
    /** Position of a buffer index among the visible lines (binary search), or -1. */
    indexOf: (b: number) => {
      let lo = 0;
      let hi = indices.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = indices[mid] ?? 0;
        if (v === b) return mid;
        if (v < b) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    },
  };
}

/** The first line worth reading after a failure: the first stderr line or the first line of a failed step. */
export function firstErrorIndex(buffer: LogBuffer, steps: StepResult[]): number | undefined {
  const failed = new Set(steps.filter((s) => FAILED.has(s.status)).map((s) => `${s.node}\u0000${s.stepId}`));
  let best = buffer.firstStderr;
  if (failed.size > 0) {
    const limit = best ?? buffer.length;
    for (let i = 0; i < limit; i++) {
      const line = buffer.lines[i];
      if (line && line.stream !== 'system' && failed.has(`${line.node}\u0000${line.step}`)) {
        best = i;
        break;
      }
    }
  }
  return best;
}

function ansiStyle(style: AnsiStyle): { className: string; style: CSSProperties } {
  const colour = (c: number | string | undefined) => (typeof c === 'number' ? `var(--ansi-${c})` : c);
  let fg = colour(style.fg);
  let bg = colour(style.bg);
  if (style.inverse) [fg, bg] = [bg ?? 'var(--log-bg)', fg ?? 'var(--log-fg)'];
  // Bold with a dark palette colour reads as its bright sibling, as most terminals show it.
  if (style.bold && typeof style.fg === 'number' && style.fg < 8 && !style.inverse) fg = colour(style.fg + 8);
  const className = [
    'ansi',
    style.bold && 'ansi--bold',
    style.dim && 'ansi--dim',
    style.italic && 'ansi--italic',
    style.underline && 'ansi--underline',
    style.strike && 'ansi--strike',
  ]
    .filter(Boolean)
    .join(' ');
  return { className, style: { ...(fg ? { color: fg } : {}), ...(bg ? { background: bg } : {}) } };
}

function LineText({ text, carried }: { text: string; carried: AnsiStyle | undefined }) {
  if (!carried && !text.includes('\u001b') && !text.includes('\r')) return <>{text}</>;
  const { segments } = parseAnsi(text, carried);
  return (
    <>
      {segments.map((segment, i) => {
        if (!segment.style) return segment.text;
        const { className, style } = ansiStyle(segment.style);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one line never reorder
          <span key={i} className={className} style={style}>
            {segment.text}
          </span>
        );
      })}
    </>
  );
}

// Nodes take these in name order, so the lines of neighbours never share a colour; red is left
// to errors.
const NODE_HUES = [205, 45, 140, 280, 175, 320, 95, 230, 20, 260];
function nodeColour(position: number): string {
  const round = Math.floor(position / NODE_HUES.length);
  return `hsl(${NODE_HUES[position % NODE_HUES.length]}, ${60 - (round % 3) * 12}%, ${70 - (round % 2) * 8}%)`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function clock(iso: string): string {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

const LogRow = memo(function LogRow({
  line,
  carried,
  target,
  colour,
  showNode,
  showStep,
  showTime,
  onNumber,
}: {
  line: LogLine;
  carried: AnsiStyle | undefined;
  target: boolean;
  colour: string | undefined;
  showNode: boolean;
  showStep: boolean;
  showTime: boolean;
  onNumber(seq: number): void;
}) {
  return (
    <div
      className={`log-line log-line--${line.stream}${target ? ' log-line--target' : ''}`}
      data-seq={line.seq}
      data-node={line.node}
      data-step={line.step}
      data-stream={line.stream}
    >
      <button type="button" className="log-line__no" onClick={() => onNumber(line.seq)} tabIndex={-1}>
        {line.seq + 1}
      </button>
      {showTime && (
        <span className="log-line__time" title={line.time}>
          {clock(line.time)}
        </span>
      )}
      {showNode && (
        <span className="log-line__node" style={colour ? { color: colour } : undefined} title={line.node}>
          {line.node === WORKFLOW_NODE ? '' : line.node}
        </span>
      )}
      {showStep && (
        <span className="log-line__step" title={line.step}>
          {line.step === WORKFLOW_NODE ? '' : line.step}
        </span>
      )}
      <span className="log-line__text">
        <LineText text={line.line} carried={carried} />
      </span>
    </div>
  );
});

function widthCh(values: Iterable<string>, min: number, max: number): string {
  let w = min;
  for (const v of values) if (v !== WORKFLOW_NODE) w = Math.max(w, v.length);
  return `${Math.min(w, max) + 1}ch`;
}

export function LogViewer({
  log,
  filter,
  onFilter,
  steps,
  nodeNames,
  stepIds,
  downloadHref,
  toolbarExtra,
}: {
  log: ExecutionLog;
  filter: LogFilter;
  onFilter(filter: LogFilter): void;
  steps: StepResult[];
  nodeNames: string[];
  stepIds: string[];
  downloadHref: string;
  toolbarExtra?: ReactNode;
}) {
  const { buffer, version, phase } = log;
  // The find box filters as one types, a moment after the last key; a filter set from outside
  // (cleared, or a matrix cell) replaces what was typed.
  const [text, setText] = useState(filter.text);
  const debouncedText = useDebounced(text, 150);
  const sentText = useRef(filter.text);
  useEffect(() => {
    if (filter.text !== sentText.current) {
      sentText.current = filter.text;
      setText(filter.text);
    }
  }, [filter.text]);
  useEffect(() => {
    if (debouncedText === text && debouncedText !== sentText.current) {
      sentText.current = debouncedText;
      onFilter({ ...filter, text: debouncedText });
    }
  }, [debouncedText, text, filter, onFilter]);

  const visible = useVisibleLines(buffer, version, filter);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 480 });
  const [following, setFollowing] = useState(true);
  const [target, setTarget] = useState<number | undefined>();
  const [showTime, setShowTime] = useState(false);
  const pendingJump = useRef<number | undefined>(undefined);

  // Size of the viewport, whatever resizes it.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setViewport({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Following: every render with new lines ends at the bottom.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  });

  const scrollToBufferIndex = useCallback(
    (index: number) => {
      const el = scrollRef.current;
      const position = visible.indexOf(index);
      if (!el || position < 0) return false;
      setFollowing(false);
      el.scrollTop = Math.max(0, position * ROW - el.clientHeight / 3);
      setViewport({ top: el.scrollTop, height: el.clientHeight });
      return true;
    },
    [visible],
  );

  // A jump asked for while the filter hid the line runs once the filter is cleared.
  useLayoutEffect(() => {
    if (pendingJump.current !== undefined && scrollToBufferIndex(pendingJump.current)) {
      pendingJump.current = undefined;
    }
  });

  const jumpTo = (index: number) => {
    const line = buffer.lines[index];
    if (!line) return;
    setTarget(line.seq);
    if (!lineMatcher(filter)(line)) {
      pendingJump.current = index;
      setFollowing(false);
      onFilter(NO_FILTER);
      return;
    }
    scrollToBufferIndex(index);
  };

  // A link to a line (#L42) opens the log there once that line has arrived.
  const hashDone = useRef(false);
  useEffect(() => {
    if (hashDone.current) return;
    const match = /^#L(\d+)$/.exec(window.location.hash);
    if (!match) {
      hashDone.current = true;
      return;
    }
    const seq = Number(match[1]) - 1;
    const index = buffer.lines[seq]?.seq === seq ? seq : buffer.lines.findIndex((l) => l.seq === seq);
    if (index >= 0) {
      hashDone.current = true;
      jumpTo(index);
    }
  });

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    setViewport({ top: el.scrollTop, height: el.clientHeight });
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= ROW;
    setFollowing(atBottom);
  };

  const jumpToBottom = () => {
    setFollowing(true);
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the buffer grows in place; version marks it
  const errorIndex = useMemo(() => firstErrorIndex(buffer, steps), [buffer, version, steps]);
  const onNumber = useCallback((seq: number) => {
    setTarget(seq);
    setFollowing(false);
    window.history.replaceState(null, '', `#L${seq + 1}`);
  }, []);

  const first = Math.max(0, Math.floor(viewport.top / ROW) - OVERSCAN);
  const last = Math.min(visible.count, Math.ceil((viewport.top + viewport.height) / ROW) + OVERSCAN);
  const rows: ReactNode[] = [];
  const showNode = buffer.nodes.size > 1 || nodeNames.length > 1;
  const nodes = [...new Set([...nodeNames, ...buffer.nodes])].filter((n) => n !== WORKFLOW_NODE).sort();
  const colours = new Map(nodes.map((n, i) => [n, nodeColour(i)]));
  const showStep = buffer.steps.size > 1 || stepIds.length > 1;
  for (let i = first; i < last; i++) {
    const index = visible.at(i);
    const line = buffer.lines[index];
    if (!line) continue;
    rows.push(
      <LogRow
        key={line.seq}
        line={line}
        carried={buffer.carried[index]}
        target={line.seq === target}
        colour={colours.get(line.node)}
        showNode={showNode}
        showStep={showStep}
        showTime={showTime}
        onNumber={onNumber}
      />,
    );
  }
  const gutter = `${String(buffer.next).length + 1}ch`;
  const columns = {
    '--log-rows': visible.count,
    '--log-gutter': gutter,
    '--log-node': widthCh([...buffer.nodes, ...nodeNames], 4, 24),
    '--log-step': widthCh([...buffer.steps, ...stepIds], 4, 20),
  } as CSSProperties;
  const filtered = isFiltered(filter);
  const stepChoices = [...new Set([...stepIds, ...buffer.steps])].filter((s) => s !== WORKFLOW_NODE);

  return (
    <section className="card log-card" aria-label="Log">
      <div className="log-toolbar">
        <label className="field field--inline">
          <span>Node</span>
          <select
            aria-label="Log node filter"
            value={filter.node}
            onChange={(e) => onFilter({ ...filter, node: e.target.value })}
          >
            <option value="">all nodes</option>
            {nodes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="field field--inline">
          <span>Step</span>
          <select
            aria-label="Log step filter"
            value={filter.step}
            onChange={(e) => onFilter({ ...filter, step: e.target.value })}
          >
            <option value="">all steps</option>
            {stepChoices.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field field--inline">
          <span>Find</span>
          <input
            type="search"
            aria-label="Find in log"
            placeholder="text…"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <label className="log-toolbar__check">
          <input
            type="checkbox"
            checked={filter.stderrOnly}
            onChange={(e) => onFilter({ ...filter, stderrOnly: e.target.checked })}
          />
          stderr only
        </label>
        <label className="log-toolbar__check">
          <input type="checkbox" checked={showTime} onChange={(e) => setShowTime(e.target.checked)} />
          times
        </label>
        {filtered && (
          <button type="button" className="btn btn--ghost btn--small" onClick={() => onFilter(NO_FILTER)}>
            <Icon name="x" size={12} /> Clear filters
          </button>
        )}
        <span className="log-toolbar__spacer" />
        {toolbarExtra}
        <button
          type="button"
          className="btn btn--small"
          disabled={errorIndex === undefined}
          onClick={() => errorIndex !== undefined && jumpTo(errorIndex)}
          title="First stderr line or first line of a failed step"
        >
          <Icon name="bug" size={13} /> First error
        </button>
        <a className="btn btn--small" href={downloadHref} download>
          <Icon name="download" size={13} /> Download
        </a>
      </div>
      <div className="log-frame">
        <div
          ref={scrollRef}
          className="log-scroll"
          onScroll={onScroll}
          style={columns}
          data-testid="log"
          role="log"
          aria-live="off"
        >
          <div className="log-space" style={{ height: visible.count * ROW }}>
            <div className="log-window" style={{ top: first * ROW }}>
              {rows}
            </div>
          </div>
          {visible.count === 0 && (
            <div className="log-empty">
              {phase === 'loading'
                ? 'Loading the log…'
                : filtered && buffer.length > 0
                  ? 'No line matches these filters.'
                  : phase === 'ended'
                    ? 'This execution wrote no log.'
                    : 'Waiting for the first line…'}
            </div>
          )}
        </div>
        {!following && visible.count > 0 && (
          <button type="button" className="btn btn--small log-jump" onClick={jumpToBottom}>
            <Icon name="arrow-down" size={13} /> {phase === 'following' ? 'Follow' : 'Jump to bottom'}
          </button>
        )}
      </div>
      <div className="log-status" data-testid="log-status" data-phase={phase}>
        <LogPhaseText log={log} following={following} />
        <span className="muted">
          {filtered
            ? `${visible.count.toLocaleString()} of ${buffer.length.toLocaleString()} lines`
            : `${buffer.length.toLocaleString()} lines`}
        </span>
      </div>
    </section>
  );
}

function LogPhaseText({ log, following }: { log: ExecutionLog; following: boolean }) {
  switch (log.phase) {
    case 'loading':
      return (
        <span>
          <span className="spinner" /> Loading…
        </span>
      );
    case 'following':
      return (
        <span className="log-status__live">
          <span className="live-dot" aria-hidden="true" /> Live
          {following ? ', following' : ', paused (scrolled up)'}
        </span>
      );
    case 'reconnecting':
      return <span className="log-status__warn">Connection lost, reconnecting…</span>;
    case 'ended':
      return <span>End of log{log.finalState ? `: ${log.finalState}` : ''}</span>;
    case 'error':
      return (
        <span className="log-status__warn">
          Log unavailable: {log.error instanceof Error ? log.error.message : String(log.error)}
        </span>
      );
  }
}
