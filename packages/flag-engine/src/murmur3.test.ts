import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur3, normalizedHash } from './index.js';
import { hashPrefix, hashWithPrefix } from './murmur3.js';
import { mulberry32 } from './spec-harness.test-helper.js';

// Reference implementation: the murmurhash3js copy that unleash-client itself loads.
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('unleash-client/package.json'));
const reference = sdkRequire('murmurhash3js') as { x86: { hash32(key: string, seed?: number): number } };

describe('murmur3', () => {
  it.each([
    // Published MurmurHash3_x86_32 vectors.
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['Hello, world!', 1234, 0xfaf6cdb3],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['test', 0, 3127628307],
    // Every tail length.
    ['a', 0, 1009084850],
    ['ab', 0, 2613040991],
    ['abc', 0, 3017643002],
    ['abcd', 0, 1139631978],
    // Unleash inputs ("groupId:id"), with the variant seed.
    ['groupId:123', 0, 3446511741],
    ['Feature.Variants.A:0', 86028157, 839185900],
    // Non-ASCII: murmurhash3js hashes the low byte of each UTF-16 unit, not UTF-8.
    ['héllo wörld', 0, 1864487833],
    ['日本語', 0, 450827494],
    ['😀', 42, 1553170140],
  ])('murmur3(%j, %d) = %d', (key, seed, expected) => {
    expect(murmur3(key, seed)).toBe(expected);
  });

  it('agrees with murmurhash3js on random strings, seeds and split points', () => {
    const rand = mulberry32(7);
    const alphabet = 'abcXYZ019:-_.@ éü日本😀\u0000\uffff';
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(rand() * 40);
      let key = '';
      for (let i = 0; i < length; i++) key += alphabet[Math.floor(rand() * alphabet.length)] ?? '';
      const seed = n % 3 === 0 ? 0 : n % 3 === 1 ? 86028157 : Math.floor(rand() * 2 ** 32);
      const expected = reference.x86.hash32(key, seed);
      expect(murmur3(key, seed)).toBe(expected);
      const cut = Math.floor(rand() * (key.length + 1));
      expect(hashWithPrefix(hashPrefix(key.slice(0, cut), seed), key.slice(cut))).toBe(expected);
    }
  });
});

describe('normalizedHash', () => {
  it('is murmur3("groupId:id") % normalizer + 1', () => {
    expect(normalizedHash('123', 'groupId')).toBe((3446511741 % 100) + 1);
    expect(normalizedHash('0', 'Feature.Variants.A', 1000, 86028157)).toBe((839185900 % 1000) + 1);
  });

  it('matches the buckets the client specification relies on', () => {
    // Spec 10: flexibleRollout 10 % with groupId Feature.flexibleRollout.10 includes userId 174, not 499.
    expect(normalizedHash('174', 'Feature.flexibleRollout.10')).toBeLessThanOrEqual(10);
    expect(normalizedHash('499', 'Feature.flexibleRollout.10')).toBeGreaterThan(10);
  });

  it('stays within 1..normalizer', () => {
    for (let i = 0; i < 1000; i++) {
      const v = normalizedHash(`user-${i}`, 'g', 7);
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(7);
    }
  });
});
