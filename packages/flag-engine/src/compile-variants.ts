import type { Context, Payload, Variant } from './client-features.js';
import type { Runtime } from './compile-constraint.js';
import { resolveContextValue } from './context-value.js';
import { type HashPrefix, hashPrefix, hashWithPrefix, VARIANT_SEED } from './murmur3.js';

/** What getVariant returns: Unleash's variant shape, as the client specification expects it. */
export interface VariantResult {
  name: string;
  enabled: boolean;
  payload?: Payload;
  /** Whether the feature itself was enabled for this context. */
  feature_enabled: boolean;
}

/** A caller-provided default, returned (with feature_enabled added) when no variant applies. */
export interface FallbackVariant {
  name: string;
  enabled: boolean;
  payload?: Payload;
}

export interface CompiledVariant {
  readonly name: string;
  readonly weight: number;
  /** Running total of weights up to and including this one. */
  readonly cumulative: number;
  /** Shared, frozen result so that getVariant allocates nothing. */
  readonly result: VariantResult;
}

interface CompiledOverride {
  readonly variant: CompiledVariant;
  readonly contextName: string;
  readonly values: ReadonlySet<string>;
}

export interface CompiledVariants {
  readonly variants: readonly CompiledVariant[];
  readonly totalWeight: number;
  readonly overrides: readonly CompiledOverride[];
  /** 'default' or the context field whose value is hashed. */
  readonly stickiness: string;
  readonly groupId: string;
  readonly prefix: HashPrefix;
}

export type VariantSource = 'override' | 'hash';

export const DISABLED_VARIANT_FEATURE_OFF: VariantResult = Object.freeze({
  name: 'disabled',
  enabled: false,
  feature_enabled: false,
});
export const DISABLED_VARIANT_FEATURE_ON: VariantResult = Object.freeze({
  name: 'disabled',
  enabled: false,
  feature_enabled: true,
});

export function fallbackResult(
  fallback: FallbackVariant | undefined,
  featureEnabled: boolean,
): VariantResult {
  if (fallback === undefined)
    return featureEnabled ? DISABLED_VARIANT_FEATURE_ON : DISABLED_VARIANT_FEATURE_OFF;
  return { ...fallback, feature_enabled: featureEnabled };
}

/**
 * Precompiles a variant list; `undefined` when there is none, so callers fall through exactly where
 * unleash-client does. `groupId` is the feature name for feature variants and the strategy's
 * groupId parameter for strategy variants (unleash-client hashes "undefined:" when that is missing).
 */
export function compileVariants(
  list: readonly Variant[] | undefined,
  groupId: string,
  stickiness: string,
): CompiledVariants | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const variants: CompiledVariant[] = [];
  const overrides: CompiledOverride[] = [];
  let cumulative = 0;
  for (const v of list) {
    const weight = Number(v.weight);
    cumulative += weight;
    const result: VariantResult = { name: v.name, enabled: true, feature_enabled: true };
    if (v.payload !== undefined) result.payload = Object.freeze({ ...v.payload });
    const compiled: CompiledVariant = { name: v.name, weight, cumulative, result: Object.freeze(result) };
    variants.push(compiled);
    for (const o of v.overrides ?? []) {
      overrides.push({ variant: compiled, contextName: o.contextName, values: new Set(o.values ?? []) });
    }
  }
  return {
    variants,
    totalWeight: cumulative,
    overrides,
    stickiness,
    groupId,
    prefix: hashPrefix(`${groupId}:`, VARIANT_SEED),
  };
}

function findOverride(cv: CompiledVariants, ctx: Context): CompiledOverride | undefined {
  const overrides = cv.overrides;
  for (let i = 0; i < overrides.length; i++) {
    const o = overrides[i]!;
    const value = resolveContextValue(ctx, o.contextName);
    if (value !== undefined && o.values.has(value)) return o;
  }
  return undefined;
}

const STICKY_FIELDS = ['userId', 'sessionId', 'remoteAddress'] as const;

function randomSeed(runtime: Runtime): string {
  return String(Math.round(runtime.random() * 100000));
}

/** The id unleash-client hashes for variant selection (falls back to a random one). */
function variantSeed(stickiness: string, ctx: Context, runtime: Runtime): string {
  if (stickiness !== 'default') {
    const value = resolveContextValue(ctx, stickiness);
    return value ? value : randomSeed(runtime);
  }
  for (const key of STICKY_FIELDS) {
    const value = ctx[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return randomSeed(runtime);
}

/** unleash-client's selectVariantDefinition: override first, else weighted bucket of the seed. */
export function selectVariant(
  cv: CompiledVariants,
  ctx: Context,
  runtime: Runtime,
): CompiledVariant | undefined {
  if (cv.totalWeight <= 0) return undefined;
  if (cv.overrides.length > 0) {
    const o = findOverride(cv, ctx);
    if (o) return o.variant;
  }
  const target = (hashWithPrefix(cv.prefix, variantSeed(cv.stickiness, ctx, runtime)) % cv.totalWeight) + 1;
  const variants = cv.variants;
  for (let i = 0; i < variants.length; i++) {
    const v = variants[i]!;
    if (v.weight !== 0 && v.cumulative >= target) return v;
  }
  return undefined;
}

/** selectVariant plus how it decided, for explain(). */
export function selectVariantExplained(
  cv: CompiledVariants,
  ctx: Context,
  runtime: Runtime,
): { variant: CompiledVariant | undefined; source: VariantSource | undefined; override?: string } {
  if (cv.totalWeight <= 0) return { variant: undefined, source: undefined };
  const o = cv.overrides.length > 0 ? findOverride(cv, ctx) : undefined;
  if (o) return { variant: o.variant, source: 'override', override: o.contextName };
  return { variant: selectVariant(cv, ctx, runtime), source: 'hash' };
}

/**
 * isEnabled does not need the strategy variant, but unleash-client picks it anyway, drawing a
 * random number when there is no sticky value. We draw too (without hashing), so a shared random
 * source stays in step with the SDK and results agree call for call.
 */
export function skipVariantSelection(cv: CompiledVariants, ctx: Context, runtime: Runtime): void {
  if (cv.totalWeight <= 0) return;
  if (cv.overrides.length > 0 && findOverride(cv, ctx)) return;
  if (cv.stickiness !== 'default') {
    if (!resolveContextValue(ctx, cv.stickiness)) runtime.random();
    return;
  }
  for (const key of STICKY_FIELDS) {
    const value = ctx[key];
    if (typeof value === 'string' && value !== '') return;
  }
  runtime.random();
}
