import { createEngine } from '@pont/flag-engine';
import { describe, expect, it } from 'vitest';
import { buildClientFeatures } from './client-features-builder.js';
import type { FlagResource, FlagSpec, SegmentResource } from './flag-resources.js';
import { isStale, resolveVariantWeights } from './flag-resources.js';

const flag = (name: string, spec: FlagSpec, createdAt = '2026-01-01T00:00:00Z'): FlagResource => ({
  apiVersion: 'pont/v1',
  kind: 'Flag',
  metadata: { project: 'shop', name, createdAt },
  spec,
});
const segment = (name: string, values: string[]): SegmentResource => ({
  apiVersion: 'pont/v1',
  kind: 'Segment',
  metadata: { project: 'shop', name },
  spec: { constraints: [{ contextName: 'plan', operator: 'IN', values }] },
});

describe('client-features builder', () => {
  const now = Date.parse('2026-01-10T00:00:00Z');

  it('serves one environment, with keys, parents by key, and only the segments in use', () => {
    const body = buildClientFeatures({
      project: 'shop',
      environment: 'prod',
      now,
      segments: [segment('zeta', ['z']), segment('alpha', ['a'])],
      flags: [
        flag('child', {
          dependencies: [{ flag: 'parent', variants: ['blue'] }],
          environments: { prod: { enabled: true } },
        }),
        flag('parent', {
          key: 'Parent.Flag',
          environments: {
            prod: { enabled: true, strategies: [{ name: 'default', segments: ['zeta'] }] },
            dev: { enabled: false },
          },
        }),
        flag('nowhere', { environments: { dev: { enabled: true } } }),
      ],
    });
    expect(body.features.map((f) => [f.name, f.enabled])).toEqual([
      ['Parent.Flag', true],
      ['child', true],
      ['nowhere', false],
    ]);
    expect(body.features[1]?.dependencies).toEqual([
      { feature: 'Parent.Flag', enabled: true, variants: ['blue'] },
    ]);
    expect(body.segments).toEqual([
      {
        id: 2,
        name: 'zeta',
        constraints: [
          { contextName: 'plan', operator: 'IN', values: ['z'], inverted: false, caseInsensitive: false },
        ],
      },
    ]);
    expect(body.features[0]?.strategies[0]?.segments).toEqual([2]);
    expect(body.query).toEqual({ project: ['shop'], environment: 'prod' });
  });

  it('drops disabled strategies, and a flag whose strategies are all disabled is off', () => {
    const body = buildClientFeatures({
      project: 'shop',
      environment: 'prod',
      now,
      segments: [],
      flags: [
        flag('some', {
          environments: {
            prod: {
              enabled: true,
              strategies: [
                { name: 'default', disabled: true },
                { name: 'userWithId', parameters: { userIds: 'u1' } },
              ],
            },
          },
        }),
        flag('none', {
          environments: { prod: { enabled: true, strategies: [{ name: 'default', disabled: true }] } },
        }),
      ],
    });
    const engine = createEngine(body);
    expect(body.features.find((f) => f.name === 'some')?.strategies.map((s) => s.name)).toEqual([
      'userWithId',
    ]);
    expect(engine.isEnabled('some', { userId: 'u2' })).toBe(false);
    expect(engine.isEnabled('none')).toBe(false);
  });

  it('makes a strategy naming a deleted segment fail, as Unleash does', () => {
    const body = buildClientFeatures({
      project: 'shop',
      environment: 'prod',
      now,
      segments: [],
      flags: [
        flag('f', {
          environments: { prod: { enabled: true, strategies: [{ name: 'default', segments: ['gone'] }] } },
        }),
      ],
    });
    expect(createEngine(body).explain('f').reason.kind).toBe('no-strategy-matched');
  });

  it('turns numeric parameters into strings and shares weights left out', () => {
    const body = buildClientFeatures({
      project: 'shop',
      environment: 'prod',
      now,
      segments: [],
      flags: [
        flag('f', {
          environments: {
            prod: {
              enabled: true,
              strategies: [{ name: 'flexibleRollout', parameters: { rollout: 30 } }],
              variants: [{ name: 'a', weight: 400, weightType: 'fix' }, { name: 'b' }, { name: 'c' }],
            },
          },
        }),
      ],
    });
    expect(body.features[0]?.strategies[0]?.parameters).toEqual({ rollout: '30' });
    expect(body.features[0]?.variants?.map((v) => v.weight)).toEqual([400, 300, 300]);
    expect(resolveVariantWeights([{ name: 'a' }, { name: 'b' }, { name: 'c' }]).map((v) => v.weight)).toEqual(
      [334, 333, 333],
    );
  });

  it('is stale past the lifetime of its type, never for permanent types', () => {
    expect(isStale(flag('r', { type: 'release' }), Date.parse('2026-02-15T00:00:00Z'))).toBe(true);
    expect(isStale(flag('r', { type: 'release' }), Date.parse('2026-02-01T00:00:00Z'))).toBe(false);
    expect(isStale(flag('o', { type: 'operational' }), Date.parse('2026-01-09T00:00:00Z'))).toBe(true);
    expect(isStale(flag('k', { type: 'kill-switch' }), Date.parse('2030-01-01T00:00:00Z'))).toBe(false);
    expect(
      isStale(flag('l', { type: 'kill-switch', lifetimeDays: 3 }), Date.parse('2026-01-05T00:00:00Z')),
    ).toBe(true);
    expect(isStale(flag('m', { stale: true }), Date.parse('2026-01-01T00:00:00Z'))).toBe(true);
  });
});
