import { parseYamlDocuments } from '@pont/sdk/yaml';
import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type ErrorDetail, PontError } from '../../errors/index.js';
import { isSet, QueryFlag } from '../../http/query-flag.js';
import type { RegisteredKind } from './kind-registry.js';
import type { Resource } from './resource.js';
import type { ResourceService } from './resource.service.js';

const ListQuery = Type.Object(
  {
    labelSelector: Type.Optional(Type.String({ description: 'k=v,k2!=v,k3,!k4,k5 in (a,b)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    continue: Type.Optional(Type.String({ description: 'the continue value of the previous page' })),
  },
  { additionalProperties: false },
);
const DeleteQuery = Type.Object(
  { resourceVersion: Type.Optional(Type.String()), cascade: QueryFlag('also delete what a project holds') },
  { additionalProperties: false },
);
const ApplyQuery = Type.Object(
  {
    dryRun: QueryFlag('validate and compute the result without writing'),
    file: Type.Optional(Type.String({ description: 'file name to report in YAML errors' })),
  },
  { additionalProperties: false },
);

type ListQ = { labelSelector?: string; limit?: number; continue?: string };
type DeleteQ = { resourceVersion?: string; cascade?: boolean | '1' | '0' };
type Params = { project?: string; name?: string };

/** Routes are generated per kind so OpenAPI documents each kind with the schema that validates it. */
export function resourceRoutes(service: ResourceService) {
  return async (app: FastifyInstance) => {
    for (const kind of service.kinds.all()) {
      if (kind.scope !== 'cluster') kindRoutes(app, service, kind, true);
      if (kind.scope !== 'project') kindRoutes(app, service, kind, false);
      else crossProjectList(app, service, kind);
    }

    app.post<{ Querystring: { dryRun?: boolean | '1' | '0'; file?: string }; Body: unknown }>(
      '/api/v1/apply',
      {
        schema: {
          tags: ['resources'],
          summary:
            'Create or update many resources in one transaction (JSON {items: [...]} or multi-document YAML)',
          querystring: ApplyQuery,
        },
      },
      async (request) => {
        const { documents, positions } = documentsOf(request.body, request.query.file);
        try {
          return {
            results: await service.apply(request.actor, documents, { dryRun: isSet(request.query.dryRun) }),
          };
        } catch (error) {
          throw positions ? locate(error, positions) : error;
        }
      },
    );

    app.get(
      '/api/v1/kinds',
      { schema: { tags: ['resources'], summary: 'The kinds this server knows' } },
      async () => ({
        items: service.kinds.all().map((k) => ({
          kind: k.kind,
          plural: k.plural,
          shortNames: k.shortNames ?? [],
          scope: k.scope,
          description: k.description,
        })),
      }),
    );

    app.get<{ Params: { kind: string } }>(
      '/api/v1/schemas/:kind',
      {
        schema: {
          tags: ['resources'],
          summary: 'The JSON Schema of a kind',
          params: Type.Object({ kind: Type.String() }),
        },
      },
      async (request) => schemaOf(service.kinds.require(request.params.kind)),
    );
  };
}

function schemaOf(kind: RegisteredKind): unknown {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...JSON.parse(JSON.stringify(kind.schema)),
  };
}

function kindRoutes(
  app: FastifyInstance,
  service: ResourceService,
  kind: RegisteredKind,
  inProject: boolean,
): void {
  const base = inProject ? `/api/v1/projects/:project/${kind.plural}` : `/api/v1/${kind.plural}`;
  const itemPath = kind.kind === 'Project' ? '/api/v1/projects/:name' : `${base}/:name`;
  const tags = [kind.kind];
  const params: TSchema = inProject
    ? Type.Object({ project: Type.String(), name: Type.String() })
    : Type.Object({ name: Type.String() });
  const project = (p: Params) => (inProject ? p.project : undefined);

  if (kind.kind !== 'Project' || !inProject) {
    app.get<{ Params: Params; Querystring: ListQ }>(
      kind.kind === 'Project' ? '/api/v1/projects' : base,
      { schema: { tags, summary: `List ${kind.plural}`, querystring: ListQuery } },
      async (request) => service.list(request.actor, kind.kind, project(request.params), request.query),
    );
  }
  app.get<{ Params: Params }>(
    itemPath,
    { schema: { tags, summary: `Get a ${kind.kind}`, params } },
    async (request) =>
      service.get(request.actor, kind.kind, project(request.params), request.params.name ?? ''),
  );
  app.put<{ Params: Params; Body: Resource }>(
    itemPath,
    {
      schema: {
        tags,
        summary: `Create or replace a ${kind.kind} (send metadata.resourceVersion to update)`,
        params,
        body: kind.schema,
      },
    },
    async (request, reply) => {
      const body = request.body;
      const mismatch: ErrorDetail[] = [];
      if (body.metadata.name !== request.params.name) {
        mismatch.push({
          path: 'metadata.name',
          message: `must equal the name in the URL (${request.params.name})`,
        });
      }
      if (inProject && body.metadata.project !== request.params.project) {
        mismatch.push({
          path: 'metadata.project',
          message: `must equal the project in the URL (${request.params.project})`,
        });
      }
      if (mismatch.length > 0) throw new PontError('VALIDATION_FAILED', mismatch[0]?.message ?? '', mismatch);
      const [result] = await service.apply(request.actor, [body]);
      if (result?.action === 'created') void reply.status(201);
      return result?.after;
    },
  );
  app.delete<{ Params: Params; Querystring: DeleteQ }>(
    itemPath,
    { schema: { tags, summary: `Delete a ${kind.kind}`, params, querystring: DeleteQuery } },
    async (request) => ({
      results: await service.delete(
        request.actor,
        kind.kind,
        project(request.params),
        request.params.name ?? '',
        {
          ...(request.query.resourceVersion ? { resourceVersion: request.query.resourceVersion } : {}),
          cascade: isSet(request.query.cascade),
        },
      ),
    }),
  );
}

function crossProjectList(app: FastifyInstance, service: ResourceService, kind: RegisteredKind): void {
  app.get<{ Querystring: ListQ }>(
    `/api/v1/${kind.plural}`,
    {
      schema: {
        tags: [kind.kind],
        summary: `List ${kind.plural} across every project`,
        querystring: ListQuery,
      },
    },
    async (request) => service.list(request.actor, kind.kind, undefined, request.query),
  );
}

type Positions = Array<{ file: string; positionOf(path: string): { line: number; column: number } }>;

function documentsOf(
  body: unknown,
  file: string | undefined,
): { documents: unknown[]; positions?: Positions } {
  if (typeof body === 'string') {
    const parsed = parseYamlDocuments(body, file ?? '<body>');
    if (parsed.problems.length > 0) {
      const first = parsed.problems[0];
      throw new PontError(
        'YAML_SYNTAX',
        `${first?.file}:${first?.line}:${first?.column}: ${first?.message}`,
        parsed.problems.map((p) => ({
          file: p.file,
          line: p.line,
          column: p.column,
          message: p.message,
          ...(p.document !== undefined ? { document: p.document } : {}),
        })),
      );
    }
    return { documents: parsed.documents.map((d) => d.value), positions: parsed.documents };
  }
  if (body && typeof body === 'object' && Array.isArray((body as { items?: unknown }).items)) {
    return { documents: (body as { items: unknown[] }).items };
  }
  if (body && typeof body === 'object' && 'kind' in body) return { documents: [body] };
  throw new PontError(
    'BAD_REQUEST',
    'expected {"items": [...]} or one resource as JSON, or YAML with Content-Type: application/yaml',
  );
}

/** Adds file:line:column to every detail that names a document and a path. */
function locate(error: unknown, positions: Positions): unknown {
  if (!(error instanceof PontError)) return error;
  const details = error.details.map((d) => {
    const doc = d.document !== undefined ? positions[d.document] : undefined;
    if (!doc) return d;
    const at = doc.positionOf(d.path ?? '');
    return { ...d, file: doc.file, line: at.line, column: at.column };
  });
  const first = details[0];
  const message = first?.line
    ? `${first.file}:${first.line}:${first.column}: ${error.message}`
    : error.message;
  return new PontError(error.code, message, details, error.headers);
}
