// Differential test: the engine and the official Node SDK (unleash-client, run offline from a
// bootstrap) must give the same isEnabled and getVariant answers for the same flags and contexts:
// every spec state plus a hand-written one, 1,000 random contexts each, built from the values the
// flags actually test.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClientFeaturesResponse, Constraint, Context } from './index.js';
import { createEngine } from './index.js';
import { compare, SDK_HOSTNAME, STATIC_CONTEXT, sharedRandom, startSdk } from './sdk-harness.test-helper.js';
import { loadSpec, mulberry32, specFiles } from './spec-harness.test-helper.js';

// ---- Random contexts built from the values the flags actually test. ----

interface Pools {
  fields: Map<string, Set<string>>;
}

function addValue(pools: Pools, field: string | undefined, value: unknown): void {
  if (!field) return;
  let set = pools.fields.get(field);
  if (!set) {
    set = new Set();
    pools.fields.set(field, set);
  }
  if (typeof value === 'string') set.add(value);
}

function harvest(response: ClientFeaturesResponse): Pools {
  const pools: Pools = { fields: new Map() };
  for (const f of ['userId', 'sessionId', 'remoteAddress', 'environment', 'appName'])
    addValue(pools, f, undefined);
  const constraint = (c: Constraint) => {
    addValue(pools, c.contextName, c.value);
    for (const v of c.values ?? []) addValue(pools, c.contextName, v);
  };
  for (const s of response.segments ?? []) s.constraints.forEach(constraint);
  for (const f of response.features) {
    for (const v of f.variants ?? []) {
      addValue(pools, v.stickiness === 'default' ? undefined : v.stickiness, undefined);
      for (const o of v.overrides ?? []) for (const x of o.values) addValue(pools, o.contextName, x);
    }
    for (const s of Array.isArray(f.strategies) ? f.strategies : []) {
      const p = s.parameters ?? {};
      (s.constraints ?? []).forEach(constraint);
      for (const id of (p.userIds ?? '').split(',')) addValue(pools, 'userId', id.trim());
      for (const ip of (p.IPs ?? '').split(',')) addValue(pools, 'remoteAddress', ip.trim());
      // No properties.hostname: the engine prefers it to its option, the SDK only knows the OS's.
      if (p.stickiness && p.stickiness !== 'default' && p.stickiness !== 'random')
        addValue(pools, p.stickiness, '');
      for (const v of s.variants ?? []) {
        if (v.stickiness && v.stickiness !== 'default') addValue(pools, v.stickiness, '');
        for (const o of v.overrides ?? []) for (const x of o.values) addValue(pools, o.contextName, x);
      }
    }
  }
  return pools;
}

function randomValue(rand: () => number, pool: readonly string[]): string | number | null {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (n: number) => Math.floor(rand() * n);
  const r = rand();
  if (pool.length > 0 && r < 0.45) {
    const v = pick(pool);
    const m = rand();
    if (m < 0.6) return v;
    if (m < 0.7) return v.toUpperCase();
    if (m < 0.8) return `${v}${pick(['x', '0', '.1', '-beta'])}`;
    if (m < 0.9) return `${pick(['x', ' ', 'a@'])}${v}`;
    return v.slice(0, Math.max(0, v.length - 1));
  }
  if (r < 0.55) return String(int(1000));
  if (r < 0.62)
    return `${int(4)}.${int(4)}.${int(4)}${pick(['', '', '-alpha.1', '-beta.2', '-rc', '+build.5'])}`;
  if (r < 0.7)
    return `${pick(['10', '127', '160', '192', '01'])}.${int(256)}.${pick(['0', '1', '33', '168'])}.${int(256)}`;
  if (r < 0.76) return `2001:db${pick(['8', '9'])}::${int(0xffff).toString(16)}`;
  if (r < 0.82) return new Date(Date.UTC(2021 + int(3), int(12), 1 + int(28), int(24))).toISOString();
  if (r < 0.86) return '';
  if (r < 0.9) return null;
  if (r < 0.93) return int(100);
  return `user-${int(50)}`;
}

