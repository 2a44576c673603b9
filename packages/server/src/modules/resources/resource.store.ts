import type { LabelRequirement } from './label-selector.js';
import type { Resource, ResourceKey } from './resource.js';

export interface ListOptions {
  labelSelector?: LabelRequirement[];
  limit?: number;
  /** Resume after this position (decoded from the `continue` token of the previous page). */
  after?: PagePosition;
}

export interface PagePosition {
  project: string;
  name: string;
}

export interface ResourcePage {
  items: Resource[];
  /** Position of the last item when more remain. */
  next?: PagePosition;
}

/** Persistence of resources in their stored form (secrets already encrypted). */
export interface ResourceStore {
  get(key: ResourceKey): Promise<Resource | undefined>;
  /** Every resource of a kind; `project` undefined means across projects. */
  list(kind: string, project: string | undefined, options?: ListOptions): Promise<ResourcePage>;
  insert(resource: Resource): Promise<void>;
  /** Writes when the stored version is still `expectedVersion`; false when someone wrote first. */
  update(resource: Resource, expectedVersion: string): Promise<boolean>;
  delete(key: ResourceKey): Promise<boolean>;
  /** Resources of any kind in a project, for cascading deletes. */
  listProject(project: string): Promise<Resource[]>;
  /** Next value of the cluster-wide, monotonic resource version. */
  nextVersion(): Promise<string>;
}
