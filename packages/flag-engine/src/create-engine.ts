import type { ClientFeaturesResponse, Context } from './client-features.js';
import type { Runtime } from './compile-constraint.js';
import { compileFeatures } from './compile-features.js';
import { type FallbackVariant, fallbackResult, type VariantResult } from './compile-variants.js';
import { featureVariant, isFeatureEnabled } from './evaluate-feature.js';
import { type Explanation, explainFeature } from './explain-feature.js';

export interface EngineOptions {
  /**
   * Host name for the applicationHostname strategy when the context has no `properties.hostname`
   * (the engine never reads the OS: it also runs in browsers).
   */
  hostname?: string;
  /** Random source in [0, 1) for gradualRolloutRandom and random stickiness; default Math.random. */
  random?: () => number;
  /** Clock in epoch ms for DATE_* constraints when the context has no currentTime; default Date.now. */
  now?: () => number;
}

/** Like unleash-client: a constant, or a function of the flag name and context. */
export type Fallback = boolean | ((name: string, context: Context) => boolean);

export interface Engine {
  /** Whether `name` is on for `context`; `fallback` (default false) when the flag does not exist. */
  isEnabled(name: string, context?: Context, fallback?: Fallback): boolean;
  /**
   * The variant of `name` for `context`, in Unleash's shape. When no variant applies the result is
   * `fallbackVariant` (default `{name: 'disabled', enabled: false}`) with `feature_enabled` set.
   */
  getVariant(name: string, context?: Context, fallbackVariant?: FallbackVariant): VariantResult;
  /** The result of getVariant plus why: which strategy matched, which constraint failed, … */
  explain(name: string, context?: Context): Explanation;
  /** Whether the response defines `name`. */
  has(name: string): boolean;
  /** Names of all features, in response order. */
  readonly featureNames: readonly string[];
}

const EMPTY_CONTEXT: Context = Object.freeze({});

/**
 * Compiles an Unleash client-features response into an evaluator. Everything that does not depend
 * on the context (value sets, regexes, CIDR ranges, semver targets, hash prefixes, parent lookups)
 * is prepared here, so evaluation only reads the context.
 */
export function createEngine(response: ClientFeaturesResponse, options: EngineOptions = {}): Engine {
  const runtime: Runtime = {
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    hostname: options.hostname?.toLowerCase(),
  };
  const features = compileFeatures(response, runtime);
  const featureNames = Object.freeze([...features.keys()]);

  return {
    isEnabled(name, context = EMPTY_CONTEXT, fallback) {
      const f = features.get(name);
      if (f === undefined) {
        if (typeof fallback === 'function') return fallback(name, context);
        return fallback === true;
      }
      return isFeatureEnabled(f, context, runtime);
    },
    getVariant(name, context = EMPTY_CONTEXT, fallbackVariant) {
      const f = features.get(name);
      if (f === undefined) return fallbackResult(fallbackVariant, false);
      return featureVariant(f, context, runtime, fallbackVariant);
    },
    explain(name, context = EMPTY_CONTEXT) {
      return explainFeature(features.get(name), name, context, runtime);
    },
    has(name) {
      return features.has(name);
    },
    featureNames,
  };
}
