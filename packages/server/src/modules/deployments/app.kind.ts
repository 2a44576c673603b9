import { Type } from '@sinclair/typebox';
import type { ErrorDetail } from '../../errors/index.js';
import { FreezeWindow } from '../core/index.js';
import type { JobSpec } from '../jobs/index.js';
import { type KindDefinition, NAME_PATTERN, Name } from '../resources/index.js';
import { type AppSpec, expandTemplate, TEMPLATE_NAMES, unknownReferences } from './app-spec.js';
import { checkFreezeWindows } from './freeze.js';

const Duration = (description: string) =>
  Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d|w)?$' })], {
    description,
  });

const OptionValues = Type.Record(
  Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
  Type.String({ maxLength: 4096 }),
);

const HealthCheck = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'http(s) URL; ${environment}, ${app}, ${version}, ${node.name}, ${node.hostname} expand',
      }),
    ),
    expectedStatus: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: 'default 200' })),
    timeout: Type.Optional(Duration('per attempt; default 5s')),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'default 3' })),
    interval: Type.Optional(Duration('between attempts; default 2s')),
  },
  { additionalProperties: false },
);

const Rollout = Type.Object(
  {
    strategy: Type.Union([Type.Literal('all-at-once'), Type.Literal('rolling')]),
    batchSize: Type.Optional(
      Type.Integer({ minimum: 1, description: 'nodes per batch when rolling (default 1)' }),
    ),
    pause: Type.Optional(Duration('wait between batches')),
  },
  { additionalProperties: false },
);

const EnvironmentRule = Type.Object(
  {
    from: Type.Optional(
      Type.Union([Name, Type.Null()], {
        description:
          'the environment a version must have succeeded in first; default the previous one by order; null for none',
      }),
    ),
    autoDeploy: Type.Optional(
      Type.Boolean({ description: 'deploy here when a deployment to `from` succeeds' }),
    ),
    approval: Type.Optional(
      Type.Boolean({ description: 'wait for another user to approve (always in protected environments)' }),
    ),
    freezeWindows: Type.Optional(Type.Array(FreezeWindow)),
    healthCheck: Type.Optional(HealthCheck),
    rollout: Type.Optional(Rollout),
    options: Type.Optional(OptionValues),
  },
  { additionalProperties: false },
);

export const AppSpecSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    deploy: Type.Object(
      {
        job: Name,
        options: Type.Optional(OptionValues),
      },
      { additionalProperties: false },
    ),
    artifact: Type.Optional(
      Type.Object(
        {
          fileName: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description:
                'stored file name; ${app}, ${version}, ${ext} expand (default ${app}-${version}${ext})',
            }),
          ),
          keep: Type.Optional(
            Type.Integer({
              minimum: 1,
              description: 'latest versions kept besides deployed ones (default 10)',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    rollout: Type.Optional(Rollout),
    healthCheck: Type.Optional(HealthCheck),
    autoRollback: Type.Optional(
      Type.Boolean({ description: 'redeploy the previous version when a deployment fails (default true)' }),
    ),
    environments: Type.Optional(Type.Record(Type.String({ pattern: NAME_PATTERN }), EnvironmentRule)),
  },
  { additionalProperties: false },
);

const HEALTH_NAMES = ['environment', 'app', 'version', 'node.name', 'node.hostname'];

export const appKind: KindDefinition = {
  kind: 'App',
  plural: 'apps',
  shortNames: ['app'],
  scope: 'project',
  description:
    'An application deployed through the environments: its deploy job, rollout, health check and per-environment rules.',
  spec: AppSpecSchema,
  async check(resource, lookup) {
    const spec = resource.spec as unknown as AppSpec;
    const project = resource.metadata.project ?? '';
    const problems: ErrorDetail[] = [];
    const job = await lookup.get('Job', project, spec.deploy.job);
    if (!job) {
      problems.push({
        path: 'spec.deploy.job',
        message: `job "${spec.deploy.job}" does not exist in project ${project}`,
      });
    }
    const declared = new Set(
      ((job?.spec as unknown as JobSpec | undefined)?.options ?? []).map((o) => o.name),
    );
    const checkOptions = (options: Record<string, string> | undefined, path: string) => {
      for (const [name, value] of Object.entries(options ?? {})) {
        if (job && !declared.has(name))
          problems.push({
            path: `${path}.${name}`,
            message: `job ${spec.deploy.job} has no option "${name}"`,
            expected: [...declared].join(', ') || 'the job declares no options',
          });
        for (const ref of unknownReferences(value, TEMPLATE_NAMES))
          problems.push({
            path: `${path}.${name}`,
            message: `unknown reference \${${ref}}`,
            expected: TEMPLATE_NAMES.map((n) => `\${${n}}`).join(', '),
          });
      }
    };
    checkOptions(spec.deploy.options, 'spec.deploy.options');
    const checkHealth = (health: AppSpec['healthCheck'], path: string) => {
      if (!health?.url) return;
      for (const ref of unknownReferences(health.url, HEALTH_NAMES))
        problems.push({ path: `${path}.url`, message: `unknown reference \${${ref}}` });
      const sample = expandTemplate(health.url, {
        environment: 'env',
        app: 'app',
        version: '1',
        'node.name': 'node',
        'node.hostname': 'host',
      });
      if (!/^https?:\/\//.test(sample) || !URL.canParse(sample))
        problems.push({ path: `${path}.url`, message: `"${health.url}" is not an http(s) URL` });
    };
    checkHealth(spec.healthCheck, 'spec.healthCheck');
    if (spec.artifact?.fileName) {
      for (const ref of unknownReferences(spec.artifact.fileName, ['app', 'version', 'ext']))
        problems.push({ path: 'spec.artifact.fileName', message: `unknown reference \${${ref}}` });
      if (!spec.artifact.fileName.includes('${version}'))
        problems.push({
          path: 'spec.artifact.fileName',
          message: 'the file name must contain ${version}, or versions would overwrite each other',
        });
    }
    const environments = (await lookup.list('Environment', project)).map((e) => e.metadata.name);
    for (const [env, rule] of Object.entries(spec.environments ?? {})) {
      const path = `spec.environments.${env}`;
      if (!environments.includes(env))
        problems.push({
          path,
          message: `environment "${env}" does not exist in project ${project}`,
          expected: environments.join(', '),
        });
      if (rule.from !== undefined && rule.from !== null) {
        if (rule.from === env)
          problems.push({ path: `${path}.from`, message: 'an environment cannot come from itself' });
        else if (!environments.includes(rule.from))
          problems.push({
            path: `${path}.from`,
            message: `environment "${rule.from}" does not exist in project ${project}`,
            expected: environments.join(', '),
          });
      }
      if (rule.autoDeploy && rule.from === null)
        problems.push({ path: `${path}.autoDeploy`, message: 'autoDeploy needs a `from` environment' });
      problems.push(...checkFreezeWindows(rule.freezeWindows, `${path}.freezeWindows`));
      checkOptions(rule.options, `${path}.options`);
      checkHealth(rule.healthCheck, `${path}.healthCheck`);
    }
    return problems;
  },
};
