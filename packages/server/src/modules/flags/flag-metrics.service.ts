// SDK metrics (yes/no and variant counts per flag) are summed in memory and written every few
// seconds as per-minute and per-hour rows, so a busy fleet costs a few upserts, not one per request.
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import type { ClientRow, FlagMetricsStore, MetricPeriod, MetricRow, SeenRow } from './flag-metrics.store.js';

export interface MetricsBucket {
  start?: string;
  stop?: string;
  toggles: Record<string, { yes?: number; no?: number; variants?: Record<string, number> }>;
}

export interface MetricsPayload {
  appName: string;
  instanceId?: string;
  environment?: string;
  bucket: MetricsBucket;
}

export interface RegisterPayload {
  appName: string;
  instanceId?: string;
  sdkVersion?: string;
  started?: string;
  interval?: number;
}

export interface MetricsScope {
  project: string;
  environment: string;
}

export interface MetricsRetention {
  /** How long per-minute rows are kept, ms. */
  minuteMs: number;
  /** How long per-hour rows are kept, ms. */
  hourMs: number;
}

export interface FlagMetricsDeps {
  store: FlagMetricsStore;
  clock: Clock;
  logger: Logger;
  retention: MetricsRetention;
  flushIntervalMs: number;
}

export type FlagMetricsService = ReturnType<typeof createFlagMetricsService>;

const MAX_COUNT = 1_000_000_000;

const floorTo = (ms: number, unit: number) => new Date(Math.floor(ms / unit) * unit).toISOString();

function count(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), MAX_COUNT) : 0;
}

export function createFlagMetricsService(deps: FlagMetricsDeps) {
  const { store, clock, logger } = deps;
  let pending = new Map<string, MetricRow>();
  let seen = new Map<string, SeenRow>();
  let clients = new Map<string, ClientRow>();
  let flushTimer: ReturnType<typeof setInterval> | undefined;
  let pruneTimer: ReturnType<typeof setInterval> | undefined;
  let flushing: Promise<void> = Promise.resolve();

  /** The bucket's own start when it is plausible, else now (a client clock may be off). */
  function bucketTime(bucket: MetricsBucket): number {
    const now = clock.now().getTime();
    const start = bucket.start ? Date.parse(bucket.start) : Number.NaN;
    if (Number.isNaN(start) || start > now + 60_000 || start < now - 3_600_000) return now;
    return start;
  }

  function addRow(row: MetricRow): void {
    const key = [
      row.project,
      row.environment,
      row.flag,
      row.appName,
      row.period,
      row.bucket,
      row.variant,
    ].join('\u0000');
    const existing = pending.get(key);
    if (existing) {
      existing.yes += row.yes;
      existing.no += row.no;
    } else {
      pending.set(key, { ...row });
    }
  }

  async function flushNow(): Promise<void> {
    const rows = [...pending.values()];
    const seenRows = [...seen.values()];
    const clientRows = [...clients.values()];
    pending = new Map();
    seen = new Map();
    clients = new Map();
    if (rows.length + seenRows.length + clientRows.length === 0) return;
    try {
      await store.add(rows);
      await store.seen(seenRows);
      await store.upsertClients(clientRows);
    } catch (error) {
      logger.warn({ err: error }, 'could not write flag metrics; they are dropped');
    }
  }

  return {
    /** Buffers one SDK metrics post (client or frontend API) for the token's project and environment. */
    ingest(scope: MetricsScope, source: 'client' | 'frontend', payload: MetricsPayload): void {
      const at = bucketTime(payload.bucket);
      const minute = floorTo(at, 60_000);
      const hour = floorTo(at, 3_600_000);
      const appName = payload.appName;
      for (const [flag, toggle] of Object.entries(payload.bucket.toggles ?? {})) {
        const yes = count(toggle.yes);
        const no = count(toggle.no);
        for (const [period, bucket] of [
          ['minute', minute],
          ['hour', hour],
        ] as Array<[MetricPeriod, string]>) {
          const base = { ...scope, flag, appName, period, bucket };
          if (yes + no > 0) addRow({ ...base, variant: '', yes, no });
          for (const [variant, n] of Object.entries(toggle.variants ?? {})) {
            const c = count(n);
            if (c > 0) addRow({ ...base, variant, yes: c, no: 0 });
          }
        }
        if (yes + no > 0) {
          const key = `${scope.project}\u0000${scope.environment}\u0000${flag}`;
          const atIso = new Date(Math.max(at, Date.parse(seen.get(key)?.at ?? '') || 0)).toISOString();
          seen.set(key, { ...scope, flag, at: atIso });
        }
      }
      const instanceId = payload.instanceId ?? 'unknown';
      clients.set(`${scope.project}\u0000${scope.environment}\u0000${appName}\u0000${instanceId}`, {
        ...scope,
        appName,
        instanceId,
        source,
        lastSeenAt: clock.now().toISOString(),
      });
    },

    async register(
      scope: MetricsScope,
      source: 'client' | 'frontend',
      payload: RegisterPayload,
    ): Promise<void> {
      const row: ClientRow = {
        ...scope,
        appName: payload.appName,
        instanceId: payload.instanceId ?? 'unknown',
        source,
        lastSeenAt: clock.now().toISOString(),
      };
      if (payload.sdkVersion) row.sdkVersion = payload.sdkVersion;
      if (payload.started && !Number.isNaN(Date.parse(payload.started)))
        row.startedAt = new Date(payload.started).toISOString();
      if (payload.interval !== undefined && Number.isFinite(payload.interval))
        row.intervalMs = Math.floor(payload.interval);
      await store.upsertClients([row]);
    },

    /** Writes what is buffered (tests call it instead of waiting for the timer). */
    flush(): Promise<void> {
      flushing = flushing.then(flushNow);
      return flushing;
    },

    async prune(): Promise<{ minute: number; hour: number }> {
      const now = clock.now().getTime();
      return {
        minute: await store.prune('minute', new Date(now - deps.retention.minuteMs).toISOString()),
        hour: await store.prune('hour', new Date(now - deps.retention.hourMs).toISOString()),
      };
    },

    start(): void {
      const flush = () => void this.flush();
      flushTimer = setInterval(flush, deps.flushIntervalMs);
      flushTimer.unref();
      const prune = () =>
        void this.prune().catch((error) => logger.warn({ err: error }, 'flag metrics retention failed'));
      pruneTimer = setInterval(prune, 10 * 60_000);
      pruneTimer.unref();
    },

    async stop(): Promise<void> {
      if (flushTimer) clearInterval(flushTimer);
      if (pruneTimer) clearInterval(pruneTimer);
      await this.flush();
    },

    query: store.query.bind(store),
    lastSeen: store.lastSeen.bind(store),
    clients: store.clients.bind(store),
  };
}
