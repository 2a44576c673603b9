// Response shapes of the flag APIs, for OpenAPI (the console and other clients are built from them).
// Routes that use them serialise with JSON.stringify, so a field missing here is never dropped.
import { type TSchema, Type } from '@sinclair/typebox';
import { ConstraintSchema, FlagEnvironmentSchema, StrategySchema, VariantSchema } from './flag.schema.js';

const Iso = Type.String({ format: 'date-time' });
const Anything = Type.Record(Type.String(), Type.Unknown());

/** JSON.stringify instead of fast-json-stringify: documentation must never filter answers. */
export const plainJson = { serializerCompiler: () => (data: unknown) => JSON.stringify(data) };

export const FieldChangeSchema = Type.Object({
  path: Type.String({ description: 'e.g. spec.environments.prod.enabled' }),
  before: Type.Optional(Type.Unknown()),
  after: Type.Optional(Type.Unknown()),
});

export const ApprovalSchema = Type.Object({
  id: Type.String(),
  project: Type.String(),
  environment: Type.String(),
  subjectType: Type.Literal('flag-change'),
  subjectId: Type.String({ description: 'the flag change id' }),
  subjectName: Type.String({ description: 'the flag name' }),
  summary: Type.String(),
  requestedBy: Type.String(),
  requestedAt: Iso,
  status: Type.Union(['pending', 'approved', 'rejected', 'cancelled'].map((s) => Type.Literal(s))),
  decidedBy: Type.Optional(Type.String()),
  decidedAt: Type.Optional(Iso),
  comment: Type.Optional(Type.String()),
});

export const FlagOperationSchema = Type.Union(
  [
    Type.Object({ type: Type.Literal('toggle'), environment: Type.String(), enabled: Type.Boolean() }),
    Type.Object({
      type: Type.Literal('set-rollout'),
      environment: Type.String(),
      percent: Type.Number(),
      strategy: Type.Optional(Type.Integer({ description: 'index of the strategy in the environment' })),
    }),
    Type.Object({
      type: Type.Literal('set-environment'),
      environment: Type.String(),
      config: FlagEnvironmentSchema,
    }),
    Type.Object({ type: Type.Literal('promote'), from: Type.String(), to: Type.String() }),
    Type.Object({
      type: Type.Literal('apply'),
      spec: Anything,
      labels: Type.Optional(Anything),
      annotations: Type.Optional(Anything),
    }),
    Type.Object({
      type: Type.Literal('apply-segment'),
      spec: Anything,
      labels: Type.Optional(Anything),
      annotations: Type.Optional(Anything),
    }),
  ],
  { description: 'what the change does' },
);

export const FlagChangeSchema = Type.Object(
  {
    id: Type.String(),
    project: Type.String(),
    flag: Type.String(),
    environments: Type.Array(Type.String(), { description: 'environments whose configuration it changes' }),
    operation: FlagOperationSchema,
    summary: Type.String(),
    requestedBy: Type.String(),
    requestedAt: Iso,
    runAt: Type.Optional(Iso),
    status: Type.Union(
      ['pending-approval', 'scheduled', 'applying', 'applied', 'rejected', 'cancelled', 'failed'].map((s) =>
        Type.Literal(s),
      ),
    ),
    baseVersion: Type.Optional(Type.String()),
    finishedAt: Type.Optional(Iso),
    message: Type.Optional(Type.String({ description: 'who approved, why it failed, …' })),
  },
  { description: 'a flag change waiting for an approval or a time, or what became of it' },
);

export const ChangeOutcomeSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('Flag'), Type.Literal('Segment')], {
      description: 'Segment for a segment edit; then flag holds the segment name',
    }),
    status: Type.Union(
      ['applied', 'unchanged', 'pending-approval', 'scheduled', 'dry-run'].map((s) => Type.Literal(s)),
      {
        description: 'pending-approval answers 202; the change applies when every approval is given',
      },
    ),
    project: Type.String(),
    flag: Type.String(),
    environments: Type.Array(Type.String(), { description: 'environments whose configuration changes' }),
    approvalRequired: Type.Array(Type.String(), {
      description: 'protected environments waiting for approval',
    }),
    killSwitch: Type.Boolean({ description: 'a protected environment was switched off at once' }),
    summary: Type.String(),
    changes: Type.Array(FieldChangeSchema),
    before: Type.Optional(Anything),
    after: Type.Optional(Anything),
    resourceVersion: Type.Optional(Type.String()),
    change: Type.Optional(FlagChangeSchema),
    approvals: Type.Optional(Type.Array(ApprovalSchema)),
  },
  { description: 'what a flag change did, or would do on a dry run' },
);

export const EnvironmentCellSchema = Type.Object({
  enabled: Type.Boolean(),
  strategies: Type.Integer({ description: 'active strategies' }),
  variants: Type.Integer(),
  rollout: Type.Optional(Type.Number({ description: 'percentage of the first rollout strategy' })),
  lastSeenAt: Type.Optional(Iso),
});

