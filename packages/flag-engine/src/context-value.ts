import type { Context } from './client-features.js';

/**
 * The string Unleash compares for `field`: the top-level context field if set (not null/undefined),
 * else `context.properties[field]`, converted with `String()`; `undefined` when neither is set.
 * Mirrors unleash-client's `resolveContextValue`, including that numbers and booleans match as text.
 */
export function resolveContextValue(context: Context, field: string): string | undefined {
  const value = context[field] ?? context.properties?.[field];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}
