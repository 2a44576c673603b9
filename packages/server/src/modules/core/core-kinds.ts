import { Type } from '@sinclair/typebox';
import type { ErrorDetail } from '../../errors/index.js';
import { type KindDefinition, Name } from '../resources/kind-registry.js';

const Description = Type.Optional(Type.String({ maxLength: 2000 }));

export const projectKind: KindDefinition = {
  kind: 'Project',
  plural: 'projects',
  shortNames: ['proj'],
  scope: 'cluster',
  description: 'A team space that holds environments, nodes, secrets, jobs, flags and apps.',
  spec: Type.Object(
    {
      displayName: Type.Optional(Type.String({ maxLength: 200 })),
      description: Description,
      retention: Type.Optional(
        Type.Object(
          {
            executions: Type.Optional(
              Type.Integer({ minimum: 1, description: 'keep at most this many executions per job' }),
            ),
            days: Type.Optional(
              Type.Integer({ minimum: 1, description: 'drop executions and their logs older than this' }),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
};

/** A deployment freeze: a cron expression opening it and how long it lasts, or a one-off start and end. */
export const FreezeWindow = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 100 })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    cron: Type.Optional(
      Type.String({
        pattern: '^\\S+( +\\S+){4,5}$',
        description: 'five fields (six with seconds) opening the window',
      }),
    ),
    duration: Type.Optional(
      Type.Union(
        [Type.Integer({ minimum: 1 }), Type.String({ pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d|w)?$' })],
        {
          description: 'how long the window lasts: milliseconds or "62h"',
        },
      ),
    ),
    timezone: Type.Optional(
      Type.String({ maxLength: 64, description: 'IANA time zone of cron (default UTC)' }),
    ),
    start: Type.Optional(Type.String({ format: 'date-time' })),
    end: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const environmentKind: KindDefinition = {
  kind: 'Environment',
  plural: 'environments',
  shortNames: ['env', 'envs'],
  scope: 'project',
  description: 'A stage of the promotion path (dev, test, integration, prod) with its nodes.',
  spec: Type.Object(
    {
      description: Description,
      order: Type.Integer({ minimum: 0, description: 'position in the promotion path, lowest first' }),
      protected: Type.Optional(Type.Boolean({ description: 'runs and changes here need an approval' })),
      color: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'a #rrggbb colour' })),
      freezeWindows: Type.Optional(
        Type.Array(FreezeWindow, {
          description: 'periods when deployments here are refused unless an admin forces them with a reason',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  environmentOf: (r) => r.metadata.name,
  compare: (a, b) =>
    Number(a.spec.order ?? 0) - Number(b.spec.order ?? 0) || a.metadata.name.localeCompare(b.metadata.name),
};

export interface NodeSpec {
  environment: string;
  hostname: string;
  port?: number;
  username?: string;
  executor: 'local' | 'ssh';
  tags?: string[];
  attributes?: Record<string, string>;
  description?: string;
  credentials?: { secret: string; key?: string; type?: 'key' | 'password' };
  hostKey?: { fingerprint?: string; trustOnFirstUse?: boolean };
}

export const nodeKind: KindDefinition = {
  kind: 'Node',
  plural: 'nodes',
  scope: 'project',
  description: 'A host jobs run on, in one environment: the local host or an SSH server.',
  spec: Type.Object(
    {
      environment: Name,
      hostname: Type.String({ minLength: 1, maxLength: 253 }),
      port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
      username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      executor: Type.Union([Type.Literal('local'), Type.Literal('ssh')]),
      description: Description,
      tags: Type.Optional(
        Type.Array(Type.String({ pattern: '^[A-Za-z0-9_.:/-]+$', maxLength: 63 }), { uniqueItems: true }),
      ),
      attributes: Type.Optional(
        Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), Type.String({ maxLength: 1000 })),
      ),
      credentials: Type.Optional(
        Type.Object(
          {
            secret: Name,
            key: Type.Optional(
              Type.String({ description: 'key inside the Secret; default privateKey or password' }),
            ),
            type: Type.Optional(Type.Union([Type.Literal('key'), Type.Literal('password')])),
          },
          { additionalProperties: false },
        ),
      ),
      hostKey: Type.Optional(
        Type.Object(
          {
            fingerprint: Type.Optional(
              Type.String({
                pattern: '^SHA256:[A-Za-z0-9+/=]+$',
                description: 'SHA256:… as ssh-keygen -l prints it',
              }),
            ),
            trustOnFirstUse: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  environmentOf: (r) => (r.spec as unknown as NodeSpec).environment,
  async check(resource, lookup) {
    const spec = resource.spec as unknown as NodeSpec;
    const project = resource.metadata.project ?? '';
    const problems: ErrorDetail[] = [];
    if (!(await lookup.get('Environment', project, spec.environment))) {
      problems.push({
        path: 'spec.environment',
        message: `environment "${spec.environment}" does not exist in project ${project}`,
      });
    }
    if (spec.credentials && !(await lookup.get('Secret', project, spec.credentials.secret))) {
      problems.push({
        path: 'spec.credentials.secret',
        message: `secret "${spec.credentials.secret}" does not exist in project ${project}`,
      });
    }
    if (spec.executor === 'ssh' && !spec.credentials) {
      problems.push({
        path: 'spec.credentials',
        message: 'an ssh node needs credentials: a Secret with a private key or password',
      });
    }
    return problems;
  },
};
