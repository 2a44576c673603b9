// Micro-benchmark: ns per isEnabled/getVariant call, this engine vs unleash-client (offline, from a
// bootstrap), on (1) every feature of the Unleash client specification with the spec's contexts and
// (2) 100 synthetic flags shaped like a real project. Run after `tsc -b`:
//   node packages/flag-engine/bench/compare-sdk.mjs
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { applyDelta, createEngine } from '../dist/index.js';

const require = createRequire(import.meta.url);
const specDir = join(
  dirname(require.resolve('@unleash/client-specification/package.json')),
  'specifications',
);
const readJson = (file) => JSON.parse(readFileSync(join(specDir, file), 'utf8'));

/** All spec states merged into one response (names prefixed per file), with the spec's test calls. */
function specWorkload() {
  const features = [];
  const segments = [];
  const calls = [];
  readJson('index.json').forEach((file, i) => {
    const spec = readJson(file);
    const state = spec.state.events ? applyDelta({ features: [] }, spec.state.events) : spec.state;
    const rename = (name) => `${i}:${name}`;
    const segmentId = (id) => i * 1000 + id;
    for (const s of state.segments ?? []) segments.push({ ...s, id: segmentId(s.id) });
    for (const f of state.features) {
      features.push({
        ...f,
        name: rename(f.name),
        strategies: (f.strategies ?? []).map((s) => ({ ...s, segments: s.segments?.map(segmentId) })),
        dependencies: f.dependencies?.map((d) => ({ ...d, feature: rename(d.feature) })),
      });
    }
    for (const t of [...(spec.tests ?? []), ...(spec.variantTests ?? [])]) {
      calls.push([rename(t.toggleName), { appName: 'bench', environment: 'default', ...t.context }]);
    }
  });
  return { response: { version: 2, features, segments }, calls };
}

/** 100 flags: rollouts with constraints and segments, user lists, variants, a few dependencies. */
function syntheticWorkload() {
  const features = [];
  for (let i = 0; i < 100; i++) {
    const constraints = [
      { contextName: 'environment', operator: 'IN', values: ['production', 'staging'] },
      ...(i % 3 === 0 ? [{ contextName: 'email', operator: 'STR_ENDS_WITH', values: ['@example.com'] }] : []),
      ...(i % 5 === 0 ? [{ contextName: 'appVersion', operator: 'SEMVER_GTE', value: '2.3.0' }] : []),
      ...(i % 7 === 0 ? [{ contextName: 'country', operator: 'NOT_IN', values: ['xx', 'yy'] }] : []),
    ];
    const strategies = [
      {
        name: 'flexibleRollout',
        parameters: { rollout: String((i * 13) % 101), stickiness: 'default', groupId: `flag-${i}` },
        constraints,
        segments: i % 4 === 0 ? [1] : [],
        variants:
          i % 6 === 0
            ? [
                { name: 'a', weight: 500, stickiness: 'default', payload: { type: 'string', value: 'A' } },
                { name: 'b', weight: 500, stickiness: 'default', payload: { type: 'string', value: 'B' } },
              ]
            : [],
      },
    ];
    if (i % 10 === 0) strategies.unshift({ name: 'userWithId', parameters: { userIds: 'u1,u2,u3,u4' } });
    features.push({
      name: `flag-${i}`,
      enabled: i % 17 !== 0,
      strategies,
      variants: i % 8 === 0 ? [{ name: 'x', weight: 1000, stickiness: 'default' }] : [],
      dependencies: i % 25 === 1 ? [{ feature: `flag-${i - 1}` }] : undefined,
    });
  }
  const segments = [
    { id: 1, constraints: [{ contextName: 'plan', operator: 'IN', values: ['pro', 'enterprise'] }] },
  ];
  const calls = [];
  for (let u = 0; u < 20; u++) {
    const context = {
      appName: 'bench',
      environment: u % 4 === 0 ? 'development' : 'production',
      userId: `user-${u}`,
      sessionId: `s-${u}`,
      properties: {
        email: `user${u}@example.com`,
        appVersion: `2.${u % 5}.0`,
        country: 'fr',
        plan: u % 2 ? 'pro' : 'free',
      },
    };
    for (let i = 0; i < 100; i++) calls.push([`flag-${i}`, context]);
  }
  return { response: { version: 2, features, segments }, calls };
}

function measure(fn, calls, minMs = 1500) {
  for (let w = 0; w < 3; w++) for (const [name, ctx] of calls) fn(name, ctx);
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  do {
    for (const [name, ctx] of calls) if (fn(name, ctx)) sink++;
    n += calls.length;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < BigInt(minMs) * 1_000_000n);
  if (sink < 0) console.log(sink);
  return Number(elapsed) / n;
}

async function startSdk(response) {
  const sdk = new Unleash({
    appName: 'bench',
    url: 'http://127.0.0.1:9/never-contacted',
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: response.features, segments: response.segments },
  });
  sdk.on('error', () => {});
  sdk.on('warn', () => {});
  await once(sdk, 'synchronized');
  return sdk;
}

for (const [label, { response, calls }] of [
  ['spec features', specWorkload()],
  ['100 synthetic flags', syntheticWorkload()],
]) {
  const sdk = await startSdk(response);
  const engine = createEngine(response);
  const rows = {
    'isEnabled  engine': measure((n, c) => engine.isEnabled(n, c), calls),
    'isEnabled  unleash-client': measure((n, c) => sdk.isEnabled(n, c), calls),
    'getVariant engine': measure((n, c) => engine.getVariant(n, c).enabled, calls),
    'getVariant unleash-client': measure((n, c) => sdk.getVariant(n, c).enabled, calls),
  };
  sdk.destroy();
  console.log(`\n${label}: ${response.features.length} features, ${calls.length} (flag, context) pairs`);
  for (const [k, v] of Object.entries(rows))
    console.log(`  ${k.padEnd(28)} ${v.toFixed(1).padStart(8)} ns/call`);
  const ratio = (a, b) => (rows[a] / rows[b]).toFixed(2);
  console.log(
    `  engine/SDK time: isEnabled ${ratio('isEnabled  engine', 'isEnabled  unleash-client')}, getVariant ${ratio('getVariant engine', 'getVariant unleash-client')}`,
  );
}
