import { describe, expect, it } from 'vitest';
import {
  type ClientFeaturesResponse,
  type Context,
  createEngine,
  type Explanation,
  formatExplanation,
} from './index.js';
import { loadSpec, specFiles } from './spec-harness.test-helper.js';

const response: ClientFeaturesResponse = {
  version: 2,
  segments: [{ id: 7, constraints: [{ contextName: 'region', operator: 'IN', values: ['eu'] }] }],
  features: [
    { name: 'off', enabled: false, strategies: [{ name: 'default' }] },
    { name: 'no-strategies', enabled: true, strategies: [] },
    {
      name: 'rollout',
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          title: 'Nordics',
          parameters: { rollout: '100', stickiness: 'userId', groupId: 'rollout' },
          constraints: [
            { contextName: 'country', operator: 'IN', values: ['no', 'se'] },
            { contextName: 'appVersion', operator: 'SEMVER_GTE', value: '2.0.0' },
          ],
          segments: [7],
        },
        { name: 'unknownThing', parameters: {} },
        { name: 'userWithId', parameters: { userIds: 'alice,bob' } },
      ],
      variants: [
        {
          name: 'blue',
          weight: 500,
          stickiness: 'default',
          overrides: [{ contextName: 'userId', values: ['bob'] }],
        },
        { name: 'red', weight: 500, stickiness: 'default' },
      ],
    },
    {
      name: 'strategy-variants',
      enabled: true,
      strategies: [
        {
          name: 'default',
          parameters: { groupId: 'sv' },
          variants: [{ name: 'from-strategy', weight: 1, payload: { type: 'string', value: 'x' } }],
        },
      ],
    },
    {
      name: 'broken',
      enabled: true,
      strategies: [
        { name: 'default', constraints: [{ contextName: 'userId', operator: 'REGEX', value: '(a' }] },
        { name: 'default', constraints: [{ contextName: 'userId', operator: 'LIKE', values: ['x'] }] },
        { name: 'default', segments: [404] },
        {
          name: 'default',
          constraints: [{ contextName: 'x', operator: 'DATE_AFTER', value: '2030-01-01T00:00:00Z' }],
        },
      ],
    },
    {
      name: 'child',
      enabled: true,
      strategies: [{ name: 'default' }],
      dependencies: [
        { feature: 'rollout', variants: ['red'] },
        { feature: 'off', enabled: false },
        { feature: 'ghost' },
      ],
    },
    { name: 'grandchild', enabled: true, strategies: [], dependencies: [{ feature: 'child' }] },
  ],
};

const engine = createEngine(response, { now: () => Date.parse('2025-06-01T00:00:00Z') });
const nordic: Context = { userId: 'alice', properties: { country: 'no', appVersion: '2.1.0', region: 'eu' } };

