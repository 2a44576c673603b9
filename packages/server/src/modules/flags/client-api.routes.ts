// Unleash's client API, so unleash-client (and every Unleash server SDK) works against pont unchanged:
// GET /api/client/features (ETag, 304), /api/client/delta, POST /api/client/register and
// /api/client/metrics, plus /api/client/streaming (Server-Sent Events, as Unleash's streaming mode).
// A client token is bound to one project and environment: that binding is what it may read.
import type { ClientFeaturesResponse } from '@pont/flag-engine';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PontError } from '../../errors/index.js';
import type { Actor } from '../auth/index.js';
import { type ClientFeaturesCache, etagMatches, type ServedFeatures } from './client-features.cache.js';
import type { FlagMetricsService, MetricsPayload, RegisterPayload } from './flag-metrics.service.js';
import { ClientFeaturesSchema, plainJson } from './flags.openapi.js';
import type { SseRegistry } from './sse-stream.js';

export const FeaturesQuery = Type.Object(
  {
    project: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], {
        description: "only this project's flags (the token's project anyway)",
      }),
    ),
    namePrefix: Type.Optional(Type.String({ description: 'only flags whose name starts with this' })),
    tag: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], { description: 'accepted and ignored' }),
    ),
  },
  { additionalProperties: true },
);

export const MetricsBody = Type.Object(
  {
    appName: Type.String({ minLength: 1, maxLength: 255 }),
    instanceId: Type.Optional(Type.String({ maxLength: 255 })),
    environment: Type.Optional(Type.String()),
    bucket: Type.Object(
      {
        start: Type.Optional(Type.String()),
        stop: Type.Optional(Type.String()),
        toggles: Type.Record(
          Type.String({ maxLength: 255 }),
          Type.Object(
            {
              yes: Type.Optional(Type.Number({ minimum: 0 })),
              no: Type.Optional(Type.Number({ minimum: 0 })),
              variants: Type.Optional(
                Type.Record(Type.String({ maxLength: 255 }), Type.Number({ minimum: 0 })),
              ),
            },
            { additionalProperties: true },
          ),
          { maxProperties: 10_000 },
        ),
      },
      { additionalProperties: true },
    ),
  },
  {
    additionalProperties: true,
    description: "unleash-client's metrics post: yes/no and variant counts per flag",
  },
);

export const RegisterBody = Type.Object(
  {
    appName: Type.String({ minLength: 1, maxLength: 255 }),
    instanceId: Type.Optional(Type.String({ maxLength: 255 })),
    sdkVersion: Type.Optional(Type.String({ maxLength: 255 })),
    strategies: Type.Optional(Type.Array(Type.String())),
    started: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    interval: Type.Optional(Type.Number()),
  },
  { additionalProperties: true },
);

export interface TokenScope {
  project: string;
  environment: string;
}

