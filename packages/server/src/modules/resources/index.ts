export {
  createKindRegistry,
  type KindDefinition,
  type KindRegistry,
  NAME_PATTERN,
  Name,
  type RegisteredKind,
  type ResourceLookup,
} from './kind-registry.js';
export { matchesLabels, parseLabelSelector } from './label-selector.js';
export {
  API_VERSION,
  diffValues,
  type FieldChange,
  keyOf,
  type Resource,
  type ResourceKey,
} from './resource.js';
export { resourceRoutes } from './resource.routes.js';
export {
  type ApplyResult,
  createResourceService,
  type ResourceChange,
  type ResourceService,
  type ResourceStores,
} from './resource.service.js';
export type { ResourceStore } from './resource.store.js';
export { createKyselyResourceStore } from './resource.store.kysely.js';
export { compileValidator } from './schema-validator.js';
