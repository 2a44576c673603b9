import { describe, expect, it } from 'vitest';
import type { Execution, ExecutionState } from '../api/types';
import { niceCeiling, runStats } from './run-stats';
import { formatDuration } from './time';

let n = 0;
const exec = (state: ExecutionState, durationMs?: number): Execution => ({
  id: `0${n++}`,
  project: 'p',
  job: 'j',
  type: 'job',
  environment: 'dev',
  state,
  options: {},
  requestedBy: 'a',
  trigger: 'user',
  attempt: 1,
  createdAt: '2026-01-01T00:00:00Z',
  ...(durationMs !== undefined ? { durationMs } : {}),
  outputs: {},
  logLines: 0,
});

describe('run statistics', () => {
  it('counts success among finished runs and takes duration quantiles', () => {
    const stats = runStats([
      exec('running'),
      exec('failed', 400),
      exec('succeeded', 100),
      exec('succeeded', 200),
      exec('succeeded', 300),
    ]);
    expect(stats).toMatchObject({
      runs: 5,
      finished: 4,
      succeeded: 3,
      successRate: 0.75,
      median: 300,
      p95: 400,
    });
    expect(stats.lastFailure?.state).toBe('failed');
    expect(runStats([]).successRate).toBeUndefined();
  });

  it('rounds axis tops to 1, 2 or 5 times a power of ten', () => {
    expect(niceCeiling(0)).toBe(10);
    expect(niceCeiling(51)).toBe(100);
    expect(niceCeiling(1200)).toBe(2000);
    expect(niceCeiling(4100)).toBe(5000);
    expect(niceCeiling(61_000)).toBe(100_000);
  });

  it('writes durations as ops read them', () => {
    expect(formatDuration(51)).toBe('51 ms');
    expect(formatDuration(2500)).toBe('2.5 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(192_000)).toBe('3 min 12 s');
    expect(formatDuration(7_500_000)).toBe('2 h 5 min');
    expect(formatDuration(undefined)).toBe('');
  });
});
