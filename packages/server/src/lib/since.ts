import { badRequest } from '../errors/index.js';
import { parseDuration } from './durations.js';

/** `2026-01-01T00:00:00Z` stays as it is; `1h` or `7d` means that long before now. */
export function parseSince(value: string, field: string, now: number = Date.now()): string {
  const duration = parseDuration(value);
  if (duration !== undefined) return new Date(now - duration).toISOString();
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw badRequest(`invalid ${field} "${value}"`, [
      { path: field, message: 'expected an ISO 8601 time or a duration such as 1h or 7d' },
    ]);
  }
  return new Date(time).toISOString();
}
