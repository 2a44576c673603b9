// pont's flag client for server-side JavaScript: it keeps the flags of one project and environment
// (those of its client token) in memory and evaluates them locally with @pont/flag-engine.
// Changes arrive over Server-Sent Events within milliseconds; when the stream cannot be held it
// polls /api/client/features with ETags and keeps retrying the stream; whatever happens, the last
// flags it received keep being served.
import {
  applyDelta,
  type ClientFeature,
  type ClientFeaturesResponse,
  type Context,
  createEngine,
  type DeltaEvent,
  type Engine,
  type Explanation,
  type Fallback,
  type FallbackVariant,
  type VariantResult,
} from '@pont/flag-engine';
import { readSse } from './sse.js';

export const SDK_NAME = 'pont-sdk:0.1.0';

export interface FlagClientOptions {
  /** Base URL of pont, e.g. http://127.0.0.1:8080 */
  url: string;
  /** A client token (`pont token create NAME --type client -p PROJECT --env ENV`). */
  token: string;
  appName: string;
  instanceId?: string;
  /** Merged into every context, like Unleash's static context (default environment: "default"). */
  environment?: string;
  /** Receive changes over SSE (default true); false polls only. */
  streaming?: boolean;
  /** Polling period while streaming is unavailable, ms (default 15 000). */
  refreshIntervalMs?: number;
  /** How often evaluation counts are sent, ms (default 60 000; 0 disables metrics). */
  metricsIntervalMs?: number;
  /** First delay before reconnecting the stream, ms (default 500; doubles up to 30 s). */
  reconnectDelayMs?: number;
  /** A stream silent this long (the server sends a heartbeat every 15 s) is dropped, ms (default 45 000). */
  streamTimeoutMs?: number;
  /** Timeout of polling and metrics requests, ms (default 10 000). */
  requestTimeoutMs?: number;
  /** Flags to serve before the server answers (e.g. a saved /api/client/features body). */
  bootstrap?: ClientFeaturesResponse;
  /** Host name for the applicationHostname strategy. */
  hostname?: string;
  fetch?: typeof fetch;
}

export type FlagClientMode = 'connecting' | 'streaming' | 'polling' | 'closed';

export interface FlagClientEvents {
  /** The first flags arrived (or the bootstrap was loaded). */
  ready: () => void;
  /** Flags changed; the names are the keys SDKs evaluate. */
  changed: (names: string[]) => void;
  /** A request or the stream failed; the client keeps serving the last flags it had. */
  error: (error: Error) => void;
  /** Streaming, polling or closed. */
  mode: (mode: FlagClientMode) => void;
}

export interface FlagClient {
  /** Resolves once flags are known (from the server or the bootstrap). */
  ready(): Promise<void>;
  readonly isReady: boolean;
  readonly mode: FlagClientMode;
  /** The body the flags were built from (undefined before the first one). */
  readonly features: ClientFeaturesResponse | undefined;
  isEnabled(name: string, context?: Context, fallback?: Fallback): boolean;
  getVariant(name: string, context?: Context, fallbackVariant?: FallbackVariant): VariantResult;
  explain(name: string, context?: Context): Explanation;
  has(name: string): boolean;
  /** Records an evaluation made from explain() in the metrics (what isEnabled/getVariant do themselves). */
  count(name: string, enabled: boolean, variant?: string): void;
  on<E extends keyof FlagClientEvents>(event: E, listener: FlagClientEvents[E]): () => void;
  /** Sends pending metrics now. */
  flushMetrics(): Promise<void>;
  /** Stops streaming, polling and metrics (after a last flush). */
  close(): Promise<void>;
}

interface ToggleCount {
  yes: number;
  no: number;
  variants: Record<string, number>;
}

const EMPTY: ClientFeaturesResponse = { version: 2, features: [], segments: [] };

