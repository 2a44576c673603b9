import type { ClientFeature, ClientFeaturesResponse, Segment } from './client-features.js';
import type { Runtime } from './compile-constraint.js';
import { type CompiledStrategy, compileStrategy } from './compile-strategy.js';
import { type CompiledVariants, compileVariants } from './compile-variants.js';

export interface CompiledDependency {
  readonly feature: string;
  /** `undefined` when the parent is not in the response: the dependency then never holds. */
  readonly parent: CompiledFeature | undefined;
  readonly expectEnabled: boolean;
  /** Non-empty list of acceptable parent variants, or `undefined`. */
  readonly variants: readonly string[] | undefined;
}

export interface CompiledFeature {
  readonly name: string;
  readonly enabled: boolean;
  /** unleash-client disables a feature whose `strategies` is not an array. */
  readonly strategiesValid: boolean;
  readonly strategies: readonly CompiledStrategy[];
  readonly variants: CompiledVariants | undefined;
  /** `undefined` when the feature has no dependencies. */
  dependencies: readonly CompiledDependency[] | undefined;
  readonly source: ClientFeature;
}

export function compileFeatures(
  response: ClientFeaturesResponse,
  runtime: Runtime,
): Map<string, CompiledFeature> {
  const segments = new Map<number, Segment>();
  for (const s of response.segments ?? []) segments.set(s.id, s);

  const features = new Map<string, CompiledFeature>();
  for (const f of response.features ?? []) {
    const strategiesValid = Array.isArray(f.strategies);
    const strategies = strategiesValid
      ? f.strategies.map((s, i) => compileStrategy(s, i, segments, runtime))
      : [];
    features.set(f.name, {
      name: f.name,
      enabled: f.enabled,
      strategiesValid,
      strategies,
      // unleash-client passes `variants[0].stickiness ?? undefined`, i.e. "default" when unset.
      variants: compileVariants(f.variants, f.name, f.variants?.[0]?.stickiness ?? 'default'),
      dependencies: undefined,
      source: f,
    });
  }
  // Second pass: parents are looked up once here instead of by name on every evaluation.
  for (const compiled of features.values()) {
    const deps = compiled.source.dependencies;
    if (!Array.isArray(deps) || deps.length === 0) continue;
    compiled.dependencies = deps.map((d) => ({
      feature: d.feature,
      parent: features.get(d.feature),
      expectEnabled: d.enabled !== false,
      variants: Array.isArray(d.variants) && d.variants.length > 0 ? d.variants : undefined,
    }));
  }
  return features;
}
