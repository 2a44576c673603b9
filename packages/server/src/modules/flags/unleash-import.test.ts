// `pont import unleash`: every state of the Unleash client specification, merged into one export,
// imported into pont; then unleash-client on the original export, unleash-client pointed at pont and
// pont's engine on what pont serves must give the same answer for every flag and context.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { applyDelta, type ClientFeaturesResponse, type Context, createEngine } from '@pont/flag-engine';
import { fromUnleash } from '@pont/sdk';
import { InMemStorageProvider, type Context as SdkContext, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestPont, type TestPont } from '../../testing/index.js';

const require = createRequire(import.meta.url);
const specDir = join(
  dirname(require.resolve('@unleash/client-specification/package.json')),
  'specifications',
);
const readSpec = (file: string) => JSON.parse(readFileSync(join(specDir, file), 'utf8'));

/** Every spec state in one export (names prefixed by file number, segment ids made unique), and every context the spec uses. */
function specExport(): { body: ClientFeaturesResponse; contexts: Context[] } {
  const features: ClientFeaturesResponse['features'] = [];
  const segments: NonNullable<ClientFeaturesResponse['segments']> = [];
  const contexts: Context[] = [];
  (readSpec('index.json') as string[]).forEach((file, i) => {
    const spec = readSpec(file);
    const state: ClientFeaturesResponse = spec.state.events
      ? applyDelta({ features: [] }, spec.state.events)
      : spec.state;
    const rename = (name: string) => `${String(i + 1).padStart(2, '0')}:${name}`;
    const segmentId = (id: number) => (i + 1) * 1000 + id;
    for (const s of state.segments ?? []) segments.push({ ...s, id: segmentId(s.id) });
    for (const f of state.features) {
      features.push({
        ...f,
        name: rename(f.name),
        strategies: (f.strategies ?? []).map((s) => ({
          ...s,
          ...(s.segments ? { segments: s.segments.map(segmentId) } : {}),
        })),
        ...(f.dependencies
          ? { dependencies: f.dependencies.map((d) => ({ ...d, feature: rename(d.feature) })) }
          : {}),
      });
    }
    for (const test of [...(spec.tests ?? []), ...(spec.variantTests ?? [])])
      contexts.push(test.context ?? {});
  });
  return { body: { version: 2, features, segments }, contexts };
}

