export type {
  ClientFeature,
  ClientFeaturesResponse,
  Constraint,
  Context,
  Explanation,
  Segment,
  Strategy,
  Variant,
  VariantResult,
} from '@pont/flag-engine';
export { createEngine, formatExplanation } from '@pont/flag-engine';
export { buildClientFeatures, MISSING_SEGMENT_ID, segmentIds } from './client-features-builder.js';
export {
  createFlagClient,
  type FlagClient,
  type FlagClientEvents,
  type FlagClientMode,
  type FlagClientOptions,
  SDK_NAME,
} from './flag-client.js';
export {
  FLAG_LIFETIME_DAYS,
  FLAG_TYPES,
  type FlagDependency,
  type FlagEnvironment,
  type FlagResource,
  type FlagSpec,
  type FlagStrategy,
  type FlagType,
  type FlagVariant,
  flagKey,
  isStale,
  KNOWN_STRATEGIES,
  lifetimeDays,
  MULTI_VALUE_OPERATORS,
  normalizedEnvironment,
  OPERATORS,
  resolveVariantWeights,
  type SegmentResource,
  type SegmentSpec,
} from './flag-resources.js';
export { readSse, type SseEvent, SseParser } from './sse.js';
export {
  fromUnleash,
  type SkippedFeature,
  toResourceName,
  type UnleashImport,
  type UnleashImportOptions,
} from './unleash-import.js';
export {
  type SpecProblem,
  validateConstraint,
  validateFlagSpec,
  validateSegmentSpec,
  validateStrategy,
  validateVariants,
} from './validate.js';
