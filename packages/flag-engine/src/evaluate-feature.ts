import type { Context } from './client-features.js';
import type { Runtime } from './compile-constraint.js';
import type { CompiledFeature } from './compile-features.js';
import type { CompiledStrategy } from './compile-strategy.js';
import {
  type FallbackVariant,
  fallbackResult,
  selectVariant,
  skipVariantSelection,
  type VariantResult,
} from './compile-variants.js';

/** Stands for "enabled because the feature has no strategies" (no strategy variants then). */
export const NO_STRATEGIES: CompiledStrategy = Object.freeze({
  index: -1,
  name: '',
  known: true,
  constraints: [],
  check: () => true,
  variants: undefined,
  source: { name: '' },
});

/**
 * unleash-client's isParentDependencySatisfied. Parents are evaluated with the same context; a
 * parent that itself has dependencies never satisfies (Unleash allows one level only).
 */
function dependenciesSatisfied(f: CompiledFeature, ctx: Context, rt: Runtime): boolean {
  const deps = f.dependencies!;
  for (let i = 0; i < deps.length; i++) {
    const d = deps[i]!;
    const parent = d.parent;
    if (parent === undefined || parent.dependencies !== undefined) return false;
    if (d.expectEnabled) {
      if (d.variants !== undefined) {
        const v = featureVariant(parent, ctx, rt, undefined);
        if (!v.feature_enabled || !d.variants.includes(v.name)) return false;
      } else if (!isFeatureEnabled(parent, ctx, rt)) {
        return false;
      }
    } else if (isFeatureEnabled(parent, ctx, rt)) {
      return false;
    }
  }
  return true;
}

/** The first strategy that enables the feature for `ctx`, or null when it is off. */
export function matchStrategy(f: CompiledFeature, ctx: Context, rt: Runtime): CompiledStrategy | null {
  // Dependencies come first, even for a disabled feature, as in unleash-client: the order in which
  // random draws happen must match for a shared random source to give the same answers.
  if (f.dependencies !== undefined && !dependenciesSatisfied(f, ctx, rt)) return null;
  if (!f.enabled || !f.strategiesValid) return null;
  const list = f.strategies;
  if (list.length === 0) return NO_STRATEGIES;
  outer: for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    if (!s.known) continue;
    const cs = s.constraints;
    for (let j = 0; j < cs.length; j++) if (!cs[j]!.test(ctx)) continue outer;
    if (s.check(ctx)) return s;
  }
  return null;
}

export function isFeatureEnabled(f: CompiledFeature, ctx: Context, rt: Runtime): boolean {
  const s = matchStrategy(f, ctx, rt);
  if (s === null) return false;
  if (s.variants !== undefined) skipVariantSelection(s.variants, ctx, rt);
  return true;
}

/** unleash-client's resolveVariant: strategy variant, else feature variant, else the fallback. */
export function featureVariant(
  f: CompiledFeature,
  ctx: Context,
  rt: Runtime,
  fallback: FallbackVariant | undefined,
): VariantResult {
  const s = matchStrategy(f, ctx, rt);
  if (s === null) return fallbackResult(fallback, false);
  if (s.variants !== undefined) {
    const v = selectVariant(s.variants, ctx, rt);
    if (v !== undefined) return v.result;
  }
  if (f.variants === undefined) return fallbackResult(fallback, true);
  const v = selectVariant(f.variants, ctx, rt);
  return v !== undefined ? v.result : fallbackResult(fallback, true);
}
