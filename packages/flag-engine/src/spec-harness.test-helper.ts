// Loading Unleash's client specification for tests: every file listed by its index.json, with delta
// specs (19, 20) folded into a plain client-features state the way the SDK repository does.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { applyDelta, type ClientFeaturesResponse, type Context, type DeltaEvent } from './index.js';

export interface SpecTest {
  description: string;
  context: Context;
  toggleName: string;
  expectedResult: unknown;
}

export interface Spec {
  name: string;
  state: ClientFeaturesResponse | { events: DeltaEvent[] };
  tests?: SpecTest[];
  variantTests?: SpecTest[];
}

const require = createRequire(import.meta.url);
const specDir = join(
  dirname(require.resolve('@unleash/client-specification/package.json')),
  'specifications',
);
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(specDir, file), 'utf8'));

/** The spec files, in index.json order. */
export function specFiles(): string[] {
  return readJson('index.json') as string[];
}

export function loadSpec(file: string): { spec: Spec; response: ClientFeaturesResponse } {
  const spec = readJson(file) as Spec;
  const response = 'events' in spec.state ? applyDelta({ features: [] }, spec.state.events) : spec.state;
  return { spec, response };
}

/** Small seeded PRNG (mulberry32), uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random stream shared by both implementations, rewound before each compared call. */
