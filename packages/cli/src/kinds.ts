import type { PontClient } from '@pont/sdk';
import { UsageError } from './exit-codes.js';

export interface KindInfo {
  kind: string;
  plural: string;
  shortNames?: string[];
  scope: 'project' | 'cluster' | 'both';
  description: string;
}

/** Accepts `Job`, `job`, `jobs` (and `env`/`envs` style prefixes when unambiguous), like kubectl. */
export async function resolveKind(client: PontClient, name: string): Promise<KindInfo> {
  const { items } = await client.request<{ items: KindInfo[] }>('GET', '/api/v1/kinds');
  const lower = name.toLowerCase();
  const exact = items.find(
    (k) => k.kind.toLowerCase() === lower || k.plural === lower || k.shortNames?.includes(lower),
  );
  if (exact) return exact;
  const prefixed = items.filter((k) => k.kind.toLowerCase().startsWith(lower) || k.plural.startsWith(lower));
  if (prefixed.length === 1 && prefixed[0]) return prefixed[0];
  const known = items
    .map((k) => k.plural)
    .sort()
    .join(', ');
  throw new UsageError(`unknown kind "${name}"; known kinds: ${known}`);
}

/** The REST path of a kind's collection or item. */
export function kindPath(kind: KindInfo, project: string | undefined, name?: string): string {
  const suffix = name ? `/${encodeURIComponent(name)}` : '';
  if (kind.kind === 'Project') return `/api/v1/projects${suffix}`;
  if (kind.scope === 'cluster' || (kind.scope === 'both' && !project))
    return `/api/v1/${kind.plural}${suffix}`;
  if (!project) return `/api/v1/${kind.plural}${suffix}`;
  return `/api/v1/projects/${encodeURIComponent(project)}/${kind.plural}${suffix}`;
}
