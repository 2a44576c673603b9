/** The declarative resource shape every kind shares (Kubernetes style). */
export const API_VERSION = 'pont/v1';

export interface ResourceMetadata {
  name: string;
  project?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface Resource<Spec = Record<string, unknown>, Status = Record<string, unknown>> {
  apiVersion: string;
  kind: string;
  metadata: ResourceMetadata;
  spec: Spec;
  status?: Status;
}

export interface ResourceKey {
  kind: string;
  /** '' for cluster-wide resources. */
  project: string;
  name: string;
}

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'deleted';

export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export function keyOf(resource: Resource): ResourceKey {
  return { kind: resource.kind, project: resource.metadata.project ?? '', name: resource.metadata.name };
}

export function describeKey(key: ResourceKey): string {
  return key.project ? `${key.kind} ${key.project}/${key.name}` : `${key.kind} ${key.name}`;
}

/** The user-owned part of a resource: what apply compares and audit diffs. */
export function desiredState(resource: Resource): { labels: Record<string, string>; spec: unknown } {
  return { labels: resource.metadata.labels ?? {}, spec: resource.spec };
}

/**
 * Field-level changes between two JSON values, with paths like `spec.steps[2].exec`. Arrays of
 * different length are reported element by element so a reviewer sees what moved.
 */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (jsonEqual(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: FieldChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      out.push(...diffValues(before[i], after[i], `${path}[${i}]`));
    }
    return out;
  }
  const change: FieldChange = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  return [change];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}
