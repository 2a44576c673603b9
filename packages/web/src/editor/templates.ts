import { stringify } from 'yaml';
import type { JsonSchema, KindInfo } from '../api/types';

const HEADER = '# Edit, watch the checks below, then Save. Errors show inline as you type.\n';

/** Hand-written starting points for the core kinds: what an operator would write first. */
const SPECS: Record<string, (project: string) => Record<string, unknown>> = {
  Environment: () => ({
    order: 10,
    protected: false,
    color: '#607d8b',
    description: 'What this stage is for',
  }),
  Node: () => ({
    environment: 'dev',
    hostname: 'app-1.example.internal',
    executor: 'ssh',
    port: 22,
    username: 'deploy',
    tags: ['app'],
    attributes: { os: 'linux' },
    credentials: { secret: 'deploy-key', type: 'key' },
  }),
  Secret: () => ({
    type: 'ssh-key',
    description: 'Deploy key',
    data: { privateKey: 'paste the value here' },
  }),
  Policy: (project) => ({
    description: 'Developers may run jobs in test',
    subjects: [{ group: 'developers' }],
    rules: [
      { effect: 'allow', actions: ['run'], kinds: ['Job'], projects: [project], environments: ['test'] },
    ],
  }),
  Project: () => ({ displayName: 'My project', description: 'What the team ships' }),
};

/** For kinds the console does not know yet: the required fields of the schema with blank values. */
export function skeleton(schema: JsonSchema | undefined): unknown {
  if (!schema) return {};
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return skeleton(variant);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = skeleton(schema.properties?.[key]);
      return out;
    }
    case 'array':
      return schema.items ? [skeleton(schema.items)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return '';
  }
}

export function templateFor(kind: KindInfo, project: string, schema?: JsonSchema): string {
  const metadata: Record<string, unknown> = { name: `new-${kind.kind.toLowerCase()}` };
  if (kind.scope !== 'cluster') metadata.project = project;
  const spec = SPECS[kind.kind]?.(project) ?? skeleton(schema?.properties?.spec);
  const doc = { apiVersion: 'pont/v1', kind: kind.kind, metadata, spec };
  return HEADER + stringify(doc, { lineWidth: 0 });
}

/** The YAML shown for a stored resource: everything, including resourceVersion for conflict checks. */
export function toYaml(resource: unknown): string {
  return stringify(resource, { lineWidth: 0 });
}
