// The client-features body of each (project, environment), built once and served as bytes with its
// ETag until a Flag or Segment of the project changes. The project's flags and segments are kept in
// memory and updated from resource changes, so a change costs one body build, not a database read;
// streams subscribe here and get the new body as soon as it is built.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { type ClientFeaturesResponse, createEngine, type Engine } from '@pont/flag-engine';
import { buildClientFeatures, type FlagResource, type SegmentResource } from '@pont/sdk';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import type { Topic } from '../../lib/topic.js';
import type { Resource, ResourceChange, ResourceService } from '../resources/index.js';

export interface ServedFeatures {
  project: string;
  environment: string;
  response: ClientFeaturesResponse;
  /** JSON of `response` (SSE sends it as text). */
  body: string;
  /** The same, encoded once: what GET /api/client/features writes. */
  bytes: Buffer;
  /** `bytes` gzipped, made once on first use, for SDKs that accept it (a 100-flag body shrinks ~10×). */
  gzipped(): Buffer;
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
/** The in-memory copy of a project is read again from the database at least this often. */
const STATE_MAX_AGE_MS = 10 * 60_000;

interface ProjectState {
  flags: Map<string, Resource>;
  segments: Map<string, Resource>;
  loadedAt: number;
}

export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

/** If-None-Match may list several tags, weak or strong. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

const versionOf = (r: Resource | undefined) => Number(r?.metadata.resourceVersion ?? 0);

export type ClientFeaturesCache = ReturnType<typeof createClientFeaturesCache>;

export function createClientFeaturesCache(deps: ClientFeaturesCacheDeps) {
  const { resources, clock, logger } = deps;
  const states = new Map<string, ProjectState>();
  const loading = new Map<string, Promise<ProjectState>>();
  const entries = new Map<string, ServedFeatures>();
  /** Bumped on every change of a project so that a load that raced with it is not kept. */
  const generations = new Map<string, number>();
  const listeners = new Map<string, Set<FeaturesListener>>();
  let unsubscribe: (() => void) | undefined;
  let pollTimer: ReturnType<typeof setInterval> | undefined;

  const keyOf = (project: string, environment: string) => `${project}\u0000${environment}`;
  const generation = (project: string) => generations.get(project) ?? 0;
  const now = () => clock.now().getTime();

  async function load(project: string): Promise<ProjectState> {
    const [flags, segments] = await Promise.all([
      resources.listStored('Flag', project),
      resources.listStored('Segment', project),
    ]);
    return {
      flags: new Map(flags.map((f) => [f.metadata.name, f])),
      segments: new Map(segments.map((s) => [s.metadata.name, s])),
      loadedAt: now(),
    };
  }

  async function stateOf(project: string): Promise<ProjectState> {
    for (;;) {
      const known = states.get(project);
      if (known && now() - known.loadedAt < STATE_MAX_AGE_MS) return known;
      const inFlight = loading.get(project);
      if (inFlight) {
        await inFlight.catch(() => {});
        continue;
      }
      const startedAt = generation(project);
      const promise = load(project);
      loading.set(project, promise);
      try {
        const loaded = await promise;
        // A change landed while loading: what was read may predate it, so read again.
        if (generation(project) !== startedAt) continue;
        states.set(project, loaded);
        return loaded;
      } finally {
        loading.delete(project);
      }
    }
  }

  function build(state: ProjectState, project: string, environment: string): ServedFeatures {
    const response = buildClientFeatures({
      project,
      environment,
      flags: [...state.flags.values()] as unknown as FlagResource[],
      segments: [...state.segments.values()] as unknown as SegmentResource[],
      now: now(),
    });
    const body = JSON.stringify(response);
    let engine: Engine | undefined;
    let gzipped: Buffer | undefined;
    const filtered = new Map<string, { bytes: Buffer; etag: string }>();
    const bytes = Buffer.from(body);
    return {
      project,
      environment,
      response,
      body,
      bytes,
      gzipped: () => {
        gzipped ??= gzipSync(bytes);
        return gzipped;
      },
      etag: etagOf(body),
      builtAt: now(),
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
    if (hit && now() - hit.builtAt < MAX_AGE_MS) return hit;
    const state = await stateOf(project);
    // Built synchronously from the state as it is now, so it cannot miss a change.
    const served = build(state, project, environment);
    entries.set(key, served);
    return served;
  }

  /** Sends the new body to the project's streams when it differs from what they have. */
  function push(project: string, previous: Map<string, string>): void {
    for (const [key, set] of listeners) {
      if (set.size === 0 || !key.startsWith(`${project}\u0000`)) continue;
      const environment = key.slice(project.length + 1);
      get(project, environment)
        .then((served) => {
          if (previous.get(key) === served.etag) return;
          for (const listener of listeners.get(key) ?? []) listener(served);
        })
        .catch((error) =>
          logger.warn({ err: error, project, environment }, 'could not rebuild client features'),
        );
    }
  }

  function dropBodies(project: string): Map<string, string> {
    const previous = new Map<string, string>();
    for (const [key, entry] of entries) {
      if (entry.project === project) {
        previous.set(key, entry.etag);
        entries.delete(key);
      }
    }
    return previous;
  }

  /** A Flag or Segment was written or deleted here: patch the project's copy, rebuild, push. */
  function applyChange(change: ResourceChange): void {
    const resource = change.resource;
    const project = resource.metadata.project ?? '';
    generations.set(project, generation(project) + 1);
    const state = states.get(project);
    if (state) {
      const map = resource.kind === 'Flag' ? state.flags : state.segments;
      const known = map.get(resource.metadata.name);
      // Changes of one resource may be published out of commit order: the higher version wins.
      if (change.type === 'delete') {
        if (versionOf(known) <= versionOf(resource)) map.delete(resource.metadata.name);
      } else if (versionOf(known) <= versionOf(resource)) {
        map.set(resource.metadata.name, resource);
      }
    }
    push(project, dropBodies(project));
  }

  /** Forgets everything of the project (or every project) and reads it again. */
  function invalidate(project?: string): void {
    const projects =
      project === undefined
        ? new Set([...states.keys(), ...[...entries.values()].map((e) => e.project)])
        : new Set([project]);
    for (const key of listeners.keys()) if (project === undefined) projects.add(key.split('\u0000')[0] ?? '');
    for (const p of projects) {
      generations.set(p, generation(p) + 1);
      states.delete(p);
      push(p, dropBodies(p));
    }
  }

  /**
   * Other replicas write to the same database: compare each project held in memory with the
   * database (highest version and count of its flags and segments) and read again those that differ.
   */
  async function pollReplicas(): Promise<void> {
    if (states.size === 0) return;
    const { rows } = await sql<{ project: string; v: string | number | null; n: string | number }>`
      select project, max(resource_version) as v, count(*) as n from resources
      where kind in ('Flag', 'Segment') group by project`.execute(deps.db.kysely);
    const inDatabase = new Map(rows.map((r) => [r.project, `${Number(r.v ?? 0)}/${Number(r.n)}`]));
    for (const [project, state] of states) {
      const all = [...state.flags.values(), ...state.segments.values()];
      const mine = `${all.reduce((max, r) => Math.max(max, versionOf(r)), 0)}/${all.length}`;
      if ((inDatabase.get(project) ?? '0/0') !== mine) invalidate(project);
    }
  }

  return {
    get,
    invalidate,
    /** What the replica timer runs; tests call it directly. */
    pollReplicas,
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
        if (change.resource.kind === 'Flag' || change.resource.kind === 'Segment') applyChange(change);
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
