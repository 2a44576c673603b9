// Runs every test of Unleash's client specification (the suite all official SDKs run) against the
// engine: one `it` per test and per variant test, in every file listed by the spec's index.json.
// Delta specs (19, 20) describe event streams; the harness folds them into a state with applyDelta,
// as the SDK's repository does, and their tests then run like the others.

import { describe, expect, it } from 'vitest';
import { createEngine } from './index.js';
import { loadSpec, specFiles } from './spec-harness.test-helper.js';

const files = specFiles();

describe('Unleash client specification', () => {
  it('lists the spec files', () => {
    expect(files.length).toBeGreaterThanOrEqual(22);
  });

  for (const file of files) {
    const { spec, response } = loadSpec(file);
    describe(file, () => {
      // gradualRolloutRandom (spec 05) draws random numbers; unleash-client's runner runs it as is,
      // since the spec only uses 0 % and 100 %, which no draw can change. We do the same.
      const engine = createEngine(response);
      for (const t of spec.tests ?? []) {
        it(`${t.description} (${t.toggleName})`, () => {
          expect(engine.isEnabled(t.toggleName, t.context)).toBe(t.expectedResult);
        });
      }
      for (const t of spec.variantTests ?? []) {
        it(`variant: ${t.description} (${t.toggleName})`, () => {
          expect(engine.getVariant(t.toggleName, t.context)).toStrictEqual(t.expectedResult);
        });
      }
    });
  }
});
