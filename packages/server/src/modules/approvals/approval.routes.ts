import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApprovalService } from './approval.service.js';

const Params = Type.Object({ project: Type.String(), id: Type.String() });
const Decide = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union(['pending', 'approved', 'rejected', 'cancelled'].map((s) => Type.Literal(s))),
    ),
  },
  { additionalProperties: false },
);

export function approvalRoutes(service: ApprovalService) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { project: string }; Querystring: Static<typeof ListQuery> }>(
      '/api/v1/projects/:project/approvals',
      {
        schema: {
          tags: ['approvals'],
          summary: 'Approval requests of a project, newest first',
          querystring: ListQuery,
        },
      },
      async (request) => ({
        items: await service.list(request.actor, {
          project: request.params.project,
          ...(request.query.status ? { status: request.query.status as 'pending' } : {}),
        }),
      }),
    );
    app.get<{ Params: Static<typeof Params> }>(
      '/api/v1/projects/:project/approvals/:id',
      { schema: { tags: ['approvals'], params: Params } },
      async (request) => service.get(request.actor, request.params.id),
    );
    for (const [verb, decision] of [
      ['approve', 'approved'],
      ['reject', 'rejected'],
    ] as const) {
      app.post<{ Params: Static<typeof Params>; Body: Static<typeof Decide> }>(
        `/api/v1/projects/:project/approvals/:id/${verb}`,
        {
          schema: {
            tags: ['approvals'],
            summary: `${verb} a pending request (not your own)`,
            params: Params,
            body: Decide,
          },
        },
        async (request) => service.decide(request.actor, request.params.id, decision, request.body?.comment),
      );
    }
  };
}
