import { describe, expect, it } from 'vitest';
import type { FlagResource } from './flag-resources.js';
import { fromUnleash, toResourceName } from './unleash-import.js';

describe('Unleash import', () => {
  it('makes DNS-label names and keeps them unique', () => {
    expect(toResourceName('Feature.A')).toBe('feature-a');
    expect(toResourceName('__x__')).toBe('x');
    expect(toResourceName('你好')).toMatch(/^flag-[a-z0-9]+$/);
    expect(toResourceName('a'.repeat(80))).toHaveLength(63);
    const { flags } = fromUnleash(
      {
        features: [
          { name: 'my.flag', enabled: true, strategies: [] },
          { name: 'My_Flag', enabled: false, strategies: [] },
        ],
      },
      { project: 'p', environment: 'dev' },
    );
    expect(flags.map((f) => [f.metadata.name, f.spec.key])).toEqual([
      ['my-flag', 'my.flag'],
      ['my-flag-2', 'My_Flag'],
    ]);
  });

  it('merges into existing flags, keeping their other environments and labels', () => {
    const existing: FlagResource = {
      apiVersion: 'pont/v1',
      kind: 'Flag',
      metadata: { project: 'p', name: 'checkout', labels: { team: 'pay' }, resourceVersion: '12' },
      spec: { description: 'mine', environments: { prod: { enabled: false } } },
    };
    const { flags } = fromUnleash(
      {
        features: [
          { name: 'checkout', type: 'experiment', enabled: true, strategies: [{ name: 'default' }] },
        ],
      },
      { project: 'p', environment: 'dev', existingFlags: [existing] },
    );
    expect(flags[0]).toEqual({
      apiVersion: 'pont/v1',
      kind: 'Flag',
      metadata: { project: 'p', name: 'checkout', labels: { team: 'pay' }, resourceVersion: '12' },
      spec: {
        description: 'mine',
        type: 'experiment',
        environments: { prod: { enabled: false }, dev: { enabled: true, strategies: [{ name: 'default' }] } },
      },
    });
  });
});