/** The project and environment a client or frontend token is bound to. */
export function scopeOf(actor: Actor, type: 'client' | 'frontend'): TokenScope {
  if (actor.tokenType !== type || !actor.project || !actor.environment) {
    throw new PontError(
      'FORBIDDEN',
      `this API takes a ${type} token bound to a project and environment (pont token create NAME --type ${type} -p PROJECT --env ENV)`,
    );
  }
  return { project: actor.project, environment: actor.environment };
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The body for the query: the cached one, or a filtered copy (cached with it). */
export function bodyFor(
  served: ServedFeatures,
  query: { project?: string | string[]; namePrefix?: string },
): { bytes: Buffer; etag: string } {
  const projects = list(query.project);
  const otherProject = projects.length > 0 && !projects.includes(served.project) && !projects.includes('*');
  const prefix = query.namePrefix ?? '';
  if (!otherProject && prefix === '') return served;
  return served.filtered(`${otherProject ? '-' : '+'}${prefix}`, () => ({
    ...served.response,
    features: otherProject ? [] : served.response.features.filter((f) => f.name.startsWith(prefix)),
  }));
}

export interface ClientApiDeps {
  cache: ClientFeaturesCache;
  metrics: FlagMetricsService;
  streams: SseRegistry;
}

export function clientApiRoutes(deps: ClientApiDeps) {
  const { cache, metrics, streams } = deps;
  const tags = ['unleash-client-api'];
  const security = [{ bearer: [] }];

  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { project?: string | string[]; namePrefix?: string } }>(
      '/api/client/features',
      {
        config: { tokenTypes: ['client'] },
        schema: {
          tags,
          security,
          summary: "Flags of the token's project and environment, in Unleash's client-features format",
          description:
            'Send `Authorization: <client token>` (Bearer optional). Answers with an ETag; send it back in If-None-Match to get 304 when nothing changed.',
          querystring: FeaturesQuery,
          response: { 200: ClientFeaturesSchema, 304: Type.Null({ description: 'not modified' }) },
        },
        ...plainJson,
      },
      async (request, reply) => {
        const scope = scopeOf(request.actor, 'client');
        const served = await cache.get(scope.project, scope.environment);
        const { bytes, etag } = bodyFor(served, request.query);
        if (bytes === served.bytes && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
          void reply.header('content-encoding', 'gzip').header('vary', 'Accept-Encoding');
          return sendBody(request, reply, served.gzipped(), etag);
        }
        return sendBody(request, reply, bytes, etag);
      },
    );

    app.get<{ Querystring: { project?: string | string[]; namePrefix?: string } }>(
      '/api/client/delta',
      {
        config: { tokenTypes: ['client'] },
        schema: {
          tags,
          security,
          summary: "Unleash's delta API: always one hydration event with every flag (ETag, 304)",
          querystring: FeaturesQuery,
        },
        ...plainJson,
      },
      async (request, reply) => {
        const scope = scopeOf(request.actor, 'client');
        const served = await cache.get(scope.project, scope.environment);
        const { etag } = bodyFor(served, request.query);
        const filtered = JSON.parse(
          bodyFor(served, request.query).bytes.toString('utf8'),
        ) as ClientFeaturesResponse;
        const body = JSON.stringify({
          events: [
            { eventId: 1, type: 'hydration', features: filtered.features, segments: filtered.segments ?? [] },
          ],
        });
        return sendBody(request, reply, body, etag);
      },
    );

    app.get(
      '/api/client/streaming',
      {
        config: { tokenTypes: ['client'] },
        schema: {
          tags,
          security,
          summary:
            'Server-Sent Events: the flags at once (unleash-connected), then after every change (unleash-updated)',
          description:
            "Each event's data is a full client-features body. unleash-client's streaming mode and pont's SDK read it; a comment line is sent every 15 s.",
        },
      },
      async (request, reply) => {
        const scope = scopeOf(request.actor, 'client');
        const first = await cache.get(scope.project, scope.environment);
        let last = first.etag;
        let unsubscribe = () => {};
        const stream = streams.open(request, reply, {}, () => unsubscribe());
        unsubscribe = cache.subscribe(scope.project, scope.environment, (served) => {
          if (served.etag === last) return;
          last = served.etag;
          stream.send('unleash-updated', served.body, served.etag);
        });
        stream.send('unleash-connected', first.body, first.etag);
        // If a change landed while the first body was being sent, catch up.
        const now = await cache.get(scope.project, scope.environment);
        if (now.etag !== last) {
          last = now.etag;
          stream.send('unleash-updated', now.body, now.etag);
        }
      },
    );

    app.post<{ Body: RegisterPayload }>(
      '/api/client/register',
      {
        config: { tokenTypes: ['client'] },
        schema: {
          tags,
          security,
          summary: 'An SDK instance announces itself (app name, SDK version, interval)',
          body: RegisterBody,
        },
      },
      async (request, reply) => {
        const scope = scopeOf(request.actor, 'client');
        await metrics.register(scope, 'client', request.body);
        return reply.status(202).send();
      },
    );

    app.post<{ Body: MetricsPayload }>(
      '/api/client/metrics',
      {
        config: { tokenTypes: ['client'] },
        schema: {
          tags,
          security,
          summary: 'Evaluation counts from an SDK (rolled up by minute and hour)',
          body: MetricsBody,
        },
      },
      async (request, reply) => {
        const scope = scopeOf(request.actor, 'client');
        metrics.ingest(scope, 'client', request.body);
        return reply.status(202).send();
      },
    );
  };
}

export function sendBody(request: FastifyRequest, reply: FastifyReply, body: string | Buffer, etag: string) {
  void reply.header('etag', etag);
  if (etagMatches(request.headers['if-none-match'], etag)) return reply.status(304).send();
  return reply.type('application/json; charset=utf-8').send(body);
}