export const OverviewSchema = Type.Object({
  project: Type.String(),
  environments: Type.Array(
    Type.Object({
      name: Type.String(),
      order: Type.Integer(),
      protected: Type.Boolean(),
      color: Type.Optional(Type.String()),
    }),
    { description: 'in promotion order: the grid columns' },
  ),
  flags: Type.Array(
    Type.Object({
      name: Type.String(),
      key: Type.String({ description: 'the name SDKs evaluate' }),
      type: Type.String(),
      description: Type.Optional(Type.String()),
      labels: Type.Record(Type.String(), Type.String()),
      createdAt: Type.Optional(Iso),
      lifetimeDays: Type.Union([Type.Integer(), Type.Null()], { description: 'null: permanent' }),
      stale: Type.Boolean(),
      lastSeenAt: Type.Optional(Iso),
      resourceVersion: Type.Optional(Type.String()),
      pendingChanges: Type.Integer(),
      environments: Type.Record(Type.String(), EnvironmentCellSchema),
    }),
  ),
});

export const EvaluationSchema = Type.Object({
  flag: Type.String(),
  key: Type.String(),
  environment: Type.String(),
  enabled: Type.Boolean(),
  variant: Type.Object({
    name: Type.String(),
    enabled: Type.Boolean(),
    payload: Type.Optional(Type.Object({ type: Type.String(), value: Type.String() })),
    feature_enabled: Type.Boolean(),
  }),
  explanation: Type.Object(
    {},
    {
      additionalProperties: true,
      description:
        "@pont/flag-engine's Explanation: reason, strategies tried, failed constraint, variant source",
    },
  ),
  text: Type.String({ description: 'the explanation as lines of text' }),
  feature: Type.Optional(
    Type.Object({}, { additionalProperties: true, description: 'the client-features entry evaluated' }),
  ),
});

export const MetricsSchema = Type.Object({
  flag: Type.String(),
  key: Type.String(),
  period: Type.Union([Type.Literal('minute'), Type.Literal('hour')]),
  since: Iso,
  apps: Type.Array(Type.String()),
  totals: Type.Object({
    yes: Type.Integer(),
    no: Type.Integer(),
    variants: Type.Record(Type.String(), Type.Integer()),
  }),
  items: Type.Array(
    Type.Object({
      time: Iso,
      environment: Type.String(),
      yes: Type.Integer(),
      no: Type.Integer(),
      variants: Type.Record(Type.String(), Type.Integer()),
    }),
    { description: 'one point per minute (or hour) and environment, all applications summed' },
  ),
});

export const ClientsSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      project: Type.String(),
      environment: Type.String(),
      appName: Type.String(),
      instanceId: Type.String(),
      sdkVersion: Type.Optional(Type.String()),
      source: Type.Union([Type.Literal('client'), Type.Literal('frontend')]),
      startedAt: Type.Optional(Iso),
      intervalMs: Type.Optional(Type.Integer()),
      firstSeenAt: Iso,
      lastSeenAt: Iso,
    }),
  ),
});

export const ClientFeaturesSchema: TSchema = Type.Object(
  {
    version: Type.Integer(),
    features: Type.Array(
      Type.Object({
        name: Type.String(),
        type: Type.String(),
        description: Type.Union([Type.String(), Type.Null()]),
        project: Type.String(),
        enabled: Type.Boolean(),
        stale: Type.Boolean(),
        impressionData: Type.Boolean(),
        strategies: Type.Array(
          Type.Object({
            name: Type.String(),
            parameters: Type.Record(Type.String(), Type.String()),
            constraints: Type.Array(ConstraintSchema),
            segments: Type.Optional(Type.Array(Type.Integer())),
            variants: Type.Optional(Type.Array(VariantSchema)),
            sortOrder: Type.Integer(),
          }),
        ),
        variants: Type.Array(VariantSchema),
        dependencies: Type.Optional(
          Type.Array(
            Type.Object({
              feature: Type.String(),
              enabled: Type.Boolean(),
              variants: Type.Optional(Type.Array(Type.String())),
            }),
          ),
        ),
      }),
    ),
    segments: Type.Array(
      Type.Object({ id: Type.Integer(), name: Type.String(), constraints: Type.Array(ConstraintSchema) }),
    ),
    query: Type.Object({ project: Type.Array(Type.String()), environment: Type.String() }),
  },
  { description: "Unleash's client-features format (what unleash-client and pont's SDK read)" },
);

export const FrontendResponseSchema = Type.Object({
  toggles: Type.Array(
    Type.Object({
      name: Type.String(),
      enabled: Type.Literal(true),
      variant: Type.Object({
        name: Type.String(),
        enabled: Type.Boolean(),
        payload: Type.Optional(Type.Object({ type: Type.String(), value: Type.String() })),
        feature_enabled: Type.Boolean(),
      }),
      impressionData: Type.Boolean(),
    }),
    { description: 'only the flags enabled for the context, as the Unleash frontend API answers' },
  ),
});

export { StrategySchema };
