import type { Readable } from 'node:stream';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PontError } from '../../errors/index.js';
import { openEventStream } from '../../http/event-stream.js';
import { isSet, QueryFlag } from '../../http/query-flag.js';
import type { Topic } from '../../lib/topic.js';
import { NAME_PATTERN } from '../resources/index.js';
import { VERSION_PATTERN } from './app-spec.js';
import type { ArtifactService } from './artifact.service.js';
import { DEPLOYMENT_STATUSES, type Deployment, FINAL_DEPLOYMENT_STATUSES } from './deployment.js';
import type { DeploymentService } from './deployment.service.js';

const Project = Type.Object({ project: Type.String() });
const ProjectId = Type.Object({ project: Type.String(), id: Type.String() });
const ArtifactParams = Type.Object({ project: Type.String(), app: Type.String(), version: Type.String() });
const AppName = Type.String({ pattern: NAME_PATTERN, maxLength: 63 });
const Force = Type.Optional(
  Type.Object(
    { reason: Type.String({ minLength: 1, maxLength: 1000 }) },
    { additionalProperties: false, description: 'an admin deploying through a freeze window says why' },
  ),
);
const DeployBody = Type.Object(
  {
    app: AppName,
    environment: Type.String({ minLength: 1 }),
    version: Type.String({ pattern: VERSION_PATTERN }),
    force: Force,
  },
  { additionalProperties: false },
);
const PromoteBody = Type.Object(
  {
    app: AppName,
    from: Type.String({ minLength: 1, description: 'the version running here is deployed' }),
    to: Type.String({ minLength: 1 }),
    force: Force,
  },
  { additionalProperties: false },
);
const RollbackBody = Type.Object(
  { app: AppName, environment: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    app: Type.Optional(Type.String()),
    environment: Type.Optional(Type.String()),
    status: Type.Optional(Type.Union(DEPLOYMENT_STATUSES.map((s) => Type.Literal(s)))),
    before: Type.Optional(Type.String({ description: 'the nextBefore of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
const Decision = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
const FollowQuery = Type.Object(
  { follow: QueryFlag('stream the deployment as Server-Sent Events until it ends') },
  { additionalProperties: false },
);
const PushQuery = Type.Object(
  {
    fileName: Type.Optional(
      Type.String({
        maxLength: 255,
        description: 'the uploaded file name, for its extension (.tar.gz, .war, …)',
      }),
    ),
    labels: Type.Optional(Type.String({ description: 'k=v,k2=v2: commit, build URL, …' })),
  },
  { additionalProperties: false },
);

export function deploymentRoutes(
  service: DeploymentService,
  updates: Topic<Deployment>,
  reload: (id: string) => Promise<Deployment | undefined>,
) {
  return async (app: FastifyInstance) => {
    const streams = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of streams) end();
    });

    app.get<{ Params: Static<typeof Project> }>(
      '/api/v1/projects/:project/environment-matrix',
      {
        schema: {
          tags: ['deployments'],
          summary: 'Apps × environments: the version running, since when, and the latest deployment',
          params: Project,
        },
      },
      async (request) => service.matrix(request.actor, request.params.project),
    );

    app.get<{ Params: Static<typeof Project>; Querystring: Static<typeof ListQuery> }>(
      '/api/v1/projects/:project/deployments',
      {
        schema: {
          tags: ['deployments'],
          summary: 'Deployments, newest first',
          params: Project,
          querystring: ListQuery,
        },
      },
      async (request) => service.list(request.actor, request.params.project, request.query),
    );

    app.post<{ Params: Static<typeof Project>; Body: Static<typeof DeployBody> }>(
      '/api/v1/projects/:project/deployments',
      {
        schema: {
          tags: ['deployments'],
          summary: 'Deploy a version of an app to an environment (queued, or waiting for approval)',
          params: Project,
          body: DeployBody,
        },
      },
      async (request, reply) => {
        void reply.status(201);
        return service.deploy(request.actor, request.params.project, request.body);
      },
    );

    app.post<{ Params: Static<typeof Project>; Body: Static<typeof PromoteBody> }>(
      '/api/v1/projects/:project/deployments/promote',
      {
        schema: {
          tags: ['deployments'],
          summary: 'Deploy to `to` exactly the version running in `from`',
          params: Project,
          body: PromoteBody,
        },
      },
      async (request, reply) => {
        const { to, ...rest } = request.body;
        void reply.status(201);
        return service.promote(request.actor, request.params.project, { ...rest, environment: to });
      },
    );

    app.post<{ Params: Static<typeof Project>; Body: Static<typeof RollbackBody> }>(
      '/api/v1/projects/:project/deployments/rollback',
      {
        schema: {
          tags: ['deployments'],
          summary: 'Redeploy the previous successful version of an app in an environment',
          params: Project,
          body: RollbackBody,
        },
      },
      async (request, reply) => {
        void reply.status(201);
        return service.rollback(request.actor, request.params.project, request.body);
      },
    );

    app.get<{ Params: Static<typeof ProjectId>; Querystring: Static<typeof FollowQuery> }>(
      '/api/v1/projects/:project/deployments/:id',
      {
        schema: {
          tags: ['deployments'],
          summary:
            'A deployment with its approvals, the versions compared and the flags changed since the previous one; follow=1 streams its updates (Server-Sent Events)',
          params: ProjectId,
          querystring: FollowQuery,
        },
      },
      async (request, reply) => {
        const detail = await service.get(request.actor, request.params.project, request.params.id);
        const wantsStream =
          isSet(request.query.follow) || request.headers.accept?.includes('text/event-stream');
        if (!wantsStream) return detail;
        const raw = reply.raw;
        const id = request.params.id;
        let last = JSON.stringify(detail.deployment);
        let poll: NodeJS.Timeout | undefined;
        let unsubscribe: (() => void) | undefined;
        const end = () => {
          unsubscribe?.();
          if (poll) clearInterval(poll);
          streams.delete(end);
          if (!raw.writableEnded) raw.end();
        };
        const send = (deployment: Deployment) => {
          if (raw.writableEnded) return;
          const text = JSON.stringify(deployment);
          if (text !== last) {
            last = text;
            raw.write(`event: deployment\ndata: ${text}\n\n`);
          }
          if (FINAL_DEPLOYMENT_STATUSES.has(deployment.status)) {
            raw.write(`event: end\ndata: ${JSON.stringify({ status: deployment.status })}\n\n`);
            end();
          }
        };
        openEventStream(reply);
        raw.write(`event: deployment\ndata: ${last}\n\n`);
        streams.add(end);
        unsubscribe = updates.subscribe((d) => d.id === id && send(d));
        // Other replicas run deployments too: a slow poll catches their changes; it doubles as keep-alive.
        poll = setInterval(() => {
          void reload(id).then((d) => (d ? send(d) : end()), end);
          if (!raw.writableEnded) raw.write(': keep-alive\n\n');
        }, 2000);
        raw.on('close', end);
        if (FINAL_DEPLOYMENT_STATUSES.has(detail.deployment.status)) send(detail.deployment);
        return reply;
      },
    );

    for (const [verb, decision] of [
      ['approve', 'approved'],
      ['reject', 'rejected'],
    ] as const) {
      app.post<{ Params: Static<typeof ProjectId>; Body: Static<typeof Decision> }>(
        `/api/v1/projects/:project/deployments/:id/${verb}`,
        {
          schema: {
            tags: ['deployments'],
            summary: `${verb} a deployment waiting for approval (not your own)`,
            params: ProjectId,
            body: Decision,
          },
        },
        async (request) =>
          service.decide(
            request.actor,
            request.params.project,
            request.params.id,
            decision,
            request.body?.comment,
          ),
      );
    }

    app.post<{ Params: Static<typeof ProjectId> }>(
      '/api/v1/projects/:project/deployments/:id/cancel',
      {
        schema: {
          tags: ['deployments'],
          summary: 'Cancel a deployment that is queued or waiting for approval',
          params: ProjectId,
        },
      },
      async (request) => service.cancel(request.actor, request.params.project, request.params.id),
    );
  };
}

export function artifactRoutes(service: ArtifactService) {
  return async (app: FastifyInstance) => {
    // Uploads stream straight to disk: the parser hands over the raw request stream.
    app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

    app.get<{ Params: Static<typeof Project>; Querystring: { app?: string } }>(
      '/api/v1/projects/:project/artifacts',
      {
        schema: {
          tags: ['artifacts'],
          summary: 'Artifacts (versions of apps), newest first',
          params: Project,
          querystring: Type.Object({ app: Type.Optional(Type.String()) }, { additionalProperties: false }),
        },
      },
      async (request) => ({
        items: await service.list(request.actor, request.params.project, request.query.app),
      }),
    );

    app.put<{ Params: Static<typeof ArtifactParams>; Querystring: Static<typeof PushQuery>; Body: Readable }>(
      '/api/v1/projects/:project/artifacts/:app/:version',
      {
        schema: {
          tags: ['artifacts'],
          summary:
            'Push a version (Content-Type: application/octet-stream), streamed with its sha256; versions are immutable',
          params: ArtifactParams,
          querystring: PushQuery,
        },
      },
      async (request, reply) => {
        if (typeof (request.body as Readable | undefined)?.pipe !== 'function')
          throw new PontError('UNSUPPORTED_MEDIA_TYPE', 'send the artifact as application/octet-stream');
        const { project, app: name, version } = request.params;
        const artifact = await service.push(request.actor, project, name, version, {
          fileName: request.query.fileName ?? '',
          body: request.body,
          labels: parseLabels(request.query.labels),
        });
        void reply.status(201);
        return artifact;
      },
    );

    app.get<{ Params: Static<typeof ArtifactParams> }>(
      '/api/v1/projects/:project/artifacts/:app/:version',
      { schema: { tags: ['artifacts'], summary: 'One artifact', params: ArtifactParams } },
      async (request) =>
        service.get(request.actor, request.params.project, request.params.app, request.params.version),
    );

    app.get<{ Params: Static<typeof ArtifactParams> }>(
      '/api/v1/projects/:project/artifacts/:app/:version/content',
      {
        schema: { tags: ['artifacts'], summary: 'Download the bytes of an artifact', params: ArtifactParams },
      },
      async (request, reply) => {
        const { artifact, stream } = await service.download(
          request.actor,
          request.params.project,
          request.params.app,
          request.params.version,
        );
        void reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', artifact.size)
          .header('content-disposition', `attachment; filename="${artifact.file}"`)
          .header('x-sha256', artifact.sha256);
        return reply.send(stream);
      },
    );

    app.delete<{ Params: Static<typeof ArtifactParams> }>(
      '/api/v1/projects/:project/artifacts/:app/:version',
      {
        schema: {
          tags: ['artifacts'],
          summary: 'Delete an artifact that runs nowhere and is no rollback target',
          params: ArtifactParams,
        },
      },
      async (request) => {
        await service.remove(
          request.actor,
          request.params.project,
          request.params.app,
          request.params.version,
        );
        return { ok: true };
      },
    );
  };
}

function parseLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of (text ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new PontError('BAD_REQUEST', `invalid label "${pair}"`, [
        { path: 'labels', message: 'expected k=v,k2=v2' },
      ]);
    labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return labels;
}
