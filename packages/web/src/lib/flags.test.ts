import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../api/flags';
import {
  cellSummary,
  cleanEnvironment,
  diffValues,
  environmentSummary,
  metricSlots,
  OPERATORS,
  problemsByPath,
  problemsStillStanding,
  sameEnvironment,
  valueAt,
  variantShares,
  whyLines,
  withOperator,
} from './flags';

describe('operators', () => {
  it('offers every operator of the server schema', () => {
    expect([...OPERATORS].sort()).toEqual(
      [
        'IN',
        'NOT_IN',
        'STR_CONTAINS',
        'STR_STARTS_WITH',
        'STR_ENDS_WITH',
        'NUM_EQ',
        'NUM_GT',
        'NUM_GTE',
        'NUM_LT',
        'NUM_LTE',
        'DATE_AFTER',
        'DATE_BEFORE',
        'SEMVER_EQ',
        'SEMVER_GT',
        'SEMVER_GTE',
        'SEMVER_LT',
        'SEMVER_LTE',
        'REGEX',
        'IN_CIDR',
      ].sort(),
    );
  });

  it('keeps what was typed when the operator changes between a list and one value', () => {
    const list = { contextName: 'plan', operator: 'IN', values: ['pro', 'beta'], caseInsensitive: true };
    const single = withOperator(list, 'SEMVER_GTE');
    expect(single).toEqual({ contextName: 'plan', operator: 'SEMVER_GTE', value: 'pro' });
    expect(withOperator(single, 'NOT_IN')).toEqual({
      contextName: 'plan',
      operator: 'NOT_IN',
      values: ['pro'],
    });
    expect(withOperator(list, 'REGEX').caseInsensitive).toBe(true);
  });
});

describe('variantShares', () => {
  it('lets variants without a weight share what the fixed ones leave', () => {
    const shares = variantShares([{ name: 'a', weight: 500 }, { name: 'b' }, { name: 'c' }]);
    expect(shares.map((s) => [s.name, s.weight, s.fixed])).toEqual([
      ['a', 500, true],
      ['b', 250, false],
      ['c', 250, false],
    ]);
    expect(shares.map((s) => s.percent)).toEqual([50, 25, 25]);
  });

  it('gives the rounding to the first ones and normalises by the total', () => {
    expect(variantShares([{ name: 'a' }, { name: 'b' }, { name: 'c' }]).map((s) => s.weight)).toEqual([
      334, 333, 333,
    ]);
    const uneven = variantShares([
      { name: 'a', weight: 100 },
      { name: 'b', weight: 300 },
    ]);
    expect(uneven.map((s) => s.percent)).toEqual([25, 75]);
    expect(variantShares([{ name: 'a', weight: 0 }])[0]?.percent).toBe(0);
  });
});

describe('cleanEnvironment', () => {
  it('leaves out empty parts so an untouched draft equals what is stored', () => {
    const draft = {
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          title: ' ',
          parameters: { rollout: '25', stickiness: 'default', groupId: '' },
          constraints: [
            {
              contextName: ' plan ',
              operator: 'IN',
              values: ['pro'],
              inverted: false,
              caseInsensitive: false,
            },
          ],
          segments: [],
          variants: [],
        },
      ],
      variants: [],
    };
    expect(cleanEnvironment(draft)).toEqual({
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '25', stickiness: 'default' },
          constraints: [{ contextName: 'plan', operator: 'IN', values: ['pro'] }],
        },
      ],
    });
    expect(sameEnvironment(undefined, { enabled: false, strategies: [] })).toBe(true);
    expect(sameEnvironment({ enabled: true }, { enabled: false })).toBe(false);
  });

  it('keeps an empty single value so the server can say it is missing', () => {
    const config = cleanEnvironment({
      enabled: true,
      strategies: [{ name: 'default', constraints: [{ contextName: 'v', operator: 'SEMVER_GT' }] }],
    });
    expect(config.strategies?.[0]?.constraints?.[0]).toEqual({
      contextName: 'v',
      operator: 'SEMVER_GT',
      value: '',
    });
  });
});

describe('problemsByPath', () => {
  it('maps resource and body validation paths to editor paths', () => {
    const problems = problemsByPath([
      {
        path: 'spec.environments.test.strategies[0].parameters.rollout',
        message: '"150" is not a percentage',
      },
      { path: 'strategies[0].constraints[0].contextName', message: 'must NOT have fewer than 1 characters' },
      { path: 'strategies[0].constraints[0].operator', message: 'expected "IN"' },
      { path: 'strategies[0].constraints[0].operator', message: 'expected "NOT_IN"' },
      { path: 'spec.dependencies[0].flag', message: 'flag "x" does not exist' },
      { path: 'spec.environments.prod', message: 'prod is protected' },
    ]);
    expect(problems).toEqual({
      'strategies[0].parameters.rollout': ['"150" is not a percentage'],
      'strategies[0].constraints[0].contextName': ['must NOT have fewer than 1 characters'],
      'strategies[0].constraints[0].operator': ['expected "IN", "NOT_IN"'],
      'dependencies[0].flag': ['flag "x" does not exist'],
      '': ['prod is protected'],
    });
  });
});

