// Management API for flags, beyond the generic resource routes (GET/PUT/DELETE
// /api/v1/projects/{project}/flags/{name}): toggles, rollouts, environment edits and promotion
// (approval-aware), flag changes, evaluation with explanation, overview grid, metrics, history.
import type { Context, FlagEnvironment, FlagSpec } from '@pont/sdk';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseSince } from '../../lib/since.js';
import { Name } from '../resources/kind-registry.js';
import type { Resource } from '../resources/resource.js';
import { FlagEnvironmentSchema, FlagSpecSchema } from './flag.schema.js';
import type { ChangeOutcome, FlagService } from './flag.service.js';
import { FLAG_CHANGE_STATUSES, type FlagChangeStatus } from './flag-change.js';
import {
  ChangeOutcomeSchema,
  ClientsSchema,
  EvaluationSchema,
  FlagChangeSchema,
  MetricsSchema,
  OverviewSchema,
  plainJson,
} from './flags.openapi.js';

const tags = ['flags'];
const ProjectParams = Type.Object({ project: Type.String() });
const FlagParams = Type.Object({ project: Type.String(), name: Type.String() });
const EnvParams = Type.Object({ project: Type.String(), name: Type.String(), environment: Type.String() });
const ChangeParams = Type.Object({ project: Type.String(), id: Type.String() });

