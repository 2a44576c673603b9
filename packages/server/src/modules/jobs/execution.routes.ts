import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { openEventStream } from '../../http/event-stream.js';
import { isSet, QueryFlag } from '../../http/query-flag.js';
import { parseSince } from '../../lib/since.js';
import { EXECUTION_STATES, type LogLine } from './execution.js';
import type { ExecutionService } from './execution.service.js';
import type { LiveEvent } from './live-logs.js';

const Project = Type.Object({ project: Type.String() });
const ProjectName = Type.Object({ project: Type.String(), name: Type.String() });
const ProjectId = Type.Object({ project: Type.String(), id: Type.String() });
const RunBody = Type.Object(
  {
    environment: Type.String({ minLength: 1 }),
    options: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String())]),
      ),
    ),
  },
  { additionalProperties: false },
);
const ExecBody = Type.Object(
  {
    environment: Type.String({ minLength: 1 }),
    nodes: Type.Optional(Type.String({ description: 'node filter, e.g. "tags: web !name: web-3"' })),
    command: Type.String({ minLength: 1, maxLength: 10_000 }),
    shell: Type.Optional(Type.Boolean({ description: 'run through /bin/sh -c (default true)' })),
    threadcount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    job: Type.Optional(Type.String()),
    state: Type.Optional(Type.Union(EXECUTION_STATES.map((s) => Type.Literal(s)))),
    environment: Type.Optional(Type.String()),
    type: Type.Optional(Type.Union([Type.Literal('job'), Type.Literal('adhoc')])),
    since: Type.Optional(Type.String()),
    before: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
const LogQuery = Type.Object(
  {
    from: Type.Optional(
      Type.Integer({ minimum: 0, description: 'first line number (0-based); resumes a stream' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    node: Type.Optional(Type.String()),
    step: Type.Optional(Type.String()),
    follow: QueryFlag('stream as Server-Sent Events until the execution ends'),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('text')])),
  },
  { additionalProperties: false },
);
const Decision = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

/** One text line per log line, as a downloaded log reads: time, node, step, stream, text. */
export function logText(line: LogLine): string {
  return `${line.time} ${line.node} ${line.step} ${line.stream === 'stderr' ? 'ERR ' : line.stream === 'system' ? '--- ' : ''}${line.line}\n`;
}

export function executionRoutes(service: ExecutionService) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: Static<typeof ProjectName>; Body: Static<typeof RunBody> }>(
      '/api/v1/projects/:project/jobs/:name/run',
      {
        schema: {
          tags: ['executions'],
          summary: 'Run a job in an environment (queued, or waiting for approval in protected ones)',
          params: ProjectName,
          body: RunBody,
        },
      },
      async (request, reply) => {
        void reply.status(201);
        return service.run(request.actor, request.params.project, request.params.name, request.body);
      },
    );

    app.post<{ Params: Static<typeof Project>; Body: Static<typeof ExecBody> }>(
      '/api/v1/projects/:project/exec',
      {
        schema: {
          tags: ['executions'],
          summary: 'Run an ad-hoc command on matching nodes (needs the exec action on each node)',
          params: Project,
          body: ExecBody,
        },
      },
      async (request, reply) => {
        const { nodes, ...rest } = request.body;
        void reply.status(201);
        return service.exec(request.actor, request.params.project, {
          ...rest,
          ...(nodes !== undefined ? { filter: nodes } : {}),
        });
      },
    );

    app.get<{ Params: Static<typeof Project>; Querystring: Static<typeof ListQuery> }>(
      '/api/v1/projects/:project/executions',
      {
        schema: {
          tags: ['executions'],
          summary: 'Executions, newest first',
          params: Project,
          querystring: ListQuery,
        },
      },
      async (request) => {
        const { since, ...rest } = request.query;
        return service.list(request.actor, request.params.project, {
          ...rest,
          ...(since ? { since: parseSince(since, 'since') } : {}),
        });
      },
    );

    app.get<{ Params: Static<typeof ProjectId> }>(
      '/api/v1/projects/:project/executions/:id',
      {
        schema: {
          tags: ['executions'],
          summary: 'An execution with its node × step results and approvals',
          params: ProjectId,
        },
      },
      async (request) => service.get(request.actor, request.params.project, request.params.id),
    );

    app.get<{ Params: Static<typeof ProjectId>; Querystring: Static<typeof LogQuery> }>(
      '/api/v1/projects/:project/executions/:id/log',
      {
        schema: {
          tags: ['executions'],
          summary:
            'The log: JSON lines, plain text (format=text), or Server-Sent Events with follow=1 (one event per line, id = line number, resumable)',
          params: ProjectId,
          querystring: LogQuery,
        },
      },
      async (request, reply) => {
        const { follow, format, ...query } = request.query;
        const lastEventId = request.headers['last-event-id'];
        if (typeof lastEventId === 'string' && /^\d+$/.test(lastEventId))
          query.from = Number(lastEventId) + 1;
        const wantsStream = isSet(follow) || request.headers.accept?.includes('text/event-stream');
        if (wantsStream)
          return stream(service, request.actor, request.params, query, reply, () => request.raw.destroyed);
        const result = await service.logs(request.actor, request.params.project, request.params.id, query);
        if (format === 'text') {
          void reply
            .type('text/plain; charset=utf-8')
            .header('content-disposition', `attachment; filename="${request.params.id}.log"`);
          return result.lines.map(logText).join('');
        }
        return result;
      },
    );

    app.post<{ Params: Static<typeof ProjectId> }>(
      '/api/v1/projects/:project/executions/:id/kill',
      {
        schema: {
          tags: ['executions'],
          summary: 'Kill: SIGTERM to the process groups, SIGKILL after a grace period',
          params: ProjectId,
        },
      },
      async (request) => service.kill(request.actor, request.params.project, request.params.id),
    );

    for (const [verb, decision] of [
      ['approve', 'approved'],
      ['reject', 'rejected'],
    ] as const) {
      app.post<{ Params: Static<typeof ProjectId>; Body: Static<typeof Decision> }>(
        `/api/v1/projects/:project/executions/:id/${verb}`,
        {
          schema: {
            tags: ['executions'],
            summary: `${verb} an execution waiting for approval (not your own)`,
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
  };
}

/** Server-Sent Events: `event: line` per line (id = its number), `event: end` with the final state. */
async function stream(
  service: ExecutionService,
  actor: Parameters<ExecutionService['follow']>[0],
  params: { project: string; id: string },
  query: { from?: number; node?: string; step?: string },
  reply: FastifyReply,
  closed: () => boolean,
): Promise<FastifyReply> {
  const raw = reply.raw;
  let unsubscribe: (() => void) | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  const end = () => {
    unsubscribe?.();
    if (keepAlive) clearInterval(keepAlive);
    if (!raw.writableEnded) raw.end();
  };
  const emit = (event: LiveEvent) => {
    if (raw.writableEnded) return;
    let chunk = '';
    for (const line of event.lines)
      chunk += `id: ${line.seq}\nevent: line\ndata: ${JSON.stringify(line)}\n\n`;
    if (event.finished) chunk += `event: end\ndata: ${JSON.stringify(event.finished)}\n\n`;
    if (chunk) raw.write(chunk);
    if (event.finished) end();
  };
  // Authorisation and the first read happen before the stream starts, so errors are normal answers.
  const pending: LiveEvent[] = [];
  let started = false;
  unsubscribe = await service.follow(actor, params.project, params.id, query, (event) =>
    started ? emit(event) : pending.push(event),
  );
  openEventStream(reply);
  raw.write(': pont log stream\n\n');
  started = true;
  for (const event of pending) emit(event);
  keepAlive = setInterval(() => (closed() ? end() : raw.write(': keep-alive\n\n')), 15_000);
  raw.on('close', end);
  return reply;
}
