// The Flag and Segment resources as pont stores them (`kind: Flag`, `kind: Segment`). The server
// validates them with a JSON Schema of the same shape; these types are what code reads and writes.
import type { Constraint, Payload } from '@pont/flag-engine';

export const FLAG_TYPES = ['release', 'experiment', 'operational', 'kill-switch', 'permission'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

/** Expected lifetime of each flag type, in days (Unleash's defaults); null means permanent. */
export const FLAG_LIFETIME_DAYS: Record<FlagType, number | null> = {
  release: 40,
  experiment: 40,
  operational: 7,
  'kill-switch': null,
  permission: null,
};

export const KNOWN_STRATEGIES = [
  'default',
  'flexibleRollout',
  'userWithId',
  'remoteAddress',
  'applicationHostname',
  'gradualRolloutUserId',
  'gradualRolloutSessionId',
  'gradualRolloutRandom',
] as const;

export const OPERATORS = [
  'IN',
  'NOT_IN',
  'STR_CONTAINS',
  'STR_STARTS_WITH',
  'STR_ENDS_WITH',
  'NUM_EQ',
  'NUM_GT',
  'NUM_GTE',
  'NUM_LT',
  'NUM_LTE',
  'DATE_AFTER',
  'DATE_BEFORE',
  'SEMVER_EQ',
  'SEMVER_GT',
  'SEMVER_GTE',
  'SEMVER_LT',
  'SEMVER_LTE',
  'REGEX',
  'IN_CIDR',
] as const;

/** Operators that compare against `values` (a list); the others use the single `value`. */
export const MULTI_VALUE_OPERATORS: ReadonlySet<string> = new Set([
  'IN',
  'NOT_IN',
  'STR_CONTAINS',
  'STR_STARTS_WITH',
  'STR_ENDS_WITH',
  'IN_CIDR',
]);

export interface FlagVariant {
  name: string;
  /** 0–1000; when omitted, variants without a weight share what the others leave. */
  weight?: number;
  weightType?: 'variable' | 'fix';
  stickiness?: string;
  payload?: Payload;
  overrides?: Array<{ contextName: string; values: string[] }>;
}

export interface FlagStrategy {
  name: string;
  title?: string;
  /** A disabled strategy is kept in the spec but not served to SDKs. */
  disabled?: boolean;
  parameters?: Record<string, string | number>;
  constraints?: Constraint[];
  /** Names of Segment resources of the same project. */
  segments?: string[];
  variants?: FlagVariant[];
}

export interface FlagEnvironment {
  enabled: boolean;
  strategies?: FlagStrategy[];
  variants?: FlagVariant[];
}

export interface FlagDependency {
  /** Name of the parent Flag resource. */
  flag: string;
  /** false: the parent must be disabled; default true. */
  enabled?: boolean;
  /** The parent's variant must be one of these (when enabled). */
  variants?: string[];
}

export interface FlagSpec {
  /** The name applications pass to isEnabled; defaults to metadata.name. */
  key?: string;
  description?: string;
  type?: FlagType;
  /** Overrides the type's expected lifetime (days); 0 means permanent. */
  lifetimeDays?: number;
  /** Marked stale by hand, whatever its age. */
  stale?: boolean;
  impressionData?: boolean;
  dependencies?: FlagDependency[];
  /** Per environment of the project; an absent environment is off. */
  environments?: Record<string, FlagEnvironment>;
}

export interface SegmentSpec {
  /** The name shown to SDKs and in Unleash exports; defaults to metadata.name. */
  key?: string;
  description?: string;
  constraints: Constraint[];
}

export interface FlagResourceMetadata {
  name: string;
  project?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface FlagResource {
  apiVersion: 'pont/v1' | string;
  kind: 'Flag' | string;
  metadata: FlagResourceMetadata;
  spec: FlagSpec;
  status?: Record<string, unknown>;
}

export interface SegmentResource {
  apiVersion: 'pont/v1' | string;
  kind: 'Segment' | string;
  metadata: FlagResourceMetadata;
  spec: SegmentSpec;
  status?: Record<string, unknown>;
}

export function flagKey(flag: Pick<FlagResource, 'metadata' | 'spec'>): string {
  return flag.spec.key ?? flag.metadata.name;
}

/** Days a flag is expected to live; null when permanent. */
export function lifetimeDays(spec: FlagSpec): number | null {
  if (spec.lifetimeDays !== undefined) return spec.lifetimeDays === 0 ? null : spec.lifetimeDays;
  return FLAG_LIFETIME_DAYS[spec.type ?? 'release'];
}

/** Stale when marked so, or older than its type's expected lifetime (Unleash's "potentially stale"). */
export function isStale(flag: Pick<FlagResource, 'metadata' | 'spec'>, now: number = Date.now()): boolean {
  if (flag.spec.stale === true) return true;
  const days = lifetimeDays(flag.spec);
  const created = flag.metadata.createdAt ? Date.parse(flag.metadata.createdAt) : Number.NaN;
  if (days === null || Number.isNaN(created)) return false;
  return now - created > days * 86_400_000;
}

const EMPTY_ENVIRONMENT: FlagEnvironment = Object.freeze({ enabled: false });

/**
 * One environment's configuration in a canonical form, so that "absent" and `{enabled: false}`
 * compare equal and diffs show only what matters.
 */
export function normalizedEnvironment(config: FlagEnvironment | undefined): Required<FlagEnvironment> {
  const c = config ?? EMPTY_ENVIRONMENT;
  return { enabled: c.enabled === true, strategies: c.strategies ?? [], variants: c.variants ?? [] };
}

/** Weights as SDKs need them: variants without a weight share what the fixed ones leave, like Unleash. */
export function resolveVariantWeights(
  variants: readonly FlagVariant[],
): Array<FlagVariant & { weight: number }> {
  const missing = variants.filter((v) => v.weight === undefined).length;
  if (missing === 0) return variants as Array<FlagVariant & { weight: number }>;
  const given = variants.reduce((sum, v) => sum + (v.weight ?? 0), 0);
  const remaining = Math.max(0, 1000 - given);
  const share = Math.floor(remaining / missing);
  let extra = remaining - share * missing;
  return variants.map((v) => {
    if (v.weight !== undefined) return v as FlagVariant & { weight: number };
    const weight = share + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    return { ...v, weight };
  });
}
