// JSON Schemas of the Flag and Segment specs. They validate apply, PUT and the flag APIs, and the
// console builds its forms from them, so every field says what it means.
import { FLAG_TYPES, KNOWN_STRATEGIES, OPERATORS } from '@pont/sdk';
import { type TSchema, Type } from '@sinclair/typebox';
import { Name } from '../resources/kind-registry.js';

const ContextName = Type.String({
  minLength: 1,
  maxLength: 100,
  description:
    'a context field: userId, sessionId, remoteAddress, environment, appName, currentTime or any property',
});

export const ConstraintSchema = Type.Object(
  {
    contextName: ContextName,
    operator: Type.Union(
      OPERATORS.map((o) => Type.Literal(o)),
      {
        description:
          'IN, NOT_IN, STR_*, IN_CIDR compare with values; NUM_*, DATE_*, SEMVER_*, REGEX with value',
      },
    ),
    values: Type.Optional(Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 10_000 })),
    value: Type.Optional(Type.String({ maxLength: 1000 })),
    inverted: Type.Optional(Type.Boolean({ description: 'negate the result' })),
    caseInsensitive: Type.Optional(Type.Boolean({ description: 'for STR_*, IN, NOT_IN and REGEX' })),
  },
  { additionalProperties: false, description: 'a condition on the evaluation context' },
);

const PayloadSchema = Type.Object(
  {
    type: Type.Union([
      Type.Literal('string'),
      Type.Literal('json'),
      Type.Literal('csv'),
      Type.Literal('number'),
    ]),
    value: Type.String({ maxLength: 100_000 }),
  },
  { additionalProperties: false, description: 'the typed value the variant carries' },
);

export const VariantSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    weight: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1000,
        description: 'share out of 1000; variants without one split what the others leave',
      }),
    ),
    weightType: Type.Optional(Type.Union([Type.Literal('variable'), Type.Literal('fix')])),
    stickiness: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'default, random, userId, sessionId or a context field',
      }),
    ),
    payload: Type.Optional(PayloadSchema),
    overrides: Type.Optional(
      Type.Array(
        Type.Object(
          { contextName: ContextName, values: Type.Array(Type.String({ maxLength: 1000 })) },
          { additionalProperties: false },
        ),
        { description: 'contexts whose field has one of the values always get this variant' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const StrategySchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: `one of ${KNOWN_STRATEGIES.join(', ')}`,
      examples: [...KNOWN_STRATEGIES],
    }),
    title: Type.Optional(Type.String({ maxLength: 200 })),
    disabled: Type.Optional(Type.Boolean({ description: 'kept but not served to SDKs' })),
    parameters: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: 100 }),
        Type.Union([Type.String({ maxLength: 100_000 }), Type.Number()]),
        {
          description:
            'flexibleRollout: rollout (0-100), stickiness, groupId; userWithId: userIds; remoteAddress: IPs; applicationHostname: hostNames (comma-separated lists)',
        },
      ),
    ),
    constraints: Type.Optional(Type.Array(ConstraintSchema, { description: 'all must match' })),
    segments: Type.Optional(
      Type.Array(Name, {
        uniqueItems: true,
        description: 'Segment resources of the project; all must match',
      }),
    ),
    variants: Type.Optional(
      Type.Array(VariantSchema, { description: 'variants when this strategy matched' }),
    ),
  },
  { additionalProperties: false },
);

export const FlagEnvironmentSchema = Type.Object(
  {
    enabled: Type.Boolean({ description: 'off: every SDK sees the flag off in this environment' }),
    strategies: Type.Optional(
      Type.Array(StrategySchema, {
        description: 'the flag is on when any strategy matches; none means on for everyone',
      }),
    ),
    variants: Type.Optional(
      Type.Array(VariantSchema, { description: 'feature variants in this environment' }),
    ),
  },
  { additionalProperties: false, description: 'the configuration of the flag in one environment' },
);

export const FlagSpecSchema: TSchema = Type.Object(
  {
    key: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description:
          'the name applications evaluate; defaults to metadata.name (set it for names such as Feature.A)',
      }),
    ),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    type: Type.Optional(
      Type.Union(
        FLAG_TYPES.map((t) => Type.Literal(t)),
        {
          description:
            'sets the expected lifetime: release and experiment 40 days, operational 7, kill-switch and permission permanent',
        },
      ),
    ),
    lifetimeDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 36_500,
        description: "overrides the type's lifetime; 0 means permanent",
      }),
    ),
    stale: Type.Optional(Type.Boolean({ description: 'mark stale by hand' })),
    impressionData: Type.Optional(
      Type.Boolean({ description: 'SDKs emit an impression event per evaluation' }),
    ),
    dependencies: Type.Optional(
      Type.Array(
        Type.Object(
          {
            flag: Name,
            enabled: Type.Optional(
              Type.Boolean({ description: 'false: the parent must be off; default true' }),
            ),
            variants: Type.Optional(
              Type.Array(Type.String({ minLength: 1 }), { description: 'allowed parent variants' }),
            ),
          },
          { additionalProperties: false },
        ),
        {
          description:
            'flags (of this project, without dependencies themselves) that must be on (or off) first',
        },
      ),
    ),
    environments: Type.Optional(
      Type.Record(Name, FlagEnvironmentSchema, {
        description: 'per environment of the project; an environment left out is off',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SegmentSpecSchema: TSchema = Type.Object(
  {
    key: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'display name; defaults to metadata.name' }),
    ),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    constraints: Type.Array(ConstraintSchema, {
      description: 'all must match for a strategy using the segment to apply',
    }),
  },
  { additionalProperties: false },
);
