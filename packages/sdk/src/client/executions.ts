import { readEventStream } from './event-stream.js';
import type { PontClient } from './pont-client.js';

export interface LogLine {
  seq: number;
  time: string;
  node: string;
  step: string;
  stream: 'stdout' | 'stderr' | 'system';
  line: string;
}

export interface FollowOptions {
  from?: number;
  node?: string;
  step?: string;
  signal?: AbortSignal;
  onLine(line: LogLine): void;
  /** Called when the connection dropped and is being resumed. */
  onReconnect?(attempt: number, error: unknown): void;
}

/**
 * Follows an execution's log until it ends and returns its final state. A dropped connection is
 * resumed from the last line received, so no line is lost or repeated.
 */
export async function followExecutionLog(
  client: PontClient,
  project: string,
  id: string,
  options: FollowOptions,
): Promise<string> {
  let next = options.from ?? 0;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await client.fetchRaw(
        'GET',
        `/api/v1/projects/${encodeURIComponent(project)}/executions/${encodeURIComponent(id)}/log`,
        {
          query: { follow: 1, from: next, node: options.node, step: options.step },
          headers: { accept: 'text/event-stream' },
          signal: options.signal ?? new AbortController().signal,
        },
      );
      if (!response.body) throw new Error('no response body');
      for await (const event of readEventStream(response.body)) {
        if (event.event === 'line') {
          const line = JSON.parse(event.data) as LogLine;
          if (line.seq < next) continue;
          next = line.seq + 1;
          options.onLine(line);
        } else if (event.event === 'end') {
          return (JSON.parse(event.data) as { state: string }).state;
        }
      }
      throw new Error('the log stream ended early');
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if ((error as { status?: number }).status && (error as { status: number }).status < 500) throw error;
      options.onReconnect?.(attempt + 1, error);
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
    }
  }
}
