import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import type { TSchema } from '@sinclair/typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Pont } from './composition-root.js';
import { PontError } from './errors/index.js';
import { registerAuthentication } from './http/authenticate.js';
import { registerErrorHandling } from './http/error-handler.js';
import { registerMetrics } from './http/metrics.js';
import { approvalRoutes } from './modules/approvals/index.js';
import { auditRoutes } from './modules/audit/index.js';
import { authRoutes } from './modules/auth/index.js';
import { filesRoutes } from './modules/files/index.js';
import { compileValidator, resourceRoutes } from './modules/resources/index.js';

export const VERSION = '0.1.0';

/** Builds the HTTP application; it never listens (main.ts does, tests use inject or a port). */
export async function buildApp(pont: Pont): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: pont.logger as FastifyBaseLogger,
    bodyLimit: pont.config.bodyLimit,
    // Per-request log lines would dominate the log and the CPU; metrics count requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: true } },
  });

  // One validator for bodies, queries and params: the same errors and field paths as apply.
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const validate = compileValidator(schema as TSchema, { coerce: httpPart !== 'body' });
    return (data: unknown) => {
      const details = validate(data);
      if (details.length === 0) return { value: data };
      const where = httpPart === 'body' || !httpPart ? '' : httpPart;
      const located = details.map((d) => ({ ...d, path: [where, d.path].filter(Boolean).join('.') }));
      return {
        error: new PontError(
          'VALIDATION_FAILED',
          `invalid ${httpPart ?? 'body'}: ${located[0]?.path ? `${located[0].path}: ` : ''}${located[0]?.message}`,
          located,
        ),
      };
    };
  });
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'pont API',
        version: VERSION,
        description: 'Runbook jobs, deployments, feature flags, CI, logs.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'pont_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  registerErrorHandling(app);
  app.addHook('onRequest', async (_request, reply) => {
    if (pont.lifecycle.draining) void reply.header('connection', 'close');
  });
  registerAuthentication(app, pont.auth);
  registerMetrics(app, pont.metrics);

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    const ready = !pont.lifecycle.draining && (await pont.db.ready());
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready', database: pont.db.dialect };
  });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(authRoutes(pont.auth, { secureCookies: pont.config.secureCookies }));
  await app.register(auditRoutes(pont.audit));
  await app.register(approvalRoutes(pont.approvals));
  await app.register(resourceRoutes(pont.resources));
  await app.register(filesRoutes(pont.files));
  for (const routes of pont.jobs.routes) await app.register(routes);
  for (const routes of pont.flags.routes) await app.register(routes);
  for (const routes of pont.deployments.routes) await app.register(routes);

  if (pont.config.webDir && existsSync(join(pont.config.webDir, 'index.html'))) {
    await serveWeb(app, pont.config.webDir);
  }
  return app;
}

/** The console is a single-page app: unknown non-API paths get index.html and the router takes over. */
async function serveWeb(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    // Built assets carry a content hash in their names: they never change, so cache them for good.
    setHeaders: (res, path) => {
      if (path.includes(`${sep}assets${sep}`))
        res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/')) {
      throw new PontError('ROUTE_NOT_FOUND', `no route ${request.method} ${path}`);
    }
    const file = path.slice(1);
    if (file && !file.includes('..') && existsSync(join(root, file))) return reply.sendFile(file);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
