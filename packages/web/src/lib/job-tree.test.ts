import { describe, expect, it } from 'vitest';
import type { JobSummary } from '../api/types';
import { allJobs, folderTree, nextRun } from './job-tree';

const job = (name: string, group?: string, schedules: JobSummary['schedules'] = []): JobSummary => ({
  name,
  ...(group ? { group } : {}),
  options: 0,
  schedules,
});

describe('job folders', () => {
  it('nests jobs by their group path, folders and jobs in name order', () => {
    const root = folderTree([
      job('z'),
      job('b', 'deploy/web'),
      job('a', 'deploy/web'),
      job('c', 'deploy'),
      job('m', 'maint'),
    ]);
    expect(root.jobs.map((j) => j.name)).toEqual(['z']);
    expect(root.folders.map((f) => f.path)).toEqual(['deploy', 'maint']);
    const deploy = root.folders[0];
    expect(deploy?.jobs.map((j) => j.name)).toEqual(['c']);
    expect(deploy?.folders[0]?.path).toBe('deploy/web');
    expect(deploy?.folders[0]?.jobs.map((j) => j.name)).toEqual(['a', 'b']);
    expect(
      allJobs(root)
        .map((j) => j.name)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'm', 'z']);
  });

  it('takes the earliest enabled schedule as the next run', () => {
    const next = nextRun(
      job('x', undefined, [
        { name: 'late', cron: '', environment: 'dev', enabled: true, next: '2026-01-02T00:00:00Z' },
        { name: 'off', cron: '', environment: 'dev', enabled: false, next: '2026-01-01T00:00:00Z' },
        { name: 'early', cron: '', environment: 'dev', enabled: true, next: '2026-01-01T12:00:00Z' },
        { name: 'never', cron: '', environment: 'dev', enabled: true, next: null },
      ]),
    );
    expect(next?.name).toBe('early');
  });
});
