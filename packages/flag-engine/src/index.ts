export { applyDelta, type ClientFeaturesDelta, type DeltaEvent } from './apply-delta.js';
export type {
  ClientFeature,
  ClientFeaturesResponse,
  Constraint,
  Context,
  ContextPropertyValue,
  Dependency,
  Operator,
  Override,
  Payload,
  Segment,
  Strategy,
  StrategyVariant,
  Variant,
} from './client-features.js';
export { compileRe2, type Re2Compilation } from './compile-re2.js';
export type { FallbackVariant, VariantResult } from './compile-variants.js';
export { resolveContextValue } from './context-value.js';
export { createEngine, type Engine, type EngineOptions, type Fallback } from './create-engine.js';
export type {
  ConstraintFailure,
  DependencyExplanation,
  Explanation,
  ExplanationReason,
  StrategyExplanation,
  VariantExplanation,
} from './explain-feature.js';
export { formatExplanation } from './format-explanation.js';
export { murmur3, normalizedHash, STRATEGY_SEED, VARIANT_SEED } from './murmur3.js';
