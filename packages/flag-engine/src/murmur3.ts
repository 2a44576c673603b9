// MurmurHash3 x86 32-bit, bit-for-bit what `murmurhash3js` (x86.hash32) returns, which is what
// unleash-client hashes with. That library reads each UTF-16 code unit and keeps only its low byte
// (`charCodeAt(i) & 0xff`) and uses `key.length` (code units) as the length, so non-ASCII ids hash
// differently from a UTF-8 MurmurHash3. We must reproduce that quirk, not the "correct" hash,
// or rollout buckets would disagree with every Unleash SDK that shares the hash.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Unleash's seed for strategy rollouts (flexibleRollout, gradualRollout*). */
export const STRATEGY_SEED = 0;
/** Unleash's seed for variant selection. */
export const VARIANT_SEED = 86028157;

function mixBlock(h1: number, k: number): number {
  let k1 = Math.imul(k, C1);
  k1 = (k1 << 15) | (k1 >>> 17);
  k1 = Math.imul(k1, C2);
  let h = h1 ^ k1;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h1: number, pending: number, pendingBytes: number, length: number): number {
  let h = h1;
  if (pendingBytes > 0) {
    let k1 = Math.imul(pending, C1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, C2);
    h ^= k1;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit MurmurHash3 (x86) of `key` with `seed`, identical to `murmurhash3js.x86.hash32`. */
export function murmur3(key: string, seed = 0): number {
  let h1 = seed | 0;
  let pending = 0;
  let pendingBytes = 0;
  const length = key.length;
  for (let i = 0; i < length; i++) {
    pending |= (key.charCodeAt(i) & 0xff) << (pendingBytes << 3);
    if (++pendingBytes === 4) {
      h1 = mixBlock(h1, pending);
      pending = 0;
      pendingBytes = 0;
    }
  }
  return finish(h1, pending, pendingBytes, length);
}

/**
 * Hash state after consuming a fixed prefix such as `"groupId:"`. Unleash always hashes
 * `${groupId}:${id}`; the group part is known when flags are loaded, so we hash it once and
 * continue from here per call instead of concatenating a new string on every evaluation.
 */
export interface HashPrefix {
  readonly h1: number;
  readonly pending: number;
  readonly pendingBytes: number;
  readonly length: number;
}

export function hashPrefix(prefix: string, seed: number): HashPrefix {
  let h1 = seed | 0;
  let pending = 0;
  let pendingBytes = 0;
  for (let i = 0; i < prefix.length; i++) {
    pending |= (prefix.charCodeAt(i) & 0xff) << (pendingBytes << 3);
    if (++pendingBytes === 4) {
      h1 = mixBlock(h1, pending);
      pending = 0;
      pendingBytes = 0;
    }
  }
  return { h1, pending, pendingBytes, length: prefix.length };
}

/** murmur3(prefix + id) where `state` = hashPrefix(prefix, seed); allocation-free. */
export function hashWithPrefix(state: HashPrefix, id: string): number {
  let h1 = state.h1;
  let pending = state.pending;
  let pendingBytes = state.pendingBytes;
  const length = id.length;
  for (let i = 0; i < length; i++) {
    pending |= (id.charCodeAt(i) & 0xff) << (pendingBytes << 3);
    if (++pendingBytes === 4) {
      h1 = mixBlock(h1, pending);
      pending = 0;
      pendingBytes = 0;
    }
  }
  return finish(h1, pending, pendingBytes, state.length + length);
}

/**
 * Unleash's bucket for `id` in `groupId`: `murmur3("groupId:id", seed) % normalizer + 1`, so a
 * value in 1..normalizer. With the defaults it is the percentage bucket rollouts compare against.
 */
export function normalizedHash(id: string, groupId: string, normalizer = 100, seed = 0): number {
  return (murmur3(`${groupId}:${id}`, seed) % normalizer) + 1;
}
