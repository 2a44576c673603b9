import type { Clock } from '../../lib/clock.js';
import type { LogLine, LogStream } from './execution.js';
import type { ExecutionStore } from './execution.store.js';
import type { LiveLogs } from './live-logs.js';

export const MASK = '*****';
/** Longer lines are cut: one runaway line must not hold the whole log in memory. */
const MAX_LINE = 64 * 1024;

/**
 * Replaces every secret value in a line. Values shorter than 3 characters are not masked: they
 * would blank out ordinary text and protect nothing.
 */
export function createMasker(secrets: string[]): (line: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (line) => line;
  const pattern = new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (line) => line.replace(pattern, MASK);
}

export interface LineWriter {
  push(chunk: Buffer): void;
  /** Emits a last partial line, if any. */
  end(): void;
}

export interface LogSink {
  line(node: string, step: string, stream: LogStream, text: string): void;
  system(node: string, step: string, text: string): void;
  writer(node: string, step: string, stream: LogStream, onLine?: (line: string) => void): LineWriter;
  /** Adds values to mask from now on (secrets revealed during the run). */
  addSecrets(values: string[]): void;
  flush(): Promise<void>;
  readonly count: number;
}

/**
 * Collects an execution's lines: masks secrets, numbers them, stores them in batches (every
 * `flushMs` or `batch` lines) so a chatty job costs few writes, and publishes each stored batch.
 */
export function createLogSink(options: {
  executionId: string;
  store: ExecutionStore;
  live: LiveLogs;
  clock: Clock;
  secrets: string[];
  startSeq?: number;
  flushMs?: number;
  batch?: number;
  onFlushError?: (error: unknown) => void;
}): LogSink {
  const { executionId, store, live, clock } = options;
  const flushMs = options.flushMs ?? 100;
  const batch = options.batch ?? 2000;
  let secrets = [...options.secrets];
  let mask = createMasker(secrets);
  let seq = options.startSeq ?? 0;
  let pending: LogLine[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const schedule = () => {
    if (pending.length >= batch) void sink.flush();
    else timer ??= setTimeout(() => void sink.flush(), flushMs);
  };

  const sink: LogSink = {
    line(node, step, stream, text) {
      const line: LogLine = {
        seq: seq++,
        time: clock.now().toISOString(),
        node,
        step,
        stream,
        line: mask(
          text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)} [line cut at ${MAX_LINE} characters]` : text,
        ),
      };
      pending.push(line);
      schedule();
    },
    system(node, step, text) {
      sink.line(node, step, 'system', text);
    },
    writer(node, step, stream, onLine) {
      let rest = '';
      const emit = (text: string) => {
        const clean = text.endsWith('\r') ? text.slice(0, -1) : text;
        onLine?.(clean);
        sink.line(node, step, stream, clean);
      };
      return {
        push(chunk) {
          const text = rest + chunk.toString('utf8');
          const parts = text.split('\n');
          rest = parts.pop() ?? '';
          for (const part of parts) emit(part);
          if (rest.length > MAX_LINE) {
            emit(rest);
            rest = '';
          }
        },
        end() {
          if (rest) emit(rest);
          rest = '';
        },
      };
    },
    addSecrets(values) {
      secrets = [...secrets, ...values];
      mask = createMasker(secrets);
    },
    flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const lines = pending;
      pending = [];
      if (lines.length > 0) {
        // Writes stay in order, and a batch is published only once stored: a follower that reads
        // the stored log and then listens can never miss a line between the two.
        writing = writing
          .then(async () => {
            await store.appendLogs(executionId, lines);
            live.publish(executionId, { lines });
          })
          .catch((error) => options.onFlushError?.(error));
      }
      return writing;
    },
    get count() {
      return seq;
    },
  };
  return sink;
}
