import { Cron } from 'croner';
import type { ErrorDetail } from '../../errors/index.js';
import { durationMs } from '../../lib/durations.js';
import type { FreezeWindow } from './app-spec.js';

export interface ActiveFreeze {
  window: FreezeWindow;
  /** When the window opened and when deployments are allowed again. */
  since: Date;
  until: Date;
}

/** The freeze window in force at `now`, if any (the one ending last when several overlap). */
export function activeFreeze(windows: FreezeWindow[], now: Date): ActiveFreeze | undefined {
  let found: ActiveFreeze | undefined;
  for (const window of windows) {
    const active = windowAt(window, now);
    if (active && (!found || active.until > found.until)) found = active;
  }
  return found;
}

function windowAt(window: FreezeWindow, now: Date): ActiveFreeze | undefined {
  if (window.start !== undefined || window.end !== undefined) {
    const start = window.start ? new Date(window.start) : new Date(0);
    const end = window.end ? new Date(window.end) : new Date(8.64e15);
    return start <= now && now < end ? { window, since: start, until: end } : undefined;
  }
  if (!window.cron) return undefined;
  const length = durationMs(window.duration) ?? 0;
  if (length <= 0) return undefined;
  const cron = new Cron(window.cron, {
    paused: true,
    ...(window.timezone ? { timezone: window.timezone } : {}),
  });
  // The first opening within the last `length` ms; later openings inside the window extend it.
  const first = cron.nextRun(new Date(now.getTime() - length - 1));
  if (!first || first > now) return undefined;
  let until = new Date(first.getTime() + length);
  for (
    let next = cron.nextRun(first), i = 0;
    next && next < until && i < 1000;
    next = cron.nextRun(next), i++
  ) {
    until = new Date(Math.max(until.getTime(), next.getTime() + length));
  }
  return until > now ? { window, since: first, until } : undefined;
}

export function describeFreeze(freeze: ActiveFreeze): string {
  const name = freeze.window.name ? ` "${freeze.window.name}"` : '';
  const reason = freeze.window.reason ? ` (${freeze.window.reason})` : '';
  return `freeze window${name}${reason} until ${freeze.until.toISOString()}`;
}

/** Problems of freeze windows in a resource, by field path (cron syntax, time zone, bounds). */
export function checkFreezeWindows(windows: FreezeWindow[] | undefined, path: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  for (const [i, window] of (windows ?? []).entries()) {
    const at = `${path}[${i}]`;
    const oneOff = window.start !== undefined || window.end !== undefined;
    if (oneOff && window.cron !== undefined) {
      problems.push({ path: at, message: 'a window has either cron and duration, or start and end' });
      continue;
    }
    if (oneOff) {
      for (const field of ['start', 'end'] as const) {
        const value = window[field];
        if (value !== undefined && Number.isNaN(Date.parse(value)))
          problems.push({ path: `${at}.${field}`, message: `"${value}" is not an ISO 8601 time` });
      }
      if (window.start && window.end && Date.parse(window.start) >= Date.parse(window.end))
        problems.push({ path: `${at}.end`, message: 'end must be after start' });
      continue;
    }
    if (!window.cron) {
      problems.push({ path: at, message: 'a window needs cron and duration, or start and end' });
      continue;
    }
    try {
      new Cron(window.cron, {
        paused: true,
        ...(window.timezone ? { timezone: window.timezone } : {}),
      }).nextRun();
    } catch (error) {
      problems.push({ path: `${at}.cron`, message: (error as Error).message });
    }
    const length = durationMs(window.duration);
    if (length === undefined || length <= 0)
      problems.push({
        path: `${at}.duration`,
        message: 'a cron window needs a duration such as "62h" or milliseconds',
      });
  }
  return problems;
}
