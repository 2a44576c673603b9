import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';

interface Entry {
  data?: unknown;
  error?: unknown;
  fetching: boolean;
}

/**
 * A tiny stale-while-revalidate cache: a page that was seen before renders its last data at once
 * and refreshes in the background, so moving around the console never shows an empty table.
 */
const entries = new Map<string, Entry>();
const inflight = new Map<string, Promise<void>>();
const listeners = new Map<string, Set<() => void>>();
const EMPTY: Entry = { fetching: false };
// A fetcher per key, so invalidate() can refresh a query without the help of its component.
const fetchers = new Map<string, () => Promise<unknown>>();

function set(key: string, entry: Entry): void {
  entries.set(key, entry);
  for (const listener of listeners.get(key) ?? []) listener();
}

/** `fresh`: the answer must start after this call (a write just happened), not reuse one in flight. */
function load(key: string, fetcher: () => Promise<unknown>, fresh = false): Promise<void> {
  const running = inflight.get(key);
  if (running) return fresh ? running.then(() => load(key, fetcher)) : running;
  set(key, { ...(entries.get(key) ?? EMPTY), fetching: true });
  const promise = fetcher()
    .then(
      (data) => set(key, { data, fetching: false }),
      // Keep the last good data beside the error: a refresh failing should not blank the page.
      (error) => set(key, { data: entries.get(key)?.data, error, fetching: false }),
    )
    .finally(() => inflight.delete(key));
  inflight.set(key, promise);
  return promise;
}

function subscribe(key: string, listener: () => void): () => void {
  let group = listeners.get(key);
  if (!group) {
    group = new Set();
    listeners.set(key, group);
  }
  group.add(listener);
  return () => group.delete(listener);
}

export interface Query<T> {
  data: T | undefined;
  error: unknown;
  /** True only while there is nothing to show yet. */
  loading: boolean;
  fetching: boolean;
  reload(): Promise<void>;
}

/** `key` null means "not yet" (a dependency is missing); the fetcher may change every render. */
export function useQuery<T>(key: string | null, fetcher: () => Promise<T>): Query<T> {
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  if (key && !fetchers.has(key)) fetchers.set(key, () => fetcherRef.current());
  const entry = useSyncExternalStore(
    useCallback((listener) => (key ? subscribe(key, listener) : () => {}), [key]),
    () => (key ? (entries.get(key) ?? EMPTY) : EMPTY),
  );
  useEffect(() => {
    if (key) void load(key, () => fetcherRef.current());
  }, [key]);
  const reload = useCallback(async () => {
    if (key) await load(key, () => fetcherRef.current(), true);
  }, [key]);
  return {
    data: entry.data as T | undefined,
    error: entry.error,
    loading: entry.data === undefined && entry.error === undefined,
    fetching: entry.fetching,
    reload,
  };
}

/**
 * Refetches the queries on screen whose key starts with `prefix`. The others keep their data:
 * every mount revalidates anyway, and old rows at once beat an empty table.
 */
export function invalidate(prefix: string): void {
  for (const key of [...entries.keys()]) {
    if (!key.startsWith(prefix) || !listeners.get(key)?.size) continue;
    const fetcher = fetchers.get(key);
    if (fetcher) void load(key, fetcher, true);
  }
}

/** After logout nothing of the previous user may show to the next one. */
export function clearQueryCache(): void {
  entries.clear();
  fetchers.clear();
}
