// Running unleash-client offline next to the engine: the SDK is fed a bootstrap and never polls
// (refreshInterval 0), and both read one seeded random stream (the SDK through Math.random, which
// tests stub), rewound before every compared call so random strategies must agree too.

import { once } from 'node:events';
import { hostname } from 'node:os';
import { InMemStorageProvider, type Context as SdkContext, Unleash } from 'unleash-client';
import type { ClientFeaturesResponse, Context, Engine } from './index.js';
import { mulberry32 } from './spec-harness.test-helper.js';

/** One random stream shared by both implementations. */
let stream = mulberry32(0);
export const sharedRandom = () => stream();
export const rewind = (seed: number) => {
  stream = mulberry32(seed);
};

// The SDK reads the host name once, when its strategies are created.
export const SDK_HOSTNAME = (process.env.HOSTNAME || hostname() || 'undefined').toLowerCase();
export const STATIC_CONTEXT = { appName: 'cross-check', environment: 'default' };

export async function startSdk(response: ClientFeaturesResponse): Promise<Unleash> {
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

export interface Mismatch {
  feature: string;
  context: Context;
  call: 'isEnabled' | 'getVariant';
  sdk: unknown;
  engine: unknown;
}

/** Mismatches (expected empty) and how many calls returned true, so an all-false run cannot pass. */
export function compare(name: string, engine: Engine, sdk: Unleash, contexts: Context[]) {
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