/** A seeded stream for Math.random, rewound before each compared call so random strategies agree. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('import of an Unleash export', () => {
  let t: TestPont;
  let base: string;
  let token: string;
  const { body, contexts } = specExport();
  const imported = fromUnleash(body, { project: 'demo', environment: 'dev' });
  const sdks: Unleash[] = [];

  async function sdk(options: Partial<ConstructorParameters<typeof Unleash>[0]>): Promise<Unleash> {
    const client = new Unleash({
      appName: 'import-check',
      url: `${base}/api/`,
      refreshInterval: 0,
      disableMetrics: true,
      skipInstanceCountWarning: true,
      storageProvider: new InMemStorageProvider(),
      ...options,
    });
    client.on('error', () => {});
    client.on('warn', () => {});
    sdks.push(client);
    await once(client, 'synchronized');
    return client;
  }

  beforeAll(async () => {
    t = await createTestPont('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    token = (
      await t.call(t.adminToken, {
        method: 'POST',
        url: '/api/v1/tokens',
        payload: { name: 'import', type: 'client', project: 'demo', environment: 'dev' },
      })
    ).json().token;
  });
  afterAll(async () => {
    for (const s of sdks) s.destroy();
    vi.restoreAllMocks();
    await t.close();
  });

  it('maps names to resources and keeps the Unleash name as the key', () => {
    const a = imported.flags.find((f) => f.spec.key === '01:Feature.A');
    expect(a?.metadata.name).toBe('01-feature-a');
    const utf8 = imported.flags.find((f) => f.spec.key === '18:Feature.UTF-8.😊_φriend_你好_🌍');
    expect(utf8?.metadata.name).toMatch(/^18-feature-utf-8-/);
    expect(new Set(imported.flags.map((f) => f.metadata.name)).size).toBe(imported.flags.length);
  });

  it('reports what pont cannot represent instead of importing it wrong', () => {
    const skipped = imported.skipped.map((s) => s.name).sort();
    expect(skipped).toEqual(
      [
        '13:F7.invalid-operator',
        '14:F8.invalidSemverWithLeadingV',
        '15:F9.withMissingSegment',
        '17:child.with.cycle',
        '17:child.with.transitive.dependency',
        '17:parent.with.cycle',
        '17:parents.not.exist.child.enabled',
        '21:R90.reject_lookahead',
        '21:R91.reject_backreference',
        '21:invalid-regex-defaults-to-false',
        '22:CIDR.invalid.only',
        '22:CIDR.ipv6.mixed.values',
        '22:CIDR.mixed.values',
      ].sort(),
    );
    const reasons = Object.fromEntries(imported.skipped.map((s) => [s.name, s.problems[0]?.message]));
    expect(reasons['13:F7.invalid-operator']).toMatch(/unknown operator "NOT_A_VALID_OPERATOR"/);
    expect(reasons['21:R90.reject_lookahead']).toMatch(/invalid RE2 regular expression/);
    expect(reasons['15:F9.withMissingSegment']).toMatch(/segment 15404 is not in the export/);
  });

  it('imports through pont and answers exactly as unleash-client does on the export', {
    timeout: 300_000,
  }, async () => {
    const res = await t.call(t.adminToken, {
      method: 'POST',
      url: '/api/v1/projects/demo/flag-changes',
      payload: { items: [...imported.segments, ...imported.flags] },
    });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(200);
    expect(res.json().results.filter((r: { status: string }) => r.status !== 'applied')).toEqual([]);

    const served = (
      await t.app.inject({ method: 'GET', url: '/api/client/features', headers: { authorization: token } })
    ).json();
    const keys = imported.flags.map((f) => f.spec.key ?? f.metadata.name);
    expect(served.features.map((f: { name: string }) => f.name).sort()).toEqual([...keys].sort());

    const skipped = new Set(imported.skipped.map((s) => s.name));
    const original = await sdk({
      bootstrap: {
        data: body.features.filter((f) => !skipped.has(f.name)) as never,
        segments: body.segments as never,
      },
    });
    const overHttp = await sdk({ customHeaders: { Authorization: token }, refreshInterval: 3_600_000 });
    const engine = createEngine(served, { random: () => Math.random() });

    let stream = mulberry32(1);
    vi.spyOn(Math, 'random').mockImplementation(() => stream());
    const rewind = (seed: number) => {
      stream = mulberry32(seed);
    };
    const variantOf = (v: { name: string; enabled: boolean; payload?: unknown; feature_enabled?: boolean }) =>
      JSON.stringify({
        name: v.name,
        enabled: v.enabled,
        payload: v.payload,
        feature_enabled: v.feature_enabled,
      });

    const all = [...contexts];
    for (let u = 0; u < 200; u++) {
      all.push({
        userId: String(u),
        sessionId: `s${u}`,
        remoteAddress: `10.0.${u % 4}.${u}`,
        properties: { country: u % 2 ? 'no' : 'se', version: `${u % 5}.2.2` },
      });
    }
    const mismatches: unknown[] = [];
    let enabled = 0;
    all.forEach((raw, n) => {
      const context = { appName: 'import-check', environment: 'default', ...raw };
      for (const key of keys) {
        const seed = n * 7919 + key.length;
        rewind(seed);
        const expected = original.isEnabled(key, context as SdkContext);
        rewind(seed);
        const http = overHttp.isEnabled(key, context as SdkContext);
        rewind(seed);
        const mine = engine.isEnabled(key, context);
        if (expected) enabled++;
        if (expected !== http || expected !== mine) mismatches.push({ key, context, expected, http, mine });
        rewind(seed);
        const v1 = variantOf(original.getVariant(key, context as SdkContext));
        rewind(seed);
        const v2 = variantOf(overHttp.getVariant(key, context as SdkContext));
        rewind(seed);
        const v3 = variantOf(engine.getVariant(key, context));
        if (v1 !== v2 || v1 !== v3) mismatches.push({ key, context, v1, v2, v3 });
      }
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(enabled).toBeGreaterThan(1000);
  });
});
