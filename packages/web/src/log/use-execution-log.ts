import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { getLog, logUrl } from '../api/jobs';
import { FINAL_STATES, type LogLine } from '../api/types';
import { readEventStream } from './event-stream';
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

// Catch-up pages are big (one request per 20k lines); live lines come over Server-Sent Events.
const PAGE = 20_000;
// Live lines are grouped into one render per tick, however fast they arrive.
const FLUSH_MS = 60;
const RETRY_MS = [500, 1000, 2000, 5000, 10_000];

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(
      response.status,
      body.error?.code ?? `HTTP_${response.status}`,
      body.error?.message ?? `the server answered ${response.status}`,
    );
  } catch {
    return new ApiError(response.status, `HTTP_${response.status}`, `the server answered ${response.status}`);
  }
}

/**
 * An execution's log: what is stored is read in large JSON pages, then, unless the execution
 * already ended, the rest follows over Server-Sent Events from the next line on (`from`), so no
 * line is read twice or missed. A dropped stream resumes from the last line received.
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
    const controller = new AbortController();
    const { signal } = controller;
    let pending: LogLine[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bump = (change: Partial<Omit<ExecutionLog, 'buffer'>> = {}) =>
      setState((s) => ({ ...s, ...change, version: s.version + 1 }));
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (signal.aborted || pending.length === 0) return;
      buffer.append(pending);
      pending = [];
      bump();
    };

    const follow = async (attempt: number): Promise<void> => {
      let ended = false;
      try {
        const response = await fetch(logUrl(project, id, { follow: true, from: buffer.next }), {
          headers: { Accept: 'text/event-stream' },
          credentials: 'same-origin',
          signal,
        });
        if (!response.ok || !response.body) {
          // A refusal (403, 404) is final; only a broken connection is worth retrying.
          bump({ phase: 'error', error: await errorOf(response) });
          return;
        }
        setState((s) => ({ ...s, phase: 'following' }));
        attempt = 0;
        await readEventStream(response.body, (events) => {
          for (const event of events) {
            if (event.type === 'line') {
              pending.push(JSON.parse(event.data) as LogLine);
            } else if (event.type === 'end') {
              ended = true;
              flush();
              let finalState: string | undefined;
              try {
                finalState = (JSON.parse(event.data) as { state?: string }).state;
              } catch {
                finalState = undefined;
              }
              bump({ phase: 'ended', ...(finalState ? { finalState } : {}) });
            }
          }
          timer ??= setTimeout(flush, FLUSH_MS);
        });
      } catch (error) {
        if (signal.aborted) return;
        void error; // a dropped connection: resume below
      }
      if (ended || signal.aborted) return;
      flush();
      setState((s) => ({ ...s, phase: 'reconnecting' }));
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
      if (!signal.aborted) await follow(attempt + 1);
    };

    (async () => {
      try {
        for (;;) {
          const page = await getLog(project, id, { from: buffer.next, limit: PAGE });
          if (signal.aborted) return;
          buffer.append(page.lines);
          if (page.lines.length < PAGE) {
            if (FINAL_STATES.has(page.state)) {
              bump({ phase: 'ended', finalState: page.state });
            } else {
              bump({ phase: 'following' });
              await follow(0);
            }
            return;
          }
          bump();
        }
      } catch (error) {
        if (!signal.aborted) bump({ phase: 'error', error });
      }
    })();

    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [project, id, buffer]);

  return { buffer, ...state };
}
