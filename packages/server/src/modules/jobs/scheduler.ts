import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import type { Resource } from '../resources/resource.js';
import type { ExecutionStore } from './execution.store.js';
import type { JobSpec, Schedule } from './job.js';

export interface SchedulerDeps {
  store: ExecutionStore;
  clock: Clock;
  logger: Logger;
  jobs(): Promise<Resource[]>;
  /** Creates the execution of a firing; the fire record is written with it, in one transaction. */
  fire(job: Resource, schedule: Schedule, fireTime: string, missed?: boolean): Promise<'fired' | 'duplicate'>;
  /** Leader election across replicas (PostgreSQL advisory lock); SQLite always leads. */
  isLeader(): Promise<boolean>;
  tickMs?: number;
}

interface Entry {
  job: Resource;
  schedule: Schedule;
  cron: Cron;
  next: Date | null;
}

/**
 * Fires job schedules. Each firing is recorded under (job, schedule, fire time) together with
 * its execution, so a restart or a second replica can never fire the same time twice. A
 * schedule missed while pont was down runs once at start when it says `runMissed`.
 */
export function createScheduler(deps: SchedulerDeps) {
  let entries: Entry[] = [];
  let timer: NodeJS.Timeout | undefined;
  let startedAt = deps.clock.now();
  let ticking = false;
  let dirty = true;
  const tickMs = deps.tickMs ?? 1000;

  async function reload(): Promise<void> {
    const now = deps.clock.now();
    const next: Entry[] = [];
    for (const job of await deps.jobs()) {
      for (const schedule of (job.spec as unknown as JobSpec).schedules ?? []) {
        if (schedule.enabled === false) continue;
        try {
          const cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
          const known = entries.find(
            (e) =>
              e.job.metadata.project === job.metadata.project &&
              e.job.metadata.name === job.metadata.name &&
              e.schedule.name === schedule.name &&
              e.schedule.cron === schedule.cron &&
              e.schedule.timezone === schedule.timezone,
          );
          const entry: Entry = { job, schedule, cron, next: known?.next ?? cron.nextRun(now) };
          if (!known && schedule.runMissed) await catchUp(entry, now);
          next.push(entry);
        } catch (error) {
          deps.logger.warn(
            { job: job.metadata.name, schedule: schedule.name, err: (error as Error).message },
            'invalid schedule',
          );
        }
      }
    }
    entries = next;
    dirty = false;
  }

  /**
   * One run for the most recent time missed since the last recorded firing (or the job's update)
   * and before this scheduler started: only pont being down makes a time "missed"; a time that
   * passed while it ran was fired on time (or is a schedule being created just now).
   */
  async function catchUp(entry: Entry, now: Date): Promise<void> {
    const until = startedAt < now ? startedAt : now;
    const project = entry.job.metadata.project ?? '';
    const last = await deps.store.lastFire(project, entry.job.metadata.name, entry.schedule.name);
    const since = new Date(last ?? entry.job.metadata.updatedAt ?? now.toISOString());
    let missed: Date | null = null;
    for (let t = entry.cron.nextRun(since); t && t < until; t = entry.cron.nextRun(t)) missed = t;
    if (missed) {
      deps.logger.info(
        { job: entry.job.metadata.name, schedule: entry.schedule.name, missed },
        'running a missed schedule once',
      );
      await deps.fire(entry.job, entry.schedule, missed.toISOString(), true);
    }
  }

  async function tick(): Promise<void> {
    if (ticking) return;
    ticking = true;
    try {
      if (!(await deps.isLeader())) return;
      if (dirty) await reload();
      const now = deps.clock.now();
      for (const entry of entries) {
        if (!entry.next || entry.next > now) continue;
        const fireTime = entry.next;
        entry.next = entry.cron.nextRun(now);
        const result = await deps.fire(entry.job, entry.schedule, fireTime.toISOString());
        deps.logger.info(
          { job: entry.job.metadata.name, schedule: entry.schedule.name, fireTime, result },
          'schedule fired',
        );
      }
    } catch (error) {
      deps.logger.error({ err: error }, 'scheduler tick failed');
    } finally {
      ticking = false;
    }
  }

  return {
    start(): void {
      startedAt = deps.clock.now();
      timer = setInterval(() => void tick(), tickMs);
      void tick();
    },
    /** Job definitions changed: re-read schedules on the next tick. */
    invalidate(): void {
      dirty = true;
    },
    tick,
    stop(): void {
      if (timer) clearInterval(timer);
    },
    /** Next fire time of each schedule of a job, for the job list. */
    nextRuns(project: string, job: string): Array<{ schedule: string; next: string | null }> {
      return entries
        .filter((e) => e.job.metadata.project === project && e.job.metadata.name === job)
        .map((e) => ({ schedule: e.schedule.name, next: e.next?.toISOString() ?? null }));
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
