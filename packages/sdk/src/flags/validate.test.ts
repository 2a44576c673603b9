import { describe, expect, it } from 'vitest';
import { validateConstraint, validateFlagSpec } from './validate.js';

describe('flag spec checks', () => {
  it('names each value that cannot match as written', () => {
    const problems = validateFlagSpec({
      environments: {
        prod: {
          enabled: true,
          strategies: [
            { name: 'flexibleRollout', parameters: { rollout: '101' } },
            { name: 'userWithId' },
            { name: 'custom' },
            {
              name: 'default',
              constraints: [
                { contextName: 'n', operator: 'NUM_GT', value: 'ten' },
                { contextName: 'd', operator: 'DATE_AFTER', value: 'tomorrow' },
                { contextName: 'v', operator: 'SEMVER_EQ', value: 'v1.2.3' },
                { contextName: 'r', operator: 'REGEX', value: 'a(?=b)' },
                { contextName: 'ip', operator: 'IN_CIDR', values: ['10.0.0.0/8', '300.1.1.1', '::1/129'] },
                { contextName: 'x', operator: 'IN', value: 'one' },
              ],
            },
          ],
          variants: [
            { name: 'a', weight: 800, weightType: 'fix', payload: { type: 'json', value: '{' } },
            { name: 'a', weight: 300, weightType: 'fix', payload: { type: 'number', value: 'x' } },
          ],
        },
      },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'spec.environments.prod.strategies[0].parameters.rollout',
      'spec.environments.prod.strategies[1].parameters.userIds',
      'spec.environments.prod.strategies[2].name',
      'spec.environments.prod.strategies[3].constraints[0].value',
      'spec.environments.prod.strategies[3].constraints[1].value',
      'spec.environments.prod.strategies[3].constraints[2].value',
      'spec.environments.prod.strategies[3].constraints[3].value',
      'spec.environments.prod.strategies[3].constraints[4].values[1]',
      'spec.environments.prod.strategies[3].constraints[4].values[2]',
      'spec.environments.prod.strategies[3].constraints[5].values',
      'spec.environments.prod.variants[0].payload.value',
      'spec.environments.prod.variants[1].name',
      'spec.environments.prod.variants[1].payload.value',
      'spec.environments.prod.variants',
    ]);
  });

  it('accepts what Unleash accepts', () => {
    const ok = [
      { contextName: 'v', operator: 'SEMVER_GTE', value: '2.0.0-beta.1' },
      { contextName: 'ip', operator: 'IN_CIDR', values: ['10.0.0.1', '2001:db8::/32'] },
      { contextName: 'd', operator: 'DATE_BEFORE', value: '2030-01-01T00:00:00Z' },
      { contextName: 'e', operator: 'REGEX', value: '(?i)^[a-z]+@example\\.com$' },
      { contextName: 'x', operator: 'NOT_IN', values: [] },
    ];
    for (const c of ok) expect(validateConstraint(c, 'c')).toEqual([]);
  });
});
