// Unleash's frontend API for browsers and mobile apps: GET/POST /api/frontend evaluates every flag of
// the token's project and environment for the context and returns the enabled ones. CORS origins
// come from PONT_FRONTEND_CORS_ORIGINS.
import type { Context } from '@pont/flag-engine';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MetricsBody, RegisterBody, scopeOf, sendBody } from './client-api.routes.js';
import type { ClientFeaturesCache, ServedFeatures } from './client-features.cache.js';
import { etagOf } from './client-features.cache.js';
import type { FlagMetricsService, MetricsPayload, RegisterPayload } from './flag-metrics.service.js';
import { FrontendResponseSchema, plainJson } from './flags.openapi.js';

const TOP_LEVEL = new Set(['userId', 'sessionId', 'remoteAddress', 'environment', 'appName', 'currentTime']);
const PROPERTY = /^properties\[(.+)\]$/;

/** Query string → Unleash context: known fields at the top, `properties[x]` and anything else as properties. */
export function contextFromQuery(query: Record<string, unknown>): Context {
  const context: Context = {};
  const properties: Record<string, string> = {};
  for (const [key, raw] of Object.entries(query)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined || value === null) continue;
    const text = String(value);
    const property = PROPERTY.exec(key);
    if (property?.[1]) properties[property[1]] = text;
    else if (TOP_LEVEL.has(key)) context[key] = text;
    else properties[key] = text;
  }
  if (Object.keys(properties).length > 0) context.properties = properties;
  return context;
}

/** POST body: `{context: {...}}` as Unleash's frontend API takes it, or the context itself. */
export function contextFromBody(body: unknown): Context {
  if (!body || typeof body !== 'object') return {};
  const raw = (
    'context' in body && body.context && typeof body.context === 'object' ? body.context : body
  ) as Record<string, unknown>;
  const context: Context = {};
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    if (key === 'properties' && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        if (v !== undefined && v !== null) properties[k] = String(v);
    } else if (TOP_LEVEL.has(key)) {
      context[key] = String(value);
    } else {
      properties[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
  }
  if (Object.keys(properties).length > 0) context.properties = properties;
  return context;
}

/** The enabled flags for one context, as Unleash's frontend API answers. */
export function evaluateAll(served: ServedFeatures, context: Context): string {
  const engine = served.engine();
  const toggles: unknown[] = [];
  for (const feature of served.response.features) {
    const variant = engine.getVariant(feature.name, context);
    if (!variant.feature_enabled) continue;
    toggles.push({
      name: feature.name,
      enabled: true,
      variant,
      impressionData: feature.impressionData === true,
    });
  }
  return JSON.stringify({ toggles });
}

export interface FrontendApiDeps {
  cache: ClientFeaturesCache;
  metrics: FlagMetricsService;
  corsOrigins: string[];
}

export function frontendApiRoutes(deps: FrontendApiDeps) {
  const { cache, metrics } = deps;
  const anyOrigin = deps.corsOrigins.includes('*');
  const origins = new Set(deps.corsOrigins);
  const tags = ['frontend-api'];
  const security = [{ bearer: [] }];

  function allowedOrigin(request: FastifyRequest): string | undefined {
    const origin = request.headers.origin;
    if (!origin) return undefined;
    if (anyOrigin || origins.has(origin)) return origin;
    return undefined;
  }

  function cors(request: FastifyRequest, reply: FastifyReply): void {
    const origin = allowedOrigin(request);
    void reply.header('vary', 'Origin');
    if (!origin) return;
    void reply.header('access-control-allow-origin', origin);
    void reply.header('access-control-expose-headers', 'ETag');
  }

  async function answer(request: FastifyRequest, reply: FastifyReply, context: Context) {
    const scope = scopeOf(request.actor, 'frontend');
    const served = await cache.get(scope.project, scope.environment);
    if (context.remoteAddress === undefined) context.remoteAddress = request.ip;
    const body = evaluateAll(served, context);
    return sendBody(request, reply, body, etagOf(body));
  }

  return async (app: FastifyInstance) => {
    // Errors (401 for a bad token) need the CORS headers too, or the browser hides them from the app.
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.url.startsWith('/api/frontend')) cors(request, reply);
      return payload;
    });

    for (const url of ['/api/frontend', '/api/frontend/*']) {
      app.options(url, { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
        const origin = allowedOrigin(request);
        if (origin) {
          void reply
            .header('access-control-allow-methods', 'GET, POST, OPTIONS')
            .header(
              'access-control-allow-headers',
              request.headers['access-control-request-headers'] ??
                'Authorization, Content-Type, If-None-Match',
            )
            .header('access-control-max-age', '86400');
        }
        return reply.status(204).send();
      });
    }

    app.get<{ Querystring: Record<string, string> }>(
      '/api/frontend',
      {
        config: { tokenTypes: ['frontend'] },
        schema: {
          tags,
          security,
          summary: 'Flags enabled for the context given in the query (userId, sessionId, properties[x]=y, …)',
          description:
            "Send `Authorization: <frontend token>`. Unknown query fields become context properties; remoteAddress defaults to the caller's address. ETag and If-None-Match as on the client API.",
          querystring: Type.Object(
            {
              userId: Type.Optional(Type.String()),
              sessionId: Type.Optional(Type.String()),
              remoteAddress: Type.Optional(Type.String()),
              appName: Type.Optional(Type.String()),
              environment: Type.Optional(Type.String()),
              currentTime: Type.Optional(Type.String()),
            },
            { additionalProperties: true },
          ),
          response: { 200: FrontendResponseSchema },
        },
        ...plainJson,
      },
      async (request, reply) => answer(request, reply, contextFromQuery(request.query)),
    );

    app.post<{ Body: unknown }>(
      '/api/frontend',
      {
        config: { tokenTypes: ['frontend'] },
        schema: {
          tags,
          security,
          summary: 'Flags enabled for the context in the body ({"context": {...}})',
          body: Type.Object(
            {
              context: Type.Optional(
                Type.Object(
                  {
                    userId: Type.Optional(Type.String()),
                    sessionId: Type.Optional(Type.String()),
                    remoteAddress: Type.Optional(Type.String()),
                    properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
                  },
                  { additionalProperties: true },
                ),
              ),
            },
            { additionalProperties: true },
          ),
          response: { 200: FrontendResponseSchema },
        },
        ...plainJson,
      },
      async (request, reply) => answer(request, reply, contextFromBody(request.body)),
    );

    app.post<{ Body: MetricsPayload }>(
      '/api/frontend/client/metrics',
      {
        config: { tokenTypes: ['frontend'] },
        schema: { tags, security, summary: 'Evaluation counts from a frontend SDK', body: MetricsBody },
      },
      async (request, reply) => {
        metrics.ingest(scopeOf(request.actor, 'frontend'), 'frontend', request.body);
        return reply.status(202).send();
      },
    );

    app.post<{ Body: RegisterPayload }>(
      '/api/frontend/client/register',
      {
        config: { tokenTypes: ['frontend'] },
        schema: { tags, security, summary: 'A frontend SDK announces itself', body: RegisterBody },
      },
      async (request, reply) => {
        await metrics.register(scopeOf(request.actor, 'frontend'), 'frontend', request.body);
        return reply.status(202).send();
      },
    );
  };
}