function randomContext(rand: () => number, pools: Pools): Context {
  const ctx: Context = { ...STATIC_CONTEXT };
  const properties: Record<string, string | number | null> = {};
  for (const [field, values] of pools.fields) {
    if (rand() < 0.35) continue;
    const value = randomValue(rand, [...values].filter(Boolean));
    const topLevel = ['userId', 'sessionId', 'remoteAddress', 'environment', 'appName'].includes(field);
    if (topLevel) {
      if (typeof value === 'string') ctx[field] = value;
    } else if (rand() < 0.85) properties[field] = value;
    else ctx[field] = value;
  }
  if (rand() < 0.5) ctx.currentTime = new Date(Date.UTC(2022, 0, 1 + Math.floor(rand() * 60))).toISOString();
  if (Object.keys(properties).length > 0 || rand() < 0.5) ctx.properties = properties;
  return ctx;
}

// ---- A hand-written state covering what the spec files do not. ----

const KITCHEN_SINK: ClientFeaturesResponse = {
  version: 2,
  segments: [
    { id: 1, constraints: [{ contextName: 'region', operator: 'IN', values: ['eu', 'us'] }] },
    { id: 2, constraints: [{ contextName: 'plan', operator: 'STR_STARTS_WITH', values: ['pro'] }] },
  ],
  features: [
    {
      name: 'random.30',
      enabled: true,
      strategies: [{ name: 'gradualRolloutRandom', parameters: { percentage: '30' } }],
    },
    {
      name: 'flexible.random.stickiness',
      enabled: true,
      strategies: [
        { name: 'flexibleRollout', parameters: { rollout: '50', stickiness: 'random', groupId: 'g' } },
      ],
      variants: [
        { name: 'a', weight: 500, stickiness: 'default', weightType: 'variable' },
        { name: 'b', weight: 500, stickiness: 'default', weightType: 'variable' },
      ],
    },
    {
      name: 'flexible.default.no.group',
      enabled: true,
      strategies: [{ name: 'flexibleRollout', parameters: { rollout: '40', stickiness: 'default' } }],
    },
    {
      name: 'gradual.user',
      enabled: true,
      strategies: [{ name: 'gradualRolloutUserId', parameters: { percentage: '50', groupId: 'gu' } }],
    },
    {
      name: 'gradual.session',
      enabled: true,
      strategies: [{ name: 'gradualRolloutSessionId', parameters: { percentage: '25', groupId: 'gs' } }],
    },
    {
      name: 'remote.cidr',
      enabled: true,
      // No IPv6 here: the engine also matches IPv6 ranges, the SDK compares IPv6 entries as text only.
      strategies: [
        { name: 'remoteAddress', parameters: { IPs: '10.0.0.0/8, 192.168.1.1,160.33.0.0/16, 01.2.3.4' } },
      ],
    },
    {
      name: 'hostname',
      enabled: true,
      strategies: [{ name: 'applicationHostname', parameters: { hostNames: `other-host, ${SDK_HOSTNAME}` } }],
    },
    {
      name: 'users',
      enabled: true,
      strategies: [{ name: 'userWithId', parameters: { userIds: 'user-1, user-2,user-3 ,42' } }],
    },
    {
      name: 'segments.and.constraints',
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '100', stickiness: 'userId', groupId: 'seg' },
          constraints: [{ contextName: 'userId', operator: 'NOT_IN', values: ['user-7'] }],
          segments: [1, 2],
        },
        { name: 'default', segments: [99] },
      ],
    },
    {
      name: 'cidr.and.regex',
      enabled: true,
      strategies: [
        {
          name: 'default',
          constraints: [
            {
              contextName: 'remoteAddress',
              operator: 'IN_CIDR',
              values: ['10.0.0.0/8', '2001:db8::/32', 'bad'],
            },
          ],
        },
        {
          name: 'default',
          constraints: [{ contextName: 'email', operator: 'REGEX', value: '^[a-z]+@(?i:EXAMPLE)\\.com$' }],
        },
        {
          name: 'default',
          constraints: [{ contextName: 'plan', operator: 'REGEX', value: '[[:digit:]]{2}', inverted: true }],
        },
      ],
    },
    {
      name: 'versions.and.dates',
      enabled: true,
      strategies: [
        {
          name: 'default',
          constraints: [
            { contextName: 'version', operator: 'SEMVER_GTE', value: '1.1.0' },
            { contextName: 'version', operator: 'SEMVER_LTE', value: '3.0.0-rc' },
            { contextName: 'currentTime', operator: 'DATE_AFTER', value: '2022-01-15T00:00:00.000Z' },
          ],
        },
        {
          name: 'default',
          constraints: [{ contextName: 'score', operator: 'NUM_GTE', value: '500', inverted: true }],
        },
      ],
    },
    {
      name: 'strategy.variants.overrides',
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '80', stickiness: 'sessionId', groupId: 'sv' },
          variants: [
            {
              name: 'x',
              weight: 300,
              stickiness: 'region',
              overrides: [{ contextName: 'plan', values: ['pro-1'] }],
            },
            { name: 'y', weight: 700, stickiness: 'region', payload: { type: 'json', value: '{"a":1}' } },
          ],
        },
      ],
      variants: [{ name: 'feature-level', weight: 1000 }],
    },
    {
      name: 'feature.variants.zero.weights',
      enabled: true,
      strategies: [{ name: 'default' }],
      variants: [
        { name: 'zero', weight: 0 },
        { name: 'one', weight: 1, overrides: [{ contextName: 'userId', values: ['user-3'] }] },
        { name: 'two', weight: 2, stickiness: 'default' },
      ],
    },
    {
      name: 'child.of.random',
      enabled: true,
      dependencies: [{ feature: 'flexible.random.stickiness', variants: ['a'] }, { feature: 'random.30' }],
      strategies: [
        { name: 'flexibleRollout', parameters: { rollout: '60', stickiness: 'default', groupId: 'c' } },
      ],
    },
    {
      name: 'child.of.disabled',
      enabled: true,
      dependencies: [{ feature: 'users', enabled: false }],
      strategies: [],
      variants: [{ name: 'v', weight: 1, stickiness: 'plan' }],
    },
    {
      name: 'unknown.strategy',
      enabled: true,
      strategies: [{ name: 'myCustom', parameters: {} }, { name: 'default' }],
    },
    { name: 'disabled.with.strategies', enabled: false, strategies: [{ name: 'default' }] },
  ],
};

describe('agreement with unleash-client', () => {
  beforeAll(() => {
    vi.spyOn(Math, 'random').mockImplementation(sharedRandom);
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  const states: [string, ClientFeaturesResponse][] = [
    ['kitchen sink', KITCHEN_SINK],
    ...specFiles().map((file): [string, ClientFeaturesResponse] => [file, loadSpec(file).response]),
  ];
  for (const [name, response] of states) {
    it(`${name}: 1000 random contexts give the same isEnabled and getVariant`, async () => {
      const sdk = await startSdk(response);
      try {
        const engine = createEngine(response, { random: sharedRandom, hostname: SDK_HOSTNAME });
        const pools = harvest(response);
        const rand = mulberry32(name.length * 1000 + 1);
        const contexts = Array.from({ length: 1000 }, () => randomContext(rand, pools));
        const result = compare(name, engine, sdk, contexts);
        expect(result.mismatches).toEqual([]);
        expect(result.enabled).toBeGreaterThan(0);
        if (name === 'kitchen sink') expect(result.enabled).toBeLessThan(result.calls);
      } finally {
        sdk.destroy();
      }
    });
  }
});
