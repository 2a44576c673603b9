import { type Execution, FINAL_STATES } from '../api/types';

/** A round upper bound for the axis: 1, 2 or 5 times a power of ten, at least 10 ms. */
export function niceCeiling(value: number): number {
  if (value <= 10) return 10;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function quantile(sorted: number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export interface RunStats {
  runs: number;
  finished: number;
  succeeded: number;
  successRate: number | undefined;
  median: number | undefined;
  p95: number | undefined;
  lastFailure: Execution | undefined;
}

export function runStats(executions: Execution[]): RunStats {
  const finished = executions.filter((e) => FINAL_STATES.has(e.state));
  const succeeded = finished.filter((e) => e.state === 'succeeded').length;
  const durations = finished
    .map((e) => e.durationMs)
    .filter((d): d is number => d !== undefined)
    .sort((a, b) => a - b);
  return {
    runs: executions.length,
    finished: finished.length,
    succeeded,
    successRate: finished.length ? succeeded / finished.length : undefined,
    median: quantile(durations, 0.5),
    p95: quantile(durations, 0.95),
    lastFailure: executions.find((e) => e.state === 'failed' || e.state === 'timed-out'),
  };
}
