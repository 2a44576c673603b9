import { parseDuration } from '../../lib/durations.js';

/** Settings of the flags module, from PONT_* variables (documented in the README, Feature flags). */
export interface FlagsConfig {
  /** Origins browsers may call /api/frontend from; '*' for any. PONT_FRONTEND_CORS_ORIGINS, comma-separated. */
  corsOrigins: string[];
  /** Per-minute metrics kept this long, ms. PONT_FLAG_METRICS_MINUTE_RETENTION (default 48h). */
  metricsMinuteRetentionMs: number;
  /** Per-hour metrics kept this long, ms. PONT_FLAG_METRICS_HOUR_RETENTION (default 90d). */
  metricsHourRetentionMs: number;
  /** Buffered metrics are written this often, ms. */
  metricsFlushMs: number;
  /** Scheduled changes are checked this often, ms. */
  schedulerIntervalMs: number;
  /** Flags written by other replicas are noticed within this, ms (0: only local changes). */
  replicaPollMs: number;
  /** SSE comment sent this often so proxies and SDKs know the stream is alive, ms. */
  heartbeatMs: number;
}

export const DEFAULT_FLAGS_CONFIG: FlagsConfig = {
  corsOrigins: [],
  metricsMinuteRetentionMs: 48 * 3_600_000,
  metricsHourRetentionMs: 90 * 86_400_000,
  metricsFlushMs: 2000,
  schedulerIntervalMs: 1000,
  replicaPollMs: 1000,
  heartbeatMs: 15_000,
};

function duration(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const ms = parseDuration(value);
  if (ms === undefined) throw new Error(`${name} must be a duration such as 48h or 90d, got "${value}"`);
  return ms;
}

export function loadFlagsConfig(env: Record<string, string | undefined> = process.env): FlagsConfig {
  return {
    ...DEFAULT_FLAGS_CONFIG,
    corsOrigins: (env.PONT_FRONTEND_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    metricsMinuteRetentionMs: duration(
      'PONT_FLAG_METRICS_MINUTE_RETENTION',
      env.PONT_FLAG_METRICS_MINUTE_RETENTION,
      DEFAULT_FLAGS_CONFIG.metricsMinuteRetentionMs,
    ),
    metricsHourRetentionMs: duration(
      'PONT_FLAG_METRICS_HOUR_RETENTION',
      env.PONT_FLAG_METRICS_HOUR_RETENTION,
      DEFAULT_FLAGS_CONFIG.metricsHourRetentionMs,
    ),
  };
}
