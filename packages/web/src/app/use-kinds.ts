import { listKinds, listProjects } from '../api/resources';
import type { KindInfo } from '../api/types';
import { type Query, useQuery } from '../lib/use-query';

/** Kinds change only with a server upgrade: fetched once and shared by every page. */
export function useKinds(): Query<KindInfo[]> {
  const query = useQuery('kinds', async () => (await listKinds()).items);
  return query;
}

/** Accepts the plural (URLs), the kind name or any case of either, as the CLI does. */
export function findKind(kinds: KindInfo[] | undefined, name: string | undefined): KindInfo | undefined {
  if (!kinds || !name) return undefined;
  const lower = name.toLowerCase();
  return kinds.find((k) => k.plural === lower || k.kind.toLowerCase() === lower);
}

export function useProjects() {
  return useQuery('projects', async () => (await listProjects()).items);
}
