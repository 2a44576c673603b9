import { describe, expect, it } from 'vitest';
import { applyDelta, type ClientFeaturesResponse, compileRe2, createEngine } from './index.js';

const flag = (name: string, strategy: ClientFeaturesResponse['features'][number]['strategies'][number]) => ({
  name,
  enabled: true,
  strategies: [strategy],
});

describe('createEngine', () => {
  const engine = createEngine({
    features: [
      flag('on', { name: 'default' }),
      { name: 'with-variants', enabled: true, strategies: [], variants: [{ name: 'only', weight: 1 }] },
      { name: 'zero-weights', enabled: true, strategies: [], variants: [{ name: 'none', weight: 0 }] },
    ],
  });

  it('lists features', () => {
    expect(engine.featureNames).toEqual(['on', 'with-variants', 'zero-weights']);
    expect(engine.has('on')).toBe(true);
    expect(engine.has('off')).toBe(false);
  });

  it('uses the fallback only for unknown flags', () => {
    expect(engine.isEnabled('unknown')).toBe(false);
    expect(engine.isEnabled('unknown', {}, true)).toBe(true);
    expect(
      engine.isEnabled('unknown', { userId: 'u' }, (name, ctx) => name === 'unknown' && ctx.userId === 'u'),
    ).toBe(true);
    expect(engine.isEnabled('on', {}, false)).toBe(true);
  });

  it('returns the fallback variant with feature_enabled', () => {
    const fallback = { name: 'fb', enabled: true, payload: { type: 'string', value: 'p' } };
    expect(engine.getVariant('unknown', {}, fallback)).toEqual({ ...fallback, feature_enabled: false });
    expect(engine.getVariant('on', {}, fallback)).toEqual({ ...fallback, feature_enabled: true });
    expect(engine.getVariant('zero-weights')).toEqual({
      name: 'disabled',
      enabled: false,
      feature_enabled: true,
    });
    expect(engine.getVariant('with-variants')).toEqual({
      name: 'only',
      enabled: true,
      feature_enabled: true,
    });
  });

  it('hands out immutable shared variant objects', () => {
    const v = engine.getVariant('with-variants', { userId: 'a' });
    expect(engine.getVariant('with-variants', { userId: 'b' })).toBe(v);
    expect(Object.isFrozen(v)).toBe(true);
  });
});

describe('injectable random source', () => {
  const response: ClientFeaturesResponse = {
    features: [
      flag('random', { name: 'gradualRolloutRandom', parameters: { percentage: '30' } }),
      flag('random-stickiness', {
        name: 'flexibleRollout',
        parameters: { rollout: '50', stickiness: 'random', groupId: 'g' },
      }),
    ],
  };

  it('drives gradualRolloutRandom: draw = floor(r * 100) + 1, on when percentage >= draw', () => {
    expect(createEngine(response, { random: () => 0.295 }).isEnabled('random')).toBe(true);
    expect(createEngine(response, { random: () => 0.3 }).isEnabled('random')).toBe(false);
  });

  it('drives random stickiness deterministically', () => {
    const draws = [0, 0.1, 0.25, 0.5, 0.75, 0.99];
    const run = () =>
      draws.map((r) => createEngine(response, { random: () => r }).isEnabled('random-stickiness'));
    const results = run();
    expect(run()).toEqual(results);
    expect(results).toContain(true);
    expect(results).toContain(false);
  });
});

describe('applicationHostname', () => {
  const response = {
    features: [flag('hosts', { name: 'applicationHostname', parameters: { hostNames: 'Web-1, web-2' } })],
  };

  it('reads the host name from the engine option, case-insensitively', () => {
    expect(createEngine(response, { hostname: 'WEB-1' }).isEnabled('hosts')).toBe(true);
    expect(createEngine(response, { hostname: 'db-1' }).isEnabled('hosts')).toBe(false);
    expect(createEngine(response).isEnabled('hosts')).toBe(false);
  });

  it('prefers context.properties.hostname', () => {
    const engine = createEngine(response, { hostname: 'db-1' });
    expect(engine.isEnabled('hosts', { properties: { hostname: 'web-2' } })).toBe(true);
  });
});

