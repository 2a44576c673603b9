import { type TSchema, Type } from '@sinclair/typebox';
import { Name } from '../resources/kind-registry.js';

const Duration = Type.Union(
  [Type.Integer({ minimum: 0 }), Type.String({ pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)?$' })],
  {
    description: 'milliseconds, or a duration such as "30s", "5m", "2h"',
  },
);
const OptionName = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
  maxLength: 64,
  description: 'letters, digits and _',
});
const StepId = Type.String({
  pattern: '^[A-Za-z0-9_-]+$',
  maxLength: 64,
  description: 'letters, digits, - and _',
});
const Retry = Type.Object(
  { count: Type.Integer({ minimum: 0, maximum: 100 }), delay: Type.Optional(Duration) },
  { additionalProperties: false },
);
const OptionValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String())]);

const actionProps = {
  exec: Type.Optional(
    Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String(), { minItems: 1 })]),
  ),
  shell: Type.Optional(Type.Boolean({ description: 'run exec through /bin/sh -c' })),
  script: Type.Optional(
    Type.Object(
      {
        interpreter: Type.Optional(Type.String({ minLength: 1 })),
        body: Type.String({ minLength: 1 }),
        args: Type.Optional(Type.Array(Type.String())),
      },
      { additionalProperties: false },
    ),
  ),
  copy: Type.Optional(
    Type.Object(
      {
        file: Type.Optional(Type.String({ minLength: 1 })),
        path: Type.Optional(Type.String({ minLength: 1 })),
        destination: Type.String({ minLength: 1 }),
        mode: Type.Optional(
          Type.String({ pattern: '^0?[0-7]{3,4}$', description: 'octal mode such as 0644' }),
        ),
        sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
      },
      { additionalProperties: false },
    ),
  ),
  job: Type.Optional(
    Type.Object(
      { name: Name, options: Type.Optional(Type.Record(Type.String(), Type.String())) },
      { additionalProperties: false },
    ),
  ),
  env: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String())),
};

const Webhooks = Type.Array(
  Type.Object(
    {
      url: Type.String({ pattern: '^https?://' }),
      headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    },
    { additionalProperties: false },
  ),
);

export const JobSpecSchema: TSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    group: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9 _.-]+(/[A-Za-z0-9 _.-]+)*$',
        description: 'folder path such as deploy/web',
      }),
    ),
    options: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: OptionName,
            label: Type.Optional(Type.String()),
            description: Type.Optional(Type.String()),
            type: Type.Optional(
              Type.Union(
                ['string', 'number', 'boolean', 'enum', 'secret', 'date'].map((t) => Type.Literal(t)),
              ),
            ),
            required: Type.Optional(Type.Boolean()),
            default: Type.Optional(OptionValue),
            values: Type.Optional(Type.Array(Type.String())),
            enforced: Type.Optional(Type.Boolean()),
            regex: Type.Optional(Type.String()),
            multiValued: Type.Optional(Type.Boolean()),
            delimiter: Type.Optional(Type.String({ minLength: 1 })),
            dateFormat: Type.Optional(Type.String()),
            secretRef: Type.Optional(
              Type.Object({ secret: Name, key: Type.String() }, { additionalProperties: false }),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    nodes: Type.Optional(
      Type.Object(
        { filter: Type.Optional(Type.String()), local: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
    ),
    dispatch: Type.Optional(
      Type.Object(
        {
          threadcount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          keepgoing: Type.Optional(Type.Boolean()),
          rankAttribute: Type.Optional(Type.String()),
          rankOrder: Type.Optional(Type.Union([Type.Literal('ascending'), Type.Literal('descending')])),
        },
        { additionalProperties: false },
      ),
    ),
    strategy: Type.Optional(
      Type.Union([Type.Literal('node-first'), Type.Literal('step-first'), Type.Literal('parallel')]),
    ),
    steps: Type.Array(
      Type.Object(
        {
          id: StepId,
          description: Type.Optional(Type.String()),
          when: Type.Optional(Type.String()),
          ...actionProps,
          onError: Type.Optional(
            Type.Object(
              { description: Type.Optional(Type.String()), ...actionProps },
              { additionalProperties: false },
            ),
          ),
          retry: Type.Optional(Retry),
          timeout: Type.Optional(Duration),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    timeout: Type.Optional(Duration),
    retry: Type.Optional(Retry),
    concurrency: Type.Optional(
      Type.Union([Type.Literal('allow'), Type.Literal('queue'), Type.Literal('forbid')]),
    ),
    schedules: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: StepId,
            cron: Type.String({ minLength: 9 }),
            timezone: Type.Optional(Type.String()),
            environment: Name,
            options: Type.Optional(Type.Record(Type.String(), OptionValue)),
            enabled: Type.Optional(Type.Boolean()),
            runMissed: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    notifications: Type.Optional(
      Type.Object(
        {
          onStart: Type.Optional(Webhooks),
          onSuccess: Type.Optional(Webhooks),
          onFailure: Type.Optional(Webhooks),
        },
        { additionalProperties: false },
      ),
    ),
    secrets: Type.Optional(
      Type.Array(
        Type.Object(
          {
            secret: Name,
            key: Type.String({ minLength: 1 }),
            env: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
