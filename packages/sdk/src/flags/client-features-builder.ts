// Flag and Segment resources → Unleash's client-features body for one environment. The server serves
// exactly this at /api/client/features; `pont flags eval` and tests build it the same way.
import type {
  ClientFeature,
  ClientFeaturesResponse,
  Constraint,
  Segment,
  Strategy,
  Variant,
} from '@pont/flag-engine';
import {
  type FlagResource,
  type FlagStrategy,
  type FlagVariant,
  flagKey,
  isStale,
  resolveVariantWeights,
  type SegmentResource,
} from './flag-resources.js';

export interface BuildClientFeaturesInput {
  project: string;
  environment: string;
  flags: readonly FlagResource[];
  segments: readonly SegmentResource[];
  /** Epoch ms for staleness; default now. */
  now?: number;
}

/** Never assigned to a segment: a strategy naming a deleted segment gets it and fails, as in Unleash. */
export const MISSING_SEGMENT_ID = 0;

/** Segment ids are positions in name order (1, 2, …): stable as long as segments are not added or removed. */
export function segmentIds(segments: readonly SegmentResource[]): Map<string, number> {
  const names = segments.map((s) => s.metadata.name).sort();
  return new Map(names.map((name, i) => [name, i + 1]));
}

export function buildClientFeatures(input: BuildClientFeaturesInput): ClientFeaturesResponse & {
  query: { project: string[]; environment: string };
} {
  const now = input.now ?? Date.now();
  const ids = segmentIds(input.segments);
  const keys = new Map(input.flags.map((f) => [f.metadata.name, flagKey(f)]));
  const used = new Set<number>();
  const features = [...input.flags]
    .sort((a, b) => compareStrings(flagKey(a), flagKey(b)))
    .map((flag) => toClientFeature(flag, input, ids, keys, used, now));
  const segments: Segment[] = [...input.segments]
    .filter((s) => used.has(ids.get(s.metadata.name) ?? MISSING_SEGMENT_ID))
    .sort((a, b) => (ids.get(a.metadata.name) ?? 0) - (ids.get(b.metadata.name) ?? 0))
    .map((s) => ({
      id: ids.get(s.metadata.name) ?? MISSING_SEGMENT_ID,
      name: s.spec.key ?? s.metadata.name,
      constraints: (s.spec.constraints ?? []).map(toConstraint),
    }));
  return {
    version: 2,
    features,
    segments,
    query: { project: [input.project], environment: input.environment },
  };
}

function toClientFeature(
  flag: FlagResource,
  input: BuildClientFeaturesInput,
  ids: Map<string, number>,
  keys: Map<string, string>,
  used: Set<number>,
  now: number,
): ClientFeature {
  const spec = flag.spec;
  const config = spec.environments?.[input.environment];
  const all = config?.strategies ?? [];
  const active = all.filter((s) => s.disabled !== true);
  // A flag whose every strategy is disabled is off, rather than on for everyone (no strategies).
  const enabled = config?.enabled === true && !(all.length > 0 && active.length === 0);
  const feature: ClientFeature = {
    name: flagKey(flag),
    type: spec.type ?? 'release',
    description: spec.description ?? null,
    project: input.project,
    enabled,
    stale: isStale(flag, now),
    impressionData: spec.impressionData === true,
    strategies: active.map((s, i) => toStrategy(s, i, ids, used)),
    variants: (config?.variants?.length ? resolveVariantWeights(config.variants) : []).map(toVariant),
  };
  if (spec.dependencies?.length) {
    feature.dependencies = spec.dependencies.map((d) => ({
      feature: keys.get(d.flag) ?? d.flag,
      ...(d.enabled === false ? { enabled: false } : { enabled: true }),
      ...(d.variants?.length ? { variants: d.variants } : {}),
    }));
  }
  return feature;
}

function toStrategy(s: FlagStrategy, index: number, ids: Map<string, number>, used: Set<number>): Strategy {
  const strategy: Strategy = {
    name: s.name,
    constraints: (s.constraints ?? []).map(toConstraint),
    parameters: Object.fromEntries(Object.entries(s.parameters ?? {}).map(([k, v]) => [k, String(v)])),
    sortOrder: index,
  };
  if (s.title) strategy.title = s.title;
  if (s.segments?.length) {
    strategy.segments = s.segments.map((name) => {
      const id = ids.get(name) ?? MISSING_SEGMENT_ID;
      used.add(id);
      return id;
    });
  }
  if (s.variants?.length) strategy.variants = resolveVariantWeights(s.variants).map(toVariant);
  return strategy;
}

function toConstraint(c: Constraint): Constraint {
  const out: Constraint = { contextName: c.contextName, operator: c.operator };
  if (c.values !== undefined) out.values = c.values;
  if (c.value !== undefined) out.value = c.value;
  out.inverted = c.inverted === true;
  out.caseInsensitive = c.caseInsensitive === true;
  return out;
}

function toVariant(v: FlagVariant & { weight: number }): Variant {
  // No default stickiness: a strategy variant without one inherits the strategy's, as in Unleash.
  const out: Variant = { name: v.name, weight: v.weight };
  if (v.weightType) out.weightType = v.weightType;
  if (v.stickiness) out.stickiness = v.stickiness;
  if (v.payload) out.payload = v.payload;
  if (v.overrides?.length) out.overrides = v.overrides;
  return out;
}

/** Code-unit order, the same on every machine (localeCompare is not). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