describe('remoteAddress', () => {
  const engine = createEngine({
    features: [
      flag('ips', { name: 'remoteAddress', parameters: { IPs: '10.0.0.0/8, 192.168.1.1, 2001:db8::/32' } }),
    ],
  });

  it.each([
    ['10.20.30.40', true],
    ['11.0.0.1', false],
    ['192.168.1.1', true],
    ['192.168.1.2', false],
    ['2001:db8::42', true],
    ['2001:DB8:0:0::1', true],
    ['2001:db9::1', false],
    ['not an ip', false],
  ])('%s → %s (IPv4 and IPv6 ranges)', (remoteAddress, expected) => {
    expect(engine.isEnabled('ips', { remoteAddress })).toBe(expected);
  });
});

describe('dates', () => {
  const engine = createEngine(
    {
      features: [
        flag('after', {
          name: 'default',
          constraints: [
            { contextName: 'currentTime', operator: 'DATE_AFTER', value: '2030-01-01T00:00:00Z' },
          ],
        }),
      ],
    },
    { now: () => Date.parse('2031-01-01T00:00:00Z') },
  );

  it('uses the engine clock unless the context has currentTime', () => {
    expect(engine.isEnabled('after')).toBe(true);
    expect(engine.isEnabled('after', { currentTime: '2029-12-31T23:59:59Z' })).toBe(false);
    expect(engine.isEnabled('after', { currentTime: new Date('2030-06-01') })).toBe(true);
  });
});

describe('applyDelta', () => {
  const base: ClientFeaturesResponse = {
    version: 2,
    features: [flag('a', { name: 'default' }), flag('b', { name: 'default' })],
    segments: [{ id: 1, constraints: [] }],
  };

  it('patches features and segments in order without touching the input', () => {
    const next = applyDelta(base, [
      { eventId: 1, type: 'feature-updated', feature: { ...flag('a', { name: 'default' }), enabled: false } },
      { eventId: 2, type: 'feature-updated', feature: flag('c', { name: 'default' }) },
      { eventId: 3, type: 'feature-removed', featureName: 'b' },
      { eventId: 4, type: 'segment-removed', segmentId: 1 },
      { eventId: 5, type: 'segment-updated', segment: { id: 2, constraints: [] } },
    ]);
    expect(next.features.map((f) => [f.name, f.enabled])).toEqual([
      ['a', false],
      ['c', true],
    ]);
    expect(next.segments).toEqual([{ id: 2, constraints: [] }]);
    expect(base.features.map((f) => f.name)).toEqual(['a', 'b']);
  });

  it('replaces everything on hydration', () => {
    const next = applyDelta(base, [
      { eventId: 9, type: 'hydration', features: [flag('z', { name: 'default' })] },
    ]);
    expect(next.features.map((f) => f.name)).toEqual(['z']);
    expect(next.segments).toEqual([]);
  });
});

describe('compileRe2', () => {
  it('translates RE2 syntax', () => {
    const test = (pattern: string, value: string, ci = false) => {
      const c = compileRe2(pattern, ci);
      if (!c.ok) throw new Error(c.error);
      return c.regex.test(value);
    };
    expect(test('^[[:alpha:]]+$', 'AlphaBeta')).toBe(true);
    expect(test('^(?i)abc$', 'AbC')).toBe(true);
    expect(test('(?i:a)b', 'AB')).toBe(false);
    expect(test('(?i:a)b', 'Ab')).toBe(true);
    expect(test('\\Qa.b\\E', 'axb')).toBe(false);
    expect(test('(?m)^foo$', 'x\nfoo\ny')).toBe(true);
    expect(test('^a.b$', 'a\rb')).toBe(true);
    expect(test('\\s', '\v')).toBe(false);
    expect(test('abc', 'xABCx', true)).toBe(true);
  });

  it('rejects what RE2 rejects', () => {
    for (const pattern of ['(?=a)', '(a)\\1', 'a**', 'a{1001}', '\\8', '[z-a]', '(?P=x)']) {
      expect(compileRe2(pattern).ok, pattern).toBe(false);
    }
  });
});
