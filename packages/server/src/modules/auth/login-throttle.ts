import { PontError } from '../../errors/index.js';

export interface LoginThrottle {
  /** Throws RATE_LIMITED while the key is locked out. */
  check(keys: string[]): void;
  failed(keys: string[]): void;
  succeeded(keys: string[]): void;
}

/**
 * Counts failed logins per key (user and address) in a sliding window; past the limit the key is
 * refused until the window has passed. In memory: a restart forgets, which is acceptable for a
 * throttle whose job is to make guessing slow, not to be an audit record.
 */
export function createLoginThrottle(
  options: { maxFailures?: number; windowMs?: number; now?: () => number } = {},
): LoginThrottle {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();

  const recent = (key: string): number[] => {
    const cutoff = now() - windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };

  return {
    check(keys) {
      for (const key of keys) {
        const list = recent(key);
        if (list.length >= maxFailures) {
          const retryAfter = Math.ceil(((list[0] ?? now()) + windowMs - now()) / 1000);
          throw new PontError(
            'RATE_LIMITED',
            `too many failed logins; try again in ${retryAfter} s`,
            [{ path: 'username', message: 'locked out for a while after repeated failures' }],
            { 'retry-after': String(retryAfter) },
          );
        }
      }
    },
    failed(keys) {
      if (failures.size > 100_000) failures.clear();
      for (const key of keys) failures.set(key, [...recent(key), now()]);
    },
    succeeded(keys) {
      // Only the user's key is forgiven: an address that guessed many users stays counted.
      const userKey = keys[0];
      if (userKey) failures.delete(userKey);
    },
  };
}
