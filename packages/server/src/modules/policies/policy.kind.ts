import { Type } from '@sinclair/typebox';
import type { KindDefinition } from '../resources/kind-registry.js';
import { ACTIONS } from './policy.js';

const Patterns = (what: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 253 }), {
    minItems: 1,
    description: `${what}; "*" and "?" are wildcards`,
  });

export const policyKind: KindDefinition = {
  kind: 'Policy',
  plural: 'policies',
  scope: 'both',
  description:
    'Grants or denies actions to users, groups and tokens. Each rule names projects and environments together; deny wins; nothing granted means no.',
  spec: Type.Object(
    {
      description: Type.Optional(Type.String({ maxLength: 2000 })),
      subjects: Type.Array(
        Type.Union([
          Type.Object({ user: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
          Type.Object({ group: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
          Type.Object({ token: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        ]),
        { minItems: 1 },
      ),
      rules: Type.Array(
        Type.Object(
          {
            effect: Type.Optional(Type.Union([Type.Literal('allow'), Type.Literal('deny')])),
            actions: Type.Array(Type.Union([...ACTIONS.map((a) => Type.Literal(a)), Type.Literal('*')]), {
              minItems: 1,
            }),
            kinds: Type.Optional(Patterns('resource kinds')),
            names: Type.Optional(Patterns('resource names')),
            projects: Patterns('projects'),
            environments: Patterns('environments'),
            environmentProtected: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        { minItems: 1 },
      ),
    },
    { additionalProperties: false },
  ),
};
