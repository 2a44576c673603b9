// Differential test: the engine and the official Node SDK (unleash-client, run offline from a
// bootstrap) must give the same isEnabled and getVariant answers for the same flags and contexts.
// Both draw from one seeded random sequence (the SDK through Math.random), so even random
// stickiness and gradualRolloutRandom must agree call for call.

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { InMemStorageProvider, type Context as SdkContext, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  applyDelta,
  type ClientFeaturesResponse,
  type Constraint,
  type Context,
  createEngine,
  type DeltaEvent,
  type Engine,
} from './index.js';

const require = createRequire(import.meta.url);
const specDir = join(
  dirname(require.resolve('@unleash/client-specification/package.json')),
  'specifications',
);
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(specDir, file), 'utf8'));

function mulberry32(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random stream shared by both implementations, rewound before each compared call. */
let stream = mulberry32(0);
const sharedRandom = () => stream();
const rewind = (seed: number) => {
  stream = mulberry32(seed);
};

// The SDK reads the host name once, when its strategies are created.
const SDK_HOSTNAME = (process.env.HOSTNAME || hostname() || 'undefined').toLowerCase();
const STATIC_CONTEXT = { appName: 'cross-check', environment: 'default' };

async function startSdk(response: ClientFeaturesResponse): Promise<Unleash> {
  const sdk = new Unleash({
    appName: STATIC_CONTEXT.appName,
    url: 'http://127.0.0.1:9/never-contacted',
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: response.features as never, segments: response.segments as never },
  });
  sdk.on('error', () => {});
  sdk.on('warn', () => {});
  await once(sdk, 'synchronized');
  return sdk;
}

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

function specStates(): [string, ClientFeaturesResponse][] {
  const files = readJson('index.json') as string[];
  return files.map((file) => {
    const state = (readJson(file) as { state: ClientFeaturesResponse | { events: DeltaEvent[] } }).state;
    return [file, 'events' in state ? applyDelta({ features: [] }, state.events) : state];
  });
}

interface Mismatch {
  feature: string;
  context: Context;
  call: 'isEnabled' | 'getVariant';
  sdk: unknown;
  engine: unknown;
}

/** Mismatches (expected empty) and how many calls returned true, so an all-false run cannot pass. */
function compare(name: string, engine: Engine, sdk: Unleash, contexts: Context[]) {
  const mismatches: Mismatch[] = [];
  let enabled = 0;
  let calls = 0;
  const features = engine.featureNames;
  contexts.forEach((context, n) => {
    // The SDK types currentTime as a Date but accepts strings and numbers (it calls new Date()).
    const sdkContext = context as SdkContext;
    for (const feature of [...features, 'does.not.exist']) {
      const seed = n * 7919 + feature.length;
      rewind(seed);
      const expected = sdk.isEnabled(feature, sdkContext);
      rewind(seed);
      const actual = engine.isEnabled(feature, context);
      calls++;
      if (actual) enabled++;
      if (expected !== actual)
        mismatches.push({ feature, context, call: 'isEnabled', sdk: expected, engine: actual });

      rewind(seed);
      const v = sdk.getVariant(feature, sdkContext);
      rewind(seed);
      const mine = engine.getVariant(feature, context);
      const sdkVariant = {
        name: v.name,
        enabled: v.enabled,
        feature_enabled: v.feature_enabled,
        ...(v.payload !== undefined && { payload: v.payload }),
      };
      if (JSON.stringify(sdkVariant) !== JSON.stringify({ ...mine, payload: mine.payload })) {
        mismatches.push({ feature, context, call: 'getVariant', sdk: sdkVariant, engine: mine });
      }
    }
  });
  if (mismatches.length > 0) {
    const features = [...new Set(mismatches.map((m) => m.feature))];
    console.error(name, JSON.stringify({ features, first: mismatches.slice(0, 3) }, null, 2));
  }
  return { mismatches, enabled, calls };
}

