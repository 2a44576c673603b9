import { age } from './output.js';

export interface ResourceLike {
  apiVersion?: string;
  kind: string;
  metadata: {
    name: string;
    project?: string;
    labels?: Record<string, string>;
    createdAt?: string;
    resourceVersion?: string;
  };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

type Column = [header: string, value: (r: ResourceLike) => string];

const list = (v: unknown) => (Array.isArray(v) ? v.join(',') : '');
const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** Columns per kind; kinds not listed get NAME and AGE. Other modules add theirs with addColumns. */
const COLUMNS: Record<string, Column[]> = {
  Project: [['DESCRIPTION', (r) => text(r.spec.description ?? r.spec.displayName)]],
  Environment: [
    ['ORDER', (r) => text(r.spec.order)],
    ['PROTECTED', (r) => (r.spec.protected ? 'yes' : 'no')],
  ],
  Node: [
    ['ENVIRONMENT', (r) => text(r.spec.environment)],
    ['EXECUTOR', (r) => text(r.spec.executor)],
    ['HOSTNAME', (r) => `${text(r.spec.hostname)}${r.spec.port ? `:${r.spec.port}` : ''}`],
    ['TAGS', (r) => list(r.spec.tags)],
  ],
  Secret: [
    ['TYPE', (r) => text(r.spec.type ?? 'opaque')],
    ['KEYS', (r) => list(r.status?.keys)],
  ],
  Policy: [
    [
      'SUBJECTS',
      (r) =>
        ((r.spec.subjects as Array<Record<string, string>>) ?? [])
          .map((s) =>
            Object.entries(s)
              .map(([k, v]) => `${k}:${v}`)
              .join(''),
          )
          .join(','),
    ],
    ['RULES', (r) => text((r.spec.rules as unknown[] | undefined)?.length ?? 0)],
  ],
};

export function addColumns(kind: string, columns: Column[]): void {
  COLUMNS[kind] = columns;
}

export function resourceTable(
  items: ResourceLike[],
  allProjects: boolean,
): { headers: string[]; rows: string[][] } {
  const kind = items[0]?.kind ?? '';
  const extra = COLUMNS[kind] ?? [];
  const headers = [...(allProjects ? ['PROJECT'] : []), 'NAME', ...extra.map(([h]) => h), 'AGE'];
  const rows = items.map((r) => [
    ...(allProjects ? [r.metadata.project ?? ''] : []),
    r.metadata.name,
    ...extra.map(([, value]) => value(r)),
    age(r.metadata.createdAt),
  ]);
  return { headers, rows };
}
