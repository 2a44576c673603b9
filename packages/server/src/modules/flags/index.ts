export { type ClientFeaturesCache, etagOf, type ServedFeatures } from './client-features.cache.js';
export { flagEnvironmentsOf, flagKind, segmentEnvironments, segmentKind } from './flag.kind.js';
export type { ChangeOutcome, FlagService } from './flag.service.js';
export type { FlagChange, FlagChangeStatus } from './flag-change.js';
export type { FlagMetricsService, MetricsPayload } from './flag-metrics.service.js';
export {
  applyOperation,
  environmentsChanged,
  type FlagOperation,
  isKill,
} from './flag-operations.js';
export { DEFAULT_FLAGS_CONFIG, type FlagsConfig, loadFlagsConfig } from './flags.config.js';
export { createFlagsModule, type FlagsModule, type FlagsModuleDeps } from './flags.module.js';