describe('agreement with unleash-client', () => {
  beforeAll(() => {
    vi.spyOn(Math, 'random').mockImplementation(sharedRandom);
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  const states: [string, ClientFeaturesResponse][] = [['kitchen sink', KITCHEN_SINK], ...specStates()];
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

// ---- Operators whose semantics come from libraries (re2js, ip-address, semver): value tables. ----

const REGEX_PATTERNS = [
  ...[
    '\\pL+',
    '\\p{Greek}',
    '\\p{^Greek}',
    '\\PL',
    '\\pN',
    '\\p{Nd}',
    '\\p{Latin}',
    '\\p{Any}',
    '\\p{L&}',
    '\\p{Lu}',
  ],
  ...[
    '\\pZ',
    '\\p{Foo}',
    '[\\p{L}\\d]',
    '[^\\pL]',
    '\\Qa.b\\E',
    '\\Qab',
    '\\Q\\E',
    '\\E',
    '(?P<x>a)',
    '(?<x>a)',
  ],
  ...[
    '(?P<1a>x)',
    '(?P<a>x)(?P<a>y)',
    '(?P=x)',
    '(?<=a)b',
    '(?=a)',
    '(?#c)',
    '(?x) a b',
    '\\Aab\\z',
    '\\Z',
    '\\C',
  ],
  ...['[[:word:]]', '[[:^alpha:]]', '[[:foo:]]', '(?i)[[:upper:]]', '[[:punct:]]+', '[[:space:]]', '[[.a.]]'],
  ...['a{1001}', 'a{1000}', 'x{1,1001}', 'x{2,1}', 'x{0}', '(x{500}){3}', '(?:a{2}){3}', '((a{10}){10}){10}'],
  ...[
    '((a{10}){10}){11}',
    'a{2}{3}',
    'a**',
    'x*+',
    '^*',
    'a|*',
    '{2}',
    'x{',
    'x{2',
    'x{,3}',
    'x{01}',
    'a{1,2}?',
  ],
  ...['a(?i)*', 'a*(?i)*', '(?U)a+', '(?i-s:a.)', '(?i)(?-i)a', '(?ii)a', '(?i-)a', '(?)a', '(?', '(?i:a)b'],
  ...[
    '(?m-s:^a.$)',
    '(?m)^b',
    '(?m)$',
    '(?s).',
    '(?s:.)\\n',
    '.',
    '$',
    '^$',
    'a$\\n?',
    '\\x{41}',
    '\\x41\\x{42}',
  ],
  ...[
    '\\x4',
    '\\x{110000}',
    '\\101',
    '\\0',
    '\\12',
    '\\1a',
    '\\08',
    '\\400',
    '\\1',
    '\\8',
    '\\y',
    '\\e',
    '\\_',
  ],
  ...[
    '\\ ',
    '\\é',
    '[\\b]',
    '\\b',
    '\\bcat\\b',
    '\\s',
    '[^\\S]',
    '\\v',
    '(?i)\\W',
    '[\\0]',
    '[\\-]',
    '[a-\\d]',
  ],
  ...[
    '[z-a]',
    '(?i)[a-c]',
    '[a-c-e]',
    '[\\x{41}-\\x{43}]',
    '[\\d-z]',
    '[-a]',
    '[a-]',
    '[]a]',
    '[^]a]',
    '[]',
    '[a',
  ],
  ...['a)', '(a', '\\', '()', '(|a)', '(?i)k', '(?i)Σ', 'é', '(?i)É', '[^a]', '\\w+@\\w+', '(a|b)*c', '😀+'],
  ...[
    '[\\x{1F600}-\\x{1F64F}]',
    '\\d{3}-\\d{4}',
    '^\\s*$',
    '(?i)straße',
    '^(?i)abc$',
    '(?m)^foo$',
    '^(a)\\1$',
  ],
];
const REGEX_INPUTS = [
  ...[
    'a',
    'A',
    'ab',
    'aB',
    'Kk',
    '\u212a',
    '\n',
    '\r',
    '\v',
    'aaa',
    'a.b',
    'σ',
    'ς',
    'Σ',
    'α',
    '5',
    ' ',
    '',
    '_',
  ],
  ...[
    'é',
    'É',
    '-',
    '{2}',
    '{',
    'x{2',
    'x{,3}',
    'x{01}',
    'Z',
    'c',
    'e',
    '[',
    ']',
    '\\',
    ')',
    '\u0000',
    'A-',
    'Q]',
  ],
  ...[
    'b',
    '\nb',
    'x\nfoo',
    'x\nfoo\ny',
    'a\n',
    'aaaaaaaaaaa',
    'user@host',
    '555-1234',
    'straße',
    'STRASSE',
    '😀',
  ],
  ...['😀😀', '!?', 'abc', 'ABC', 'xyz', 'a cat b', 'concatenate', 'aa', 'xx', 'cat'],
];

const CIDR_RANGES = [
  ...['10.0.0.0/8', '10.1.2.3', '10.1.2.3/33', '0.0.0.0/0', '192.168.1.0/24', '192.168.1.5/24', '01.2.3.4'],
  ...['1.2.3.4/', '2001:db8::/32', '2001:db8::1', '::/0', '::ffff:10.0.0.0/104', 'fe80::/10', 'fe80::1%eth0'],
  ...[
    '2001:db8::1/129',
    'bad::cidr',
    '::1',
    '1:2:3:4:5:6:7::',
    ' 10.0.0.1 ',
    '::ffff:1.2.3.04',
    '2001:db8::/0/1',
  ],
];
const CIDR_INPUTS = [
  ...['10.0.0.1', '10.255.255.255', '11.0.0.1', '10.0.0.1/8', '10.0.0.0/16', '192.168.1.77', '192.168.2.1'],
  ...['01.2.3.4', '1.2.3.4', '2001:db8::1', '2001:DB8:0:0:0:0:0:1', '2001:db8:ffff::', '2001:db9::', '::1'],
  ...[
    '::ffff:10.1.2.3',
    '::ffff:a01:203',
    'fe80::1%eth0',
    'fe80::abcd',
    'fe80::1/64',
    '1:2:3:4:5:6:7::',
    '1::2::3',
  ],
  ...[
    '',
    'not-an-ip',
    '10.0.0.1 ',
    '::',
    '0.0.0.0',
    '255.255.255.255',
    '256.1.1.1',
    '2001:db8::/32',
    ':1::2',
  ],
  ...['1:2:3:4:5:6:7:8:9', '12345::', '::ffff:1.2.3.4/120', 'fe80::1%eth0\n', '10.0.0.1/'],
];

const SEMVER_TARGETS = [
  ...['1.2.2', '2.0.0-alpha.1', '2.0.0-alpha', '2.0.0-rc', 'v2.0.0', '1.0.0+build', '1.0.0-0', 'not', '1.0'],
  ...['01.2.3', '1.2.3-01', '1.2.3-a.b.c.10', '9007199254740992.0.0', ' 1.2.2 '],
];
const SEMVER_INPUTS = [
  ...[
    '1.2.2',
    '1.2.3',
    '1.2.1',
    '2.0.0',
    '2.0.0-alpha.1',
    '2.0.0-alpha.10',
    '2.0.0-alpha.beta',
    '2.0.0-beta.1',
  ],
  ...[
    '2.0.0-rc.1',
    '1.0.0+build.2',
    '1.0.0',
    '1.0.0-0',
    '1.0.0-1',
    ' 1.2.2 ',
    'v1.2.2',
    ' v1.2.2',
    '=1.2.2',
    '1.2',
  ],
  ...[
    '',
    '1.2.3-a.b.c.9',
    '1.2.3-a.b.c.10',
    '1.2.3-A',
    '1.2.3-a',
    '1.2.3-01',
    '1.2.3-9007199254740993',
    '0.0.0',
  ],
];

const NUM_TARGETS = ['12', '12.0', '', '0x10', 'abc', '1e3', '-0', 'Infinity'];
const NUM_INPUTS = [
  '12',
  '12.0',
  '',
  ' ',
  '0x10',
  '1e3',
  '1000',
  '-0',
  'Infinity',
  'abc',
  '11.99',
  '13',
  '0',
];
const DATE_TARGETS = [
  '2022-01-29T13:00:00.000Z',
  'not a date',
  '2022-01-22T13:00:00.000+02:00',
  '2022-01-29',
];
const DATE_INPUTS: Context['currentTime'][] = [
  ...[
    '2022-01-30T13:00:00.000Z',
    '2022-01-28T13:00:00.000Z',
    '2022-01-29T13:00:00.000Z',
    'invalid',
    '2022-01-29',
  ],
  ...[1643461200001, new Date('2022-01-22T11:30:00.000Z'), '2022-01-22T11:30:00.000Z'],
];

function operatorState(rows: { name: string; constraint: Constraint }[]): ClientFeaturesResponse {
  return {
    version: 2,
    features: rows.flatMap(({ name, constraint }) => [
      { name, enabled: true, strategies: [{ name: 'default', constraints: [constraint] }] },
      {
        name: `${name} (inverted)`,
        enabled: true,
        strategies: [{ name: 'default', constraints: [{ ...constraint, inverted: true }] }],
      },
    ]),
  };
}

describe('operator tables agree with unleash-client', () => {
  const SEMVER_OPS = ['SEMVER_EQ', 'SEMVER_GT', 'SEMVER_GTE', 'SEMVER_LT', 'SEMVER_LTE'];
  const NUM_OPS = ['NUM_EQ', 'NUM_GT', 'NUM_GTE', 'NUM_LT', 'NUM_LTE'];
  const cases: [string, ClientFeaturesResponse, Context[]][] = [
    [
      'REGEX (re2js)',
      operatorState(
        REGEX_PATTERNS.flatMap((value, i) => [
          { name: `re ${i} ${value}`, constraint: { contextName: 'userId', operator: 'REGEX', value } },
          {
            name: `re ${i} ${value} (ci)`,
            constraint: { contextName: 'userId', operator: 'REGEX', value, caseInsensitive: true },
          },
        ]),
      ),
      REGEX_INPUTS.map((userId) => ({ userId })),
    ],
    [
      'IN_CIDR (ip-address)',
      operatorState([
        ...CIDR_RANGES.map((r, i) => ({
          name: `cidr ${i} ${r}`,
          constraint: { contextName: 'remoteAddress', operator: 'IN_CIDR', values: [r] },
        })),
        {
          name: 'cidr all',
          constraint: { contextName: 'remoteAddress', operator: 'IN_CIDR', values: CIDR_RANGES },
        },
      ]),
      CIDR_INPUTS.map((remoteAddress) => ({ remoteAddress })),
    ],
    [
      'SEMVER_* (semver)',
      operatorState(
        SEMVER_TARGETS.flatMap((value) =>
          SEMVER_OPS.map((operator) => ({
            name: `${operator} ${value}`,
            constraint: { contextName: 'version', operator, value },
          })),
        ),
      ),
      SEMVER_INPUTS.map((version) => ({ properties: { version } })),
    ],
    [
      'NUM_* and DATE_*',
      operatorState([
        ...NUM_TARGETS.flatMap((value) =>
          NUM_OPS.map((operator) => ({
            name: `${operator} ${value}`,
            constraint: { contextName: 'n', operator, value },
          })),
        ),
        ...DATE_TARGETS.flatMap((value) =>
          ['DATE_AFTER', 'DATE_BEFORE'].map((operator) => ({
            name: `${operator} ${value}`,
            constraint: { contextName: 'currentTime', operator, value },
          })),
        ),
      ]),
      NUM_INPUTS.flatMap((n) => DATE_INPUTS.map((currentTime) => ({ currentTime, properties: { n } }))),
    ],
  ];
  for (const [name, response, contexts] of cases) {
    it(`${name}: ${response.features.length} constraints × ${contexts.length} values`, async () => {
      const sdk = await startSdk(response);
      try {
        const engine = createEngine(response);
        const result = compare(name, engine, sdk, contexts);
        expect(result.mismatches).toEqual([]);
        expect(result.enabled).toBeGreaterThan(0);
        expect(result.enabled).toBeLessThan(result.calls);
      } finally {
        sdk.destroy();
      }
    });
  }
});