export function createFlagClient(options: FlagClientOptions): FlagClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, '');
  const instanceId = options.instanceId ?? `${options.appName}-${Math.random().toString(36).slice(2, 10)}`;
  const connectionId = randomId();
  const refreshIntervalMs = options.refreshIntervalMs ?? 15_000;
  const metricsIntervalMs = options.metricsIntervalMs ?? 60_000;
  const firstReconnectDelay = options.reconnectDelayMs ?? 500;
  const streamTimeoutMs = options.streamTimeoutMs ?? 45_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const staticContext = { appName: options.appName, environment: options.environment ?? 'default' };
  const headers: Record<string, string> = {
    authorization: options.token,
    'unleash-appname': options.appName,
    'unleash-instanceid': instanceId,
    'unleash-connection-id': connectionId,
    'unleash-sdk': SDK_NAME,
  };

  const listeners: { [E in keyof FlagClientEvents]: Set<FlagClientEvents[E]> } = {
    ready: new Set(),
    changed: new Set(),
    error: new Set(),
    mode: new Set(),
  };
  function emit<E extends keyof FlagClientEvents>(event: E, ...args: Parameters<FlagClientEvents[E]>): void {
    for (const listener of listeners[event]) {
      try {
        (listener as (...a: Parameters<FlagClientEvents[E]>) => void)(...args);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  let features: ClientFeaturesResponse | undefined;
  let engine: Engine = createEngine(EMPTY, engineOptions());
  let fingerprints = new Map<string, string>();
  let etag: string | undefined;
  let mode: FlagClientMode = 'connecting';
  let closed = false;
  let isReady = false;
  let resolveReady: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  let streamAbort: AbortController | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let metricsTimer: ReturnType<typeof setInterval> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let wakeReconnect: (() => void) | undefined;
  let lastError: string | undefined;
  let bucket = newBucket();

  function engineOptions() {
    return options.hostname ? { hostname: options.hostname } : {};
  }

  // A function, so TypeScript does not narrow `mode` across awaits.
  const isStreaming = () => mode === 'streaming';

  function setMode(next: FlagClientMode): void {
    if (mode === next) return;
    mode = next;
    emit('mode', next);
  }

  function fail(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    // One report per distinct failure, not one per retry.
    if (err.message === lastError) return;
    lastError = err.message;
    emit('error', err);
  }

  function update(next: ClientFeaturesResponse): void {
    const nextPrints = fingerprint(next);
    const changed: string[] = [];
    for (const [name, print] of nextPrints) if (fingerprints.get(name) !== print) changed.push(name);
    for (const name of fingerprints.keys()) if (!nextPrints.has(name)) changed.push(name);
    // A child's answer depends on its parents.
    const touched = new Set(changed);
    for (const f of next.features ?? []) {
      if (!touched.has(f.name) && f.dependencies?.some((d) => touched.has(d.feature))) changed.push(f.name);
    }
    features = next;
    fingerprints = nextPrints;
    engine = createEngine(next, engineOptions());
    lastError = undefined;
    if (!isReady) {
      isReady = true;
      resolveReady();
      emit('ready');
    } else if (changed.length > 0) {
      emit('changed', changed);
    }
  }

  function onStreamData(data: string): void {
    const parsed = JSON.parse(data) as ClientFeaturesResponse | { events: DeltaEvent[] };
    if ('events' in parsed && Array.isArray(parsed.events))
      update(applyDelta(features ?? EMPTY, parsed.events));
    else if ('features' in parsed && Array.isArray(parsed.features)) update(parsed);
  }

  async function poll(): Promise<void> {
    try {
      const response = await doFetch(`${base}/api/client/features`, {
        headers: { ...headers, accept: 'application/json', ...(etag ? { 'if-none-match': etag } : {}) },
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      if (response.status === 304) {
        lastError = undefined;
        return;
      }
      if (!response.ok) throw new Error(`GET /api/client/features answered ${response.status}`);
      const body = (await response.json()) as ClientFeaturesResponse;
      etag = response.headers.get('etag') ?? undefined;
      update(body);
    } catch (error) {
      fail(error);
    }
  }

  function schedulePoll(delay: number): void {
    if (closed || pollTimer) return;
    pollTimer = setTimeout(async () => {
      pollTimer = undefined;
      if (closed || mode === 'streaming') return;
      await poll();
      if (!isStreaming()) schedulePoll(refreshIntervalMs);
    }, delay);
    unref(pollTimer);
  }

  function stopPolling(): void {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = undefined;
  }

  async function streamOnce(): Promise<'ended' | 'refused'> {
    const controller = new AbortController();
    streamAbort = controller;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      if (watchdog) clearTimeout(watchdog);
      watchdog = setTimeout(
        () => controller.abort(new Error('the flag stream went silent')),
        streamTimeoutMs,
      );
      unref(watchdog);
    };
    try {
      arm();
      const response = await doFetch(`${base}/api/client/streaming`, {
        headers: { ...headers, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        await response.body?.cancel();
        fail(new Error(`GET /api/client/streaming answered ${response.status}; polling instead`));
        return 'refused';
      }
      if (!response.ok) throw new Error(`GET /api/client/streaming answered ${response.status}`);
      setMode('streaming');
      stopPolling();
      await readSse(
        response,
        (event) => {
          if (
            event.event === 'unleash-connected' ||
            event.event === 'unleash-updated' ||
            event.event === 'message'
          ) {
            try {
              onStreamData(event.data);
            } catch (error) {
              fail(error);
            }
          }
        },
        arm,
      );
      return 'ended';
    } catch (error) {
      if (!closed) fail(error);
      return 'ended';
    } finally {
      if (watchdog) clearTimeout(watchdog);
      streamAbort = undefined;
    }
  }

  async function streamLoop(): Promise<void> {
    let delay = firstReconnectDelay;
    while (!closed) {
      const started = Date.now();
      const outcome = await streamOnce();
      if (closed) break;
      // The server is away or refuses streaming: poll meanwhile, starting now.
      setMode('polling');
      schedulePoll(0);
      if (outcome === 'refused') delay = Math.max(delay, 30_000);
      else if (Date.now() - started > 60_000) delay = firstReconnectDelay;
      const wait = delay * (0.75 + Math.random() * 0.5);
      delay = Math.min(delay * 2, 30_000);
      await new Promise<void>((resolve) => {
        wakeReconnect = resolve;
        reconnectTimer = setTimeout(resolve, wait);
        unref(reconnectTimer);
      });
      wakeReconnect = undefined;
    }
  }

  async function post(path: string, body: unknown): Promise<void> {
    const response = await doFetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}`);
  }

  function newBucket(): { start: Date; toggles: Record<string, ToggleCount> } {
    return { start: new Date(), toggles: {} };
  }

  function count(name: string, enabled: boolean, variant?: string): void {
    if (metricsIntervalMs <= 0) return;
    let entry = bucket.toggles[name];
    if (!entry) {
      entry = { yes: 0, no: 0, variants: {} };
      bucket.toggles[name] = entry;
    }
    if (enabled) entry.yes++;
    else entry.no++;
    if (variant !== undefined) entry.variants[variant] = (entry.variants[variant] ?? 0) + 1;
  }

  async function flushMetrics(): Promise<void> {
    const sent = bucket;
    if (Object.keys(sent.toggles).length === 0) return;
    bucket = newBucket();
    try {
      await post('/api/client/metrics', {
        appName: options.appName,
        instanceId,
        environment: staticContext.environment,
        bucket: { start: sent.start.toISOString(), stop: new Date().toISOString(), toggles: sent.toggles },
      });
    } catch (error) {
      // Keep the counts for the next attempt.
      for (const [name, c] of Object.entries(sent.toggles)) {
        const entry = bucket.toggles[name] ?? { yes: 0, no: 0, variants: {} };
        bucket.toggles[name] = entry;
        entry.yes += c.yes;
        entry.no += c.no;
        for (const [v, n] of Object.entries(c.variants)) entry.variants[v] = (entry.variants[v] ?? 0) + n;
      }
      bucket.start = sent.start;
      fail(error);
    }
  }

  function withStatic(context: Context | undefined): Context {
    return context ? { ...staticContext, ...context } : staticContext;
  }

  // Start.
  if (options.bootstrap) update(options.bootstrap);
  if (options.streaming === false) {
    setMode('polling');
    schedulePoll(0);
  } else {
    void streamLoop();
  }
  if (metricsIntervalMs > 0) {
    post('/api/client/register', {
      appName: options.appName,
      instanceId,
      connectionId,
      sdkVersion: SDK_NAME,
      strategies: [
        'default',
        'flexibleRollout',
        'userWithId',
        'remoteAddress',
        'applicationHostname',
        'gradualRolloutUserId',
        'gradualRolloutSessionId',
        'gradualRolloutRandom',
      ],
      started: new Date().toISOString(),
      interval: metricsIntervalMs,
      platformName: typeof process !== 'undefined' ? 'node' : 'browser',
    }).catch(fail);
    metricsTimer = setInterval(() => void flushMetrics(), metricsIntervalMs);
    unref(metricsTimer);
  }

  return {
    ready: () => readyPromise,
    get isReady() {
      return isReady;
    },
    get mode() {
      return mode;
    },
    get features() {
      return features;
    },
    isEnabled(name, context, fallback) {
      const enabled = engine.isEnabled(name, withStatic(context), fallback);
      if (engine.has(name)) count(name, enabled);
      return enabled;
    },
    getVariant(name, context, fallbackVariant) {
      const variant = engine.getVariant(name, withStatic(context), fallbackVariant);
      if (engine.has(name)) count(name, variant.feature_enabled, variant.name);
      return variant;
    },
    explain(name, context) {
      return engine.explain(name, withStatic(context));
    },
    has: (name) => engine.has(name),
    count(name, enabled, variant) {
      if (engine.has(name)) count(name, enabled, variant);
    },
    on(event, listener) {
      listeners[event].add(listener);
      return () => {
        listeners[event].delete(listener);
      };
    },
    flushMetrics,
    async close() {
      if (closed) return;
      closed = true;
      streamAbort?.abort();
      stopPolling();
      if (reconnectTimer) clearTimeout(reconnectTimer);
      wakeReconnect?.();
      if (metricsTimer) clearInterval(metricsTimer);
      if (metricsIntervalMs > 0) await flushMetrics();
      setMode('closed');
    },
  };
}

/** One string per feature that changes whenever what SDKs evaluate for it changes (segments included). */
function fingerprint(response: ClientFeaturesResponse): Map<string, string> {
  const segments = new Map((response.segments ?? []).map((s) => [s.id, JSON.stringify(s.constraints)]));
  const out = new Map<string, string>();
  for (const f of response.features ?? []) {
    const used = (f.strategies ?? []).flatMap((s) => (s.segments ?? []).map((id) => segments.get(id) ?? ''));
    out.set(f.name, JSON.stringify(f) + used.join('|'));
  }
  return out;
}

function unref(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export type { ClientFeature };
