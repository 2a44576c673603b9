import { useEffect, useRef, useState } from 'react';
import { getLog, logUrl } from '../api/jobs';
import { FINAL_STATES, type LogLine } from '../api/types';
import { LogBuffer } from './log-buffer';

export type LogPhase = 'loading' | 'following' | 'reconnecting' | 'ended' | 'error';

export interface ExecutionLog {
  buffer: LogBuffer;
  /** Bumped after every appended batch: what makes the viewer render again. */
  version: number;
  phase: LogPhase;
  /** The execution's final state once the log ended. */
  finalState?: string;
  error?: unknown;
}

// Catch-up pages are big (one request per 20k lines); live lines are few and come over SSE.
const PAGE = 20_000;
// Live lines are grouped into one render per tick, however fast they arrive.
const FLUSH_MS = 60;

/**
 * An execution's log: what is stored is read in large JSON pages, then, unless the execution
 * already ended, the rest follows over Server-Sent Events from the next line on (`from`), so no
 * line is read twice or missed. EventSource reconnects by itself with Last-Event-ID.
 */
export function useExecutionLog(project: string, id: string): ExecutionLog {
  const bufferRef = useRef<LogBuffer | null>(null);
  const keyRef = useRef('');
  if (keyRef.current !== `${project}/${id}`) {
    keyRef.current = `${project}/${id}`;
    bufferRef.current = new LogBuffer();
  }
  const buffer = bufferRef.current as LogBuffer;
  const [state, setState] = useState<Omit<ExecutionLog, 'buffer'>>({ version: 0, phase: 'loading' });

  useEffect(() => {
    let cancelled = false;
    let source: EventSource | undefined;
    let pending: LogLine[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bump = (change: Partial<Omit<ExecutionLog, 'buffer'>> = {}) =>
      setState((s) => ({ ...s, ...change, version: s.version + 1 }));
    const flush = () => {
      timer = undefined;
      if (cancelled || pending.length === 0) return;
      buffer.append(pending);
      pending = [];
      bump();
    };

    const follow = () => {
      source = new EventSource(logUrl(project, id, { follow: true, from: buffer.next }));
      source.addEventListener('open', () => !cancelled && setState((s) => ({ ...s, phase: 'following' })));
      source.addEventListener('line', (event) => {
        pending.push(JSON.parse((event as MessageEvent<string>).data) as LogLine);
        timer ??= setTimeout(flush, FLUSH_MS);
      });
      source.addEventListener('end', (event) => {
        source?.close();
        if (timer) clearTimeout(timer);
        flush();
        let finalState: string | undefined;
        try {
          finalState = (JSON.parse((event as MessageEvent<string>).data) as { state?: string }).state;
        } catch {
          finalState = undefined;
        }
        if (!cancelled) bump({ phase: 'ended', ...(finalState ? { finalState } : {}) });
      });
      source.addEventListener('error', () => {
        if (cancelled || !source) return;
        // CONNECTING: the browser retries by itself. CLOSED: the server refused (403, 404).
        if (source.readyState === EventSource.CLOSED) {
          bump({ phase: 'error', error: new Error('the live log stream was refused or closed') });
        } else {
          setState((s) => ({ ...s, phase: 'reconnecting' }));
        }
      });
    };

    (async () => {
      try {
        for (;;) {
          const page = await getLog(project, id, { from: buffer.next, limit: PAGE });
          if (cancelled) return;
          buffer.append(page.lines);
          if (page.lines.length < PAGE) {
            if (FINAL_STATES.has(page.state)) {
              bump({ phase: 'ended', finalState: page.state });
            } else {
              bump({ phase: 'following' });
              follow();
            }
            return;
          }
          bump();
        }
      } catch (error) {
        if (!cancelled) bump({ phase: 'error', error });
      }
    })();

    return () => {
      cancelled = true;
      source?.close();
      if (timer) clearTimeout(timer);
    };
  }, [project, id, buffer]);

  return { buffer, ...state };
}
