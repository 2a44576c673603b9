import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseSince } from '../../lib/since.js';
import type { AuditService } from './audit.service.js';

const Query = Type.Object(
  {
    kind: Type.Optional(Type.String()),
    project: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    actor: Type.Optional(Type.String()),
    action: Type.Optional(Type.String()),
    since: Type.Optional(Type.String({ description: 'ISO time or a duration back from now (1h, 7d)' })),
    until: Type.Optional(Type.String()),
    before: Type.Optional(Type.String({ description: 'cursor: nextBefore of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export function auditRoutes(service: AuditService) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: Static<typeof Query> }>(
      '/api/v1/audit',
      { schema: { tags: ['audit'], summary: 'Audit events, newest first', querystring: Query } },
      async (request) => {
        const { since, until, ...rest } = request.query;
        return service.query(request.actor, {
          ...rest,
          ...(since ? { since: parseSince(since, 'since') } : {}),
          ...(until ? { until: parseSince(until, 'until') } : {}),
        });
      },
    );
  };
}
