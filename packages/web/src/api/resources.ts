import { request } from './client';
import type { ApplyResult, JsonSchema, KindInfo, List, Resource } from './types';

const enc = encodeURIComponent;

/**
 * Where a kind's resources live: project-scoped kinds under the project, cluster kinds at the
 * top; kinds of scope "both" go under the project when one is given.
 */
export function resourcePath(kind: KindInfo, project: string | undefined, name?: string): string {
  const inProject = kind.scope === 'project' || (kind.scope === 'both' && project);
  const base = inProject ? `/api/v1/projects/${enc(project ?? '')}/${kind.plural}` : `/api/v1/${kind.plural}`;
  return name === undefined ? base : `${base}/${enc(name)}`;
}

export const listKinds = () => request<List<KindInfo>>('/api/v1/kinds');

export const getSchema = (kind: string) => request<JsonSchema>(`/api/v1/schemas/${enc(kind)}`);

export const listProjects = () => request<List<Resource>>('/api/v1/projects');

export async function listResources<Spec = Record<string, unknown>>(
  kind: KindInfo,
  project: string | undefined,
): Promise<List<Resource<Spec>>> {
  if (kind.scope !== 'both' || !project) {
    return request<List<Resource<Spec>>>(resourcePath(kind, project));
  }
  // A "both" kind (Policy) has project resources and cluster-wide ones; the console shows both.
  const [inProject, cluster] = await Promise.all([
    request<List<Resource<Spec>>>(resourcePath(kind, project)),
    request<List<Resource<Spec>>>(resourcePath(kind, undefined)),
  ]);
  return { items: [...inProject.items, ...cluster.items.filter((r) => !r.metadata.project)] };
}

export const getResource = (kind: KindInfo, project: string | undefined, name: string) =>
  request<Resource>(resourcePath(kind, project, name));

export const putResource = (kind: KindInfo, resource: Resource) =>
  request<Resource>(resourcePath(kind, resource.metadata.project, resource.metadata.name), {
    method: 'PUT',
    body: resource,
  });

export const deleteResource = (kind: KindInfo, project: string | undefined, name: string) =>
  request<{ results: ApplyResult[] }>(resourcePath(kind, project, name), { method: 'DELETE' });

/** The editor's one write path: the same multi-document apply `pont apply -f` uses. */
export const applyYaml = (yaml: string, options: { dryRun: boolean; file?: string; signal?: AbortSignal }) =>
  request<{ results: ApplyResult[] }>('/api/v1/apply', {
    method: 'POST',
    body: yaml,
    contentType: 'application/yaml',
    query: { dryRun: options.dryRun ? 'true' : undefined, file: options.file ?? 'editor.yaml' },
    ...(options.signal ? { signal: options.signal } : {}),
  });
