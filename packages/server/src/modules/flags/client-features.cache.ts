// The client-features body of each (project, environment), built once and served as bytes with its
// ETag until a Flag or Segment of the project changes. Streams subscribe here and get the new body
// as soon as it is rebuilt.
import { createHash } from 'node:crypto';
import { type ClientFeaturesResponse, createEngine, type Engine } from '@pont/flag-engine';
import { buildClientFeatures, type FlagResource, type SegmentResource } from '@pont/sdk';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import type { Topic } from '../../lib/topic.js';
import type { ResourceChange, ResourceService } from '../resources/index.js';

export interface ServedFeatures {
  project: string;
  environment: string;
  response: ClientFeaturesResponse;
  /** JSON of `response` (SSE sends it as text). */
  body: string;
  /** The same, encoded once: what GET /api/client/features writes. */
  bytes: Buffer;
  etag: string;
  builtAt: number;
  /** Compiled on first use (frontend API, evaluation). */
  engine(): Engine;
  /** Bodies filtered by query (namePrefix), cached with the entry. */
  filtered(key: string, make: () => ClientFeaturesResponse): { bytes: Buffer; etag: string };
}

export type FeaturesListener = (served: ServedFeatures) => void;

export interface ClientFeaturesCacheDeps {
  resources: ResourceService;
  db: Db;
  clock: Clock;
  logger: Logger;
  changes: Topic<ResourceChange>;
  replicaPollMs: number;
}

/** Bodies are rebuilt at least this often so that staleness (by age) shows. */
const MAX_AGE_MS = 3_600_000;
const RELEVANT = new Set(['Flag', 'Segment']);

export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

/** If-None-Match may list several tags, weak or strong. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

export type ClientFeaturesCache = ReturnType<typeof createClientFeaturesCache>;

export function createClientFeaturesCache(deps: ClientFeaturesCacheDeps) {
  const { resources, clock, logger } = deps;
  const entries = new Map<string, ServedFeatures>();
  const building = new Map<string, Promise<ServedFeatures>>();
  /** Bumped on every invalidation so a build that raced with a change is not kept. */
  const generations = new Map<string, number>();
  const listeners = new Map<string, Set<FeaturesListener>>();
  let unsubscribe: (() => void) | undefined;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let lastFingerprint: string | undefined;

  const keyOf = (project: string, environment: string) => `${project}\u0000${environment}`;
  const generation = (project: string) => generations.get(project) ?? 0;

  async function build(project: string, environment: string): Promise<ServedFeatures> {
    const [flags, segments] = await Promise.all([
      resources.listStored('Flag', project),
      resources.listStored('Segment', project),
    ]);
    const response = buildClientFeatures({
      project,
      environment,
      flags: flags as unknown as FlagResource[],
      segments: segments as unknown as SegmentResource[],
      now: clock.now().getTime(),
    });
    const body = JSON.stringify(response);
    let engine: Engine | undefined;
    const filtered = new Map<string, { bytes: Buffer; etag: string }>();
    return {
      project,
      environment,
      response,
      body,
      bytes: Buffer.from(body),
      etag: etagOf(body),
      builtAt: clock.now().getTime(),
      engine: () => {
        engine ??= createEngine(response);
        return engine;
      },
      filtered(key, make) {
        let hit = filtered.get(key);
        if (!hit) {
          const text = JSON.stringify(make());
          hit = { bytes: Buffer.from(text), etag: etagOf(text) };
          if (filtered.size < 100) filtered.set(key, hit);
        }
        return hit;
      },
    };
  }

  async function get(project: string, environment: string): Promise<ServedFeatures> {
    const key = keyOf(project, environment);
    const hit = entries.get(key);
    if (hit && clock.now().getTime() - hit.builtAt < MAX_AGE_MS) return hit;
    const inFlight = building.get(key);
    if (inFlight) return inFlight;
    const startedAt = generation(project);
    const promise = build(project, environment)
      .then((served) => {
        if (generation(project) === startedAt) entries.set(key, served);
        return served;
      })
      .finally(() => building.delete(key));
    building.set(key, promise);
    return promise;
  }

  /** Drops the project's bodies and pushes fresh ones to its streams when they differ. */
  function invalidate(project?: string): void {
    const projects =
      project === undefined ? new Set([...entries.values()].map((e) => e.project)) : new Set([project]);
    for (const key of listeners.keys()) projects.add(key.split('\u0000')[0] ?? '');
    for (const p of projects) {
      generations.set(p, generation(p) + 1);
      const previous = new Map<string, string>();
      for (const [key, entry] of entries) {
        if (entry.project === p) {
          previous.set(key, entry.etag);
          entries.delete(key);
        }
      }
      for (const [key, set] of listeners) {
        if (set.size === 0 || !key.startsWith(`${p}\u0000`)) continue;
        const environment = key.slice(p.length + 1);
        get(p, environment)
          .then((served) => {
            if (previous.get(key) === served.etag) return;
            for (const listener of listeners.get(key) ?? []) listener(served);
          })
          .catch((error) =>
            logger.warn({ err: error, project: p, environment }, 'could not rebuild client features'),
          );
      }
    }
  }

  /** Other replicas write to the same database: notice their flag changes by a cheap fingerprint. */
  async function pollReplicas(): Promise<void> {
    const row = await sql<{ v: string | number | null; n: string | number }>`
      select max(resource_version) as v, count(*) as n from resources where kind in ('Flag', 'Segment')`.execute(
      deps.db.kysely,
    );
    const first = row.rows[0];
    const fingerprint = `${first?.v ?? 0}/${first?.n ?? 0}`;
    if (lastFingerprint !== undefined && fingerprint !== lastFingerprint) invalidate();
    lastFingerprint = fingerprint;
  }

  return {
    get,
    invalidate,
    /** Calls `listener` with every new body of (project, environment); returns the unsubscribe function. */
    subscribe(project: string, environment: string, listener: FeaturesListener): () => void {
      const key = keyOf(project, environment);
      let set = listeners.get(key);
      if (!set) {
        set = new Set();
        listeners.set(key, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(key);
      };
    },
    streams(): number {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
    start(): void {
      unsubscribe = deps.changes.subscribe((change) => {
        if (!RELEVANT.has(change.resource.kind)) return;
        invalidate(change.resource.metadata.project ?? '');
      });
      if (deps.replicaPollMs > 0) {
        pollTimer = setInterval(() => {
          pollReplicas().catch((error) => logger.debug({ err: error }, 'replica flag poll failed'));
        }, deps.replicaPollMs);
        pollTimer.unref();
      }
    },
    stop(): void {
      unsubscribe?.();
      if (pollTimer) clearInterval(pollTimer);
    },
  };
}
