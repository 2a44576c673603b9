import { listResources } from '../api/resources';
import type { KindInfo, Resource } from '../api/types';
import { invalidate, type Query, useQuery } from '../lib/use-query';

/** The core kinds pages use directly, so they need not wait for /kinds before fetching. */
export const ENVIRONMENT_KIND: KindInfo = {
  kind: 'Environment',
  plural: 'environments',
  scope: 'project',
  description: '',
};
export const NODE_KIND: KindInfo = { kind: 'Node', plural: 'nodes', scope: 'project', description: '' };
export const JOB_KIND: KindInfo = { kind: 'Job', plural: 'jobs', scope: 'project', description: '' };

/** Environments in promotion order (lowest `order` first), whatever order the list came in. */
export function byPromotionOrder<T extends { spec: { order?: number }; metadata: { name: string } }>(
  envs: T[] | undefined,
): T[] {
  return [...(envs ?? [])].sort(
    (a, b) => (a.spec.order ?? 0) - (b.spec.order ?? 0) || a.metadata.name.localeCompare(b.metadata.name),
  );
}

export function resourcesKey(kind: KindInfo, project: string | undefined): string {
  return `resources:${project ?? ''}:${kind.plural}`;
}

export function useResourceList<Spec = Record<string, unknown>>(
  kind: KindInfo | undefined,
  project: string | undefined,
): Query<Resource<Spec>[]> {
  return useQuery(kind ? resourcesKey(kind, project) : null, async () => {
    if (!kind) return [];
    return (await listResources<Spec>(kind, project)).items;
  });
}

/** After any write: lists of the project (and cluster-wide ones) refresh, as do project names. */
export function invalidateResources(project: string | undefined): void {
  invalidate(`resources:${project ?? ''}:`);
  invalidate('resources::');
  invalidate('projects');
}
