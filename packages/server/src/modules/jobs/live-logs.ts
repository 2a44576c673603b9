import type { LogLine } from './execution.js';

export interface LiveEvent {
  lines: LogLine[];
  /** Set once, when the execution reached a final state and every line was stored. */
  finished?: { state: string };
}

/** In-process fan-out of log lines to followers, keyed by execution so publishing stays cheap. */
export interface LiveLogs {
  publish(executionId: string, event: LiveEvent): void;
  subscribe(executionId: string, listener: (event: LiveEvent) => void): () => void;
}

export function createLiveLogs(): LiveLogs {
  const listeners = new Map<string, Set<(event: LiveEvent) => void>>();
  return {
    publish(executionId, event) {
      for (const listener of listeners.get(executionId) ?? []) listener(event);
    },
    subscribe(executionId, listener) {
      let set = listeners.get(executionId);
      if (!set) {
        set = new Set();
        listeners.set(executionId, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(executionId);
      };
    },
  };
}
