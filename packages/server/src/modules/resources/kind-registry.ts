import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import { type ErrorDetail, PontError } from '../../errors/index.js';
import { API_VERSION, type Resource } from './resource.js';
import { compileValidator, type Validate } from './schema-validator.js';

/** Lowercase DNS label: what Kubernetes accepts as a name, so names work in URLs, files and hosts. */
export const NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const LABEL_VALUE_PATTERN = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';

export const Name = Type.String({
  pattern: NAME_PATTERN,
  maxLength: 63,
  description:
    'lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
});

export type KindScope = 'project' | 'cluster' | 'both';

/** What a module tells the resource layer about one of its kinds. */
export interface KindDefinition {
  kind: string;
  plural: string;
  /** Abbreviations the CLI accepts (`env`, `envs`), as kubectl's short names. */
  shortNames?: string[];
  scope: KindScope;
  description: string;
  spec: TSchema;
  status?: TSchema;
  /** The environment a resource is bound to, so policies can grant per environment. */
  environmentOf?(resource: Resource): string | undefined;
  /**
   * For kinds configured per environment (Flag): the environments a change touches (`previous` is the
   * stored version; undefined on create and delete). Apply and delete are authorised in each of them;
   * an empty list means the change is about no environment in particular.
   */
  environmentsOf?(resource: Resource, previous: Resource | undefined): string[];
  /** Checks beyond the schema (references, unique step ids); `lookup` sees the pending batch. */
  check?(resource: Resource, lookup: ResourceLookup): Promise<ErrorDetail[]> | ErrorDetail[];
  /** Turns the incoming resource into the stored one (secret encryption); `previous` is stored. */
  toStored?(incoming: Resource, previous: Resource | undefined): Resource;
  /** What readers see of a stored resource (secret values removed). */
  present?(stored: Resource): Resource;
  /** Natural order of a full list (environments by promotion order); pages stay in name order. */
  compare?(a: Resource, b: Resource): number;
  /** Fields of the stored spec that audit and diff must never print. */
  redactPaths?: RegExp;
}

export interface ResourceLookup {
  get(kind: string, project: string, name: string): Promise<Resource | undefined>;
  list(kind: string, project: string): Promise<Resource[]>;
}

export interface RegisteredKind extends KindDefinition {
  schema: TObject;
  validate: Validate;
}

export interface KindRegistry {
  register(definition: KindDefinition): void;
  get(kind: string): RegisteredKind | undefined;
  /** Resolves `jobs`, `job`, `Job` or `JOB` to the kind, as kubectl does. */
  resolve(nameOrPlural: string): RegisteredKind | undefined;
  require(kind: string): RegisteredKind;
  all(): RegisteredKind[];
}

export function resourceSchema(def: KindDefinition): TObject {
  const metadataProps = {
    name: Name,
    labels: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$', maxLength: 253 }),
        Type.String({ pattern: LABEL_VALUE_PATTERN, maxLength: 63 }),
      ),
    ),
    annotations: Type.Optional(
      Type.Record(Type.String({ maxLength: 253 }), Type.String({ maxLength: 4096 })),
    ),
    resourceVersion: Type.Optional(
      Type.String({ description: 'send it back to update; a stale value is refused' }),
    ),
    uid: Type.Optional(Type.String()),
    createdAt: Type.Optional(Type.String()),
    updatedAt: Type.Optional(Type.String()),
  };
  const project: Record<string, TSchema> = {};
  if (def.scope === 'project') project.project = Name;
  if (def.scope === 'both') project.project = Type.Optional(Name);
  return Type.Object(
    {
      apiVersion: Type.Literal(API_VERSION),
      kind: Type.Literal(def.kind),
      metadata: Type.Object({ ...metadataProps, ...project }, { additionalProperties: false }),
      spec: def.spec,
      status: Type.Optional(def.status ?? Type.Record(Type.String(), Type.Unknown())),
    },
    {
      additionalProperties: false,
      $id: `pont/v1/${def.kind}`,
      title: def.kind,
      description: def.description,
    },
  );
}

export function createKindRegistry(): KindRegistry {
  const byKind = new Map<string, RegisteredKind>();
  const byAlias = new Map<string, RegisteredKind>();
  const registry: KindRegistry = {
    register(definition) {
      if (byKind.has(definition.kind)) throw new Error(`kind ${definition.kind} registered twice`);
      const schema = resourceSchema(definition);
      const registered: RegisteredKind = { ...definition, schema, validate: compileValidator(schema) };
      byKind.set(definition.kind, registered);
      for (const alias of [definition.kind, definition.plural, ...(definition.shortNames ?? [])])
        byAlias.set(alias.toLowerCase(), registered);
    },
    get: (kind) => byKind.get(kind),
    resolve: (name) => byKind.get(name) ?? byAlias.get(name.toLowerCase()),
    require(kind) {
      const found = registry.resolve(kind);
      if (!found) {
        const known = [...byKind.keys()].sort().join(', ');
        throw new PontError('UNKNOWN_KIND', `unknown kind "${kind}"; known kinds: ${known}`, [
          { path: 'kind', message: `unknown kind "${kind}"`, expected: known },
        ]);
      }
      return found;
    },
    all: () => [...byKind.values()],
  };
  return registry;
}