describe('explain', () => {
  it('reports a missing flag', () => {
    const e = engine.explain('nope', {});
    expect(e).toMatchObject({ feature: 'nope', enabled: false, reason: { kind: 'not-found' } });
    expect(e.variant).toEqual({ name: 'disabled', enabled: false, feature_enabled: false });
  });

  it('reports a switched-off flag', () => {
    expect(engine.explain('off').reason).toEqual({ kind: 'disabled' });
  });

  it('reports a flag without strategies as on', () => {
    expect(engine.explain('no-strategies')).toMatchObject({
      enabled: true,
      reason: { kind: 'no-strategies' },
    });
  });

  it('names the matching strategy and how the variant was picked', () => {
    const e = engine.explain('rollout', nordic);
    expect(e.enabled).toBe(true);
    expect(e.reason).toMatchObject({
      kind: 'strategy-matched',
      strategy: { index: 0, name: 'flexibleRollout', title: 'Nordics', result: 'enabled' },
    });
    if (e.reason.kind !== 'strategy-matched') throw new Error('unreachable');
    expect(e.reason.strategy.detail).toMatch(/^userId alice is in bucket \d+, rollout is 100%$/);
    expect(e.variantReason).toEqual({ source: 'feature', how: 'hash', stickiness: 'default' });
    expect(e.variant).toEqual(engine.getVariant('rollout', nordic));
  });

  it('names the failed constraint with the value it saw, then the strategies tried after it', () => {
    const e = engine.explain('rollout', { userId: 'carol', properties: { country: 'dk' } });
    expect(e.enabled).toBe(false);
    expect(e.reason.kind).toBe('no-strategy-matched');
    if (e.reason.kind !== 'no-strategy-matched') throw new Error('unreachable');
    const [first, second, third] = e.reason.strategies;
    expect(first).toMatchObject({
      result: 'constraint-failed',
      failedConstraint: {
        index: 0,
        contextValue: 'dk',
        constraint: { contextName: 'country', operator: 'IN' },
      },
    });
    expect(second).toMatchObject({ name: 'unknownThing', result: 'unknown-strategy' });
    expect(third).toMatchObject({
      name: 'userWithId',
      result: 'not-enabled',
      detail: 'userId carol, allowed alice,bob',
    });
  });

  it('attributes segment constraints to their segment', () => {
    const e = engine.explain('rollout', { userId: 'x', properties: { country: 'no', appVersion: '3.0.0' } });
    if (e.reason.kind !== 'no-strategy-matched') throw new Error(`unexpected ${e.reason.kind}`);
    expect(e.reason.strategies[0]?.failedConstraint).toMatchObject({
      index: 2,
      segmentId: 7,
      contextValue: undefined,
    });
  });

  it('reports overrides', () => {
    const e = engine.explain('rollout', { ...nordic, userId: 'bob' });
    expect(e.variant.name).toBe('blue');
    expect(e.variantReason).toEqual({ source: 'feature', how: 'override', override: 'userId' });
  });

  it('reports strategy variants', () => {
    const e = engine.explain('strategy-variants', { userId: 'u' });
    expect(e.variant).toEqual({
      name: 'from-strategy',
      enabled: true,
      feature_enabled: true,
      payload: { type: 'string', value: 'x' },
    });
    expect(e.variantReason).toMatchObject({ source: 'strategy', how: 'hash' });
  });

  it('explains constraints that can never match', () => {
    const e = engine.explain('broken', { userId: 'a' });
    if (e.reason.kind !== 'no-strategy-matched') throw new Error(`unexpected ${e.reason.kind}`);
    const problems = e.reason.strategies.map((s) => s.failedConstraint?.problem);
    expect(problems[0]).toMatch(/^invalid RE2 regular expression: missing closing \)/);
    expect(problems[1]).toBe('unknown operator "LIKE"');
    expect(problems[2]).toBe('segment 404 does not exist');
    expect(problems[3]).toBeUndefined();
    expect(e.reason.strategies[3]?.failedConstraint?.contextValue).toBe('2025-06-01T00:00:00.000Z');
  });

  it('lists every unsatisfied dependency', () => {
    const e = engine.explain('child', nordic);
    expect(e.enabled).toBe(false);
    if (e.reason.kind !== 'dependency-not-satisfied') throw new Error(`unexpected ${e.reason.kind}`);
    const byFeature = Object.fromEntries(e.reason.dependencies.map((d) => [d.feature, d]));
    expect(byFeature.off).toMatchObject({ satisfied: true, required: 'disabled' });
    expect(byFeature.ghost).toMatchObject({ satisfied: false, problem: 'parent-not-found' });
    const rollout = byFeature.rollout!;
    expect(rollout.satisfied).toBe(rollout.parentVariant === 'red');
    expect(engine.explain('grandchild', nordic).reason).toMatchObject({
      kind: 'dependency-not-satisfied',
      dependencies: [{ feature: 'child', problem: 'parent-has-dependencies' }],
    });
  });

  it('formats the result and the reason for a terminal', () => {
    const text = formatExplanation(
      engine.explain('rollout', { userId: 'carol', properties: { country: 'dk' } }),
    );
    expect(text).toBe(
      [
        'rollout: disabled',
        '  no strategy enabled it',
        '  strategy #1 flexibleRollout "Nordics": constraint #1 failed: country IN [no, se], context value "dk"',
        '  strategy #2 unknownThing: unknown strategy, skipped',
        '  strategy #3 userWithId: not enabled (userId carol, allowed alice,bob)',
      ].join('\n'),
    );
    expect(formatExplanation(engine.explain('rollout', { ...nordic, userId: 'bob' }))).toContain(
      'variant from the feature variants, override on userId',
    );
    expect(formatExplanation(engine.explain('child', nordic))).toContain('depends on ghost being enabled');
    expect(formatExplanation(engine.explain('broken', {}))).toContain('segment 404 does not exist');
  });
});

describe('explain agrees with isEnabled and getVariant', () => {
  for (const file of specFiles()) {
    it(file, () => {
      const { spec, response: state } = loadSpec(file);
      // A constant random source: explain checks in a different order, so draws must not matter.
      const e = createEngine(state, { random: () => 0.37 });
      const contexts = [...(spec.tests ?? []), ...(spec.variantTests ?? [])].map((t) => t.context);
      for (const context of [{}, ...contexts]) {
        for (const name of [...e.featureNames, 'missing']) {
          const explanation: Explanation = e.explain(name, context);
          expect(explanation.enabled, `${name} ${JSON.stringify(context)}`).toBe(e.isEnabled(name, context));
          expect(explanation.variant).toStrictEqual(e.getVariant(name, context));
          expect(formatExplanation(explanation)).toContain(name);
        }
      }
    });
  }
});