const When = {
  at: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'apply at this time instead of now (a scheduled change)',
    }),
  ),
  dryRun: Type.Optional(
    Type.Boolean({ description: 'validate and show the diff without changing anything' }),
  ),
};
const ToggleBody = Type.Object({ ...When }, { additionalProperties: false });
const RolloutBody = Type.Object(
  {
    percent: Type.Integer({ minimum: 0, maximum: 100 }),
    strategy: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'index of the rollout strategy; default the first flexibleRollout (added when there is no strategy)',
      }),
    ),
    ...When,
  },
  { additionalProperties: false },
);
const PromoteBody = Type.Object({ from: Name, to: Name, ...When }, { additionalProperties: false });
const WhenQuery = Type.Object(
  { dryRun: Type.Optional(Type.Boolean()), at: Type.Optional(Type.String({ format: 'date-time' })) },
  { additionalProperties: false },
);
const ChangesBody = Type.Object(
  {
    items: Type.Array(Type.Object({}, { additionalProperties: true }), {
      minItems: 1,
      description: 'Flag and Segment resources of this project',
    }),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const ChangesQuery = Type.Object(
  {
    status: Type.Optional(
      Type.String({ description: `comma-separated: ${FLAG_CHANGE_STATUSES.join(', ')}` }),
    ),
    flag: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
const EvaluateBody = Type.Object(
  {
    environment: Name,
    context: Type.Optional(
      Type.Object(
        {
          userId: Type.Optional(Type.String()),
          sessionId: Type.Optional(Type.String()),
          remoteAddress: Type.Optional(Type.String()),
          appName: Type.Optional(Type.String()),
          environment: Type.Optional(Type.String()),
          currentTime: Type.Optional(Type.String()),
          properties: Type.Optional(Type.Record(Type.String(), Type.String())),
        },
        { additionalProperties: true, description: 'the Unleash context to evaluate for' },
      ),
    ),
    spec: Type.Optional(FlagSpecSchema),
  },
  {
    additionalProperties: false,
    description:
      'send spec to evaluate an unsaved draft of the flag (the editor\'s "evaluate for this context")',
  },
);
const MetricsQuery = Type.Object(
  {
    environment: Type.Optional(Type.String()),
    period: Type.Optional(Type.Union([Type.Literal('minute'), Type.Literal('hour')])),
    since: Type.Optional(Type.String({ description: 'ISO time or a duration back from now (1h, 7d)' })),
    appName: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const HistoryQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    before: Type.Optional(Type.String({ description: 'nextBefore of the previous page' })),
  },
  { additionalProperties: false },
);

const changeResponses = {
  200: ChangeOutcomeSchema,
  202: { ...ChangeOutcomeSchema, description: 'stored for approval: a protected environment changes' },
};

function reply(res: FastifyReply, outcome: ChangeOutcome) {
  return res.status(outcome.status === 'pending-approval' ? 202 : 200).send(outcome);
}

function statuses(text: string | undefined): FlagChangeStatus[] | undefined {
  if (!text) return undefined;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is FlagChangeStatus => (FLAG_CHANGE_STATUSES as readonly string[]).includes(s));
}

export function flagRoutes(service: FlagService) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: Static<typeof ProjectParams> }>(
      '/api/v1/projects/:project/flag-overview',
      {
        schema: {
          tags,
          summary:
            'Every flag × environment: on/off, rollout, staleness, last seen, pending changes (the grid)',
          params: ProjectParams,
          response: { 200: OverviewSchema },
        },
        ...plainJson,
      },
      async (request) => service.overview(request.actor, request.params.project),
    );

    for (const [verb, enabled] of [
      ['enable', true],
      ['disable', false],
    ] as const) {
      app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof ToggleBody> }>(
        `/api/v1/projects/:project/flags/:name/environments/:environment/${verb}`,
        {
          schema: {
            tags,
            summary: enabled
              ? 'Switch a flag on in an environment (needs approval in a protected one)'
              : 'Switch a flag off in an environment: the kill switch, at once even in a protected environment for users who may change it there',
            params: EnvParams,
            body: ToggleBody,
            response: changeResponses,
          },
          ...plainJson,
        },
        async (request, res) =>
          reply(
            res,
            await service.change(
              request.actor,
              request.params.project,
              request.params.name,
              { type: 'toggle', environment: request.params.environment, enabled },
              request.body ?? {},
            ),
          ),
      );
    }

    app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof RolloutBody> }>(
      '/api/v1/projects/:project/flags/:name/environments/:environment/rollout',
      {
        schema: {
          tags,
          summary: "Set the percentage of a flag's rollout strategy in an environment",
          params: EnvParams,
          body: RolloutBody,
          response: changeResponses,
        },
        ...plainJson,
      },
      async (request, res) => {
        const { percent, strategy, ...when } = request.body;
        return reply(
          res,
          await service.change(
            request.actor,
            request.params.project,
            request.params.name,
            {
              type: 'set-rollout',
              environment: request.params.environment,
              percent,
              ...(strategy !== undefined ? { strategy } : {}),
            },
            when,
          ),
        );
      },
    );

    app.put<{
      Params: Static<typeof EnvParams>;
      Body: FlagEnvironment;
      Querystring: Static<typeof WhenQuery>;
    }>(
      '/api/v1/projects/:project/flags/:name/environments/:environment',
      {
        schema: {
          tags,
          summary: "Replace a flag's configuration in one environment (enabled, strategies, variants)",
          params: EnvParams,
          querystring: WhenQuery,
          body: FlagEnvironmentSchema,
          response: changeResponses,
        },
        ...plainJson,
      },
      async (request, res) =>
        reply(
          res,
          await service.change(
            request.actor,
            request.params.project,
            request.params.name,
            { type: 'set-environment', environment: request.params.environment, config: request.body },
            { ...request.query, ...ifMatchOf(request.headers['if-match']) },
          ),
        ),
    );

    app.post<{ Params: Static<typeof FlagParams>; Body: Static<typeof PromoteBody> }>(
      '/api/v1/projects/:project/flags/:name/promote',
      {
        schema: {
          tags,
          summary: "Copy one environment's configuration of a flag to another (dryRun shows the diff first)",
          params: FlagParams,
          body: PromoteBody,
          response: changeResponses,
        },
        ...plainJson,
      },
      async (request, res) => {
        const { from, to, ...when } = request.body;
        return reply(
          res,
          await service.change(
            request.actor,
            request.params.project,
            request.params.name,
            { type: 'promote', from, to },
            when,
          ),
        );
      },
    );

    app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof ChangesBody> }>(
      '/api/v1/projects/:project/flag-changes',
      {
        schema: {
          tags,
          summary:
            'Apply Flags and Segments; a flag touching a protected environment becomes a pending change (202) instead of being refused',
          params: ProjectParams,
          body: ChangesBody,
          response: {
            200: Type.Object({ results: Type.Array(ChangeOutcomeSchema) }),
            202: Type.Object(
              { results: Type.Array(ChangeOutcomeSchema) },
              { description: 'some changes wait for approval' },
            ),
          },
        },
        ...plainJson,
      },
      async (request, res) => {
        const results = await service.applyDocuments(
          request.actor,
          request.params.project,
          request.body.items as unknown as Resource[],
          { dryRun: request.body.dryRun === true },
        );
        const pending = results.some((r) => r.status === 'pending-approval');
        return res.status(pending ? 202 : 200).send({ results });
      },
    );

    app.get<{ Params: Static<typeof ProjectParams>; Querystring: Static<typeof ChangesQuery> }>(
      '/api/v1/projects/:project/flag-changes',
      {
        schema: {
          tags,
          summary: 'Flag changes, newest first (waiting ones: status=pending-approval,scheduled)',
          params: ProjectParams,
          querystring: ChangesQuery,
          response: { 200: Type.Object({ items: Type.Array(FlagChangeSchema) }) },
        },
        ...plainJson,
      },
      async (request) => {
        const { status, flag, limit } = request.query;
        const wanted = statuses(status);
        return {
          items: await service.listChanges(request.actor, request.params.project, {
            ...(wanted ? { statuses: wanted } : {}),
            ...(flag ? { flag } : {}),
            ...(limit ? { limit } : {}),
          }),
        };
      },
    );

    app.get<{ Params: Static<typeof ChangeParams> }>(
      '/api/v1/projects/:project/flag-changes/:id',
      {
        schema: { tags, summary: 'One flag change with its approvals', params: ChangeParams },
        ...plainJson,
      },
      async (request) => service.getChange(request.actor, request.params.project, request.params.id),
    );

    app.post<{ Params: Static<typeof ChangeParams> }>(
      '/api/v1/projects/:project/flag-changes/:id/cancel',
      {
        schema: {
          tags,
          summary: 'Cancel a change waiting for approval or its time',
          params: ChangeParams,
          response: { 200: FlagChangeSchema },
        },
        ...plainJson,
      },
      async (request) => service.cancel(request.actor, request.params.project, request.params.id),
    );

    app.post<{ Params: Static<typeof FlagParams>; Body: Static<typeof EvaluateBody> }>(
      '/api/v1/projects/:project/flags/:name/evaluate',
      {
        schema: {
          tags,
          summary: 'Evaluate a flag (or a draft spec) in an environment for a context, and say why',
          params: FlagParams,
          body: EvaluateBody,
          response: { 200: EvaluationSchema },
        },
        ...plainJson,
      },
      async (request) =>
        service.evaluate(request.actor, request.params.project, request.params.name, {
          environment: request.body.environment,
          ...(request.body.context ? { context: request.body.context as Context } : {}),
          ...(request.body.spec ? { spec: request.body.spec as FlagSpec } : {}),
        }),
    );

    app.get<{ Params: Static<typeof FlagParams>; Querystring: Static<typeof MetricsQuery> }>(
      '/api/v1/projects/:project/flags/:name/metrics',
      {
        schema: {
          tags,
          summary:
            'Yes/no and variant counts reported by SDKs, per minute (kept 48 h) or hour (kept 90 days)',
          params: FlagParams,
          querystring: MetricsQuery,
          response: { 200: MetricsSchema },
        },
        ...plainJson,
      },
      async (request) => {
        const { since, ...rest } = request.query;
        return service.metrics(request.actor, request.params.project, request.params.name, {
          ...rest,
          ...(since ? { since: parseSince(since, 'since') } : {}),
        });
      },
    );

    app.get<{ Params: Static<typeof FlagParams>; Querystring: Static<typeof HistoryQuery> }>(
      '/api/v1/projects/:project/flags/:name/history',
      {
        schema: {
          tags,
          summary: 'Audit events of the flag, newest first: every change with its field diff, approvals',
          params: FlagParams,
          querystring: HistoryQuery,
        },
        ...plainJson,
      },
      async (request) =>
        service.history(request.actor, request.params.project, request.params.name, request.query),
    );

    app.get<{ Params: Static<typeof ProjectParams>; Querystring: { environment?: string } }>(
      '/api/v1/projects/:project/flag-clients',
      {
        schema: {
          tags,
          summary: 'Applications (SDK instances) that registered or sent metrics, most recent first',
          params: ProjectParams,
          querystring: Type.Object(
            { environment: Type.Optional(Type.String()) },
            { additionalProperties: false },
          ),
          response: { 200: ClientsSchema },
        },
        ...plainJson,
      },
      async (request) => service.clients(request.actor, request.params.project, request.query.environment),
    );
  };
}

/** `If-Match: "42"` or `If-Match: 42`: the resourceVersion an editor started from. */
function ifMatchOf(header: string | undefined): { ifMatch?: string } {
  const value = header
    ?.trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  return value ? { ifMatch: value } : {};
}