describe('problemsStillStanding', () => {
  it('drops the problems of fields edited since the refused save', () => {
    const refused = {
      enabled: true,
      strategies: [{ name: 'flexibleRollout', parameters: { rollout: '150', groupId: '' } }],
    };
    const current = {
      enabled: true,
      strategies: [{ name: 'flexibleRollout', parameters: { rollout: '40', groupId: '' } }],
    };
    expect(valueAt(current, 'strategies[0].parameters.rollout')).toBe('40');
    expect(valueAt(current, 'strategies[3].name')).toBeUndefined();
    expect(
      problemsStillStanding(
        {
          'strategies[0].parameters.rollout': ['"150" is not a percentage'],
          'strategies[0].parameters.groupId': ['empty'],
          '': ['whole'],
        },
        refused,
        current,
      ),
    ).toEqual({ 'strategies[0].parameters.groupId': ['empty'], '': ['whole'] });
  });
});

describe('diffValues', () => {
  it('lists changed leaves with server-style paths', () => {
    const before = {
      enabled: true,
      strategies: [{ name: 'flexibleRollout', parameters: { rollout: '25' } }],
    };
    const after = {
      enabled: true,
      strategies: [{ name: 'flexibleRollout', parameters: { rollout: '40' } }],
      variants: [{ name: 'a' }],
    };
    expect(diffValues(before, after, 'prod')).toEqual([
      { path: 'prod.strategies[0].parameters.rollout', before: '25', after: '40' },
      { path: 'prod.variants[0].name', after: 'a' },
    ]);
    expect(diffValues([1], [1, 2], 'x')).toEqual([{ path: 'x[1]', after: 2 }]);
    expect(diffValues({ a: 1 }, { a: 1 })).toEqual([]);
    expect(diffValues({ values: ['a'] }, undefined, 'c')).toEqual([{ path: 'c.values[0]', before: 'a' }]);
    expect(diffValues(undefined, {}, 'c')).toEqual([{ path: 'c', after: {} }]);
    expect(diffValues(1, { a: 1 }, 'c')).toEqual([{ path: 'c', before: 1, after: { a: 1 } }]);
  });
});

describe('whyLines', () => {
  it('drops the headline and says which lines are good or bad news', () => {
    const text = [
      'new-checkout: disabled',
      '  no strategy enabled it',
      '  strategy #1 flexibleRollout: not enabled (userId 42 is in bucket 74, rollout is 25%)',
      '  strategy #2 default: constraint #1 failed: plan IN [pro], context value "free"',
      '  strategy #3 userWithId: enabled',
      '  variant from the feature variants, by default stickiness',
    ].join('\n');
    expect(whyLines(text).map((l) => l.tone)).toEqual(['bad', 'bad', 'bad', 'ok', 'info']);
    expect(whyLines(text)[1]?.text).toBe(
      'strategy #1 flexibleRollout: not enabled (userId 42 is in bucket 74, rollout is 25%)',
    );
  });
});

describe('summaries', () => {
  it('says how far a flag is rolled out', () => {
    expect(cellSummary({ enabled: true, strategies: 0, variants: 0 })).toBe('everyone');
    expect(cellSummary({ enabled: false, strategies: 0, variants: 0 })).toBe('');
    expect(cellSummary({ enabled: true, strategies: 2, variants: 3, rollout: 25 })).toBe(
      '25% · +1 more · 3 variants',
    );
    expect(cellSummary({ enabled: true, strategies: 1, variants: 0 })).toBe('1 strategy');
    expect(
      environmentSummary({
        enabled: true,
        strategies: [
          { name: 'flexibleRollout', parameters: { rollout: '10' } },
          { name: 'userWithId', disabled: true },
        ],
      }),
    ).toBe('10%');
  });
});

describe('metricSlots', () => {
  it('fills every minute from since to now and sums environments unless one is chosen', () => {
    const now = Date.parse('2030-01-01T10:05:30Z');
    const since = Date.parse('2030-01-01T10:01:10Z');
    const items: MetricPoint[] = [
      { time: '2030-01-01T10:02:00.000Z', environment: 'dev', yes: 3, no: 1, variants: { a: 2 } },
      { time: '2030-01-01T10:02:00.000Z', environment: 'test', yes: 1, no: 1, variants: { a: 1, b: 1 } },
      { time: '2030-01-01T10:05:00.000Z', environment: 'dev', yes: 5, no: 0, variants: {} },
      { time: '2029-12-31T10:05:00.000Z', environment: 'dev', yes: 9, no: 9, variants: {} },
    ];
    const all = metricSlots(items, { period: 'minute', since, now });
    expect(all.map((s) => new Date(s.time).toISOString().slice(11, 16))).toEqual([
      '10:01',
      '10:02',
      '10:03',
      '10:04',
      '10:05',
    ]);
    expect(all[1]).toMatchObject({ yes: 4, no: 2, variants: { a: 3, b: 1 } });
    const dev = metricSlots(items, { period: 'minute', since, now, environment: 'dev' });
    expect(dev[1]).toMatchObject({ yes: 3, no: 1 });
    expect(dev[4]).toMatchObject({ yes: 5, no: 0 });
  });
});
