import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = 0;
let lastRandom: number[] = [];

/**
 * A ULID: 48 bits of milliseconds then 80 random bits, Crockford base32, so ids sort by creation
 * time. Within one millisecond the random part is incremented to keep that order in-process.
 */
export function newId(now: number = Date.now()): string {
  if (now <= lastTime) {
    incrementRandom();
  } else {
    lastTime = now;
    const bytes = randomBytes(10);
    lastRandom = [];
    for (let i = 0; i < 16; i++) lastRandom.push(randomDigit(bytes, i));
  }
  let time = '';
  let t = lastTime;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time + lastRandom.map((d) => ALPHABET[d]).join('');
}

function randomDigit(bytes: Buffer, index: number): number {
  const bit = index * 5;
  const byte = bit >> 3;
  const value = ((bytes[byte] ?? 0) << 8) | (bytes[byte + 1] ?? 0);
  return (value >> (11 - (bit & 7))) & 31;
}

function incrementRandom(): void {
  for (let i = lastRandom.length - 1; i >= 0; i--) {
    const d = lastRandom[i] ?? 0;
    if (d < 31) {
      lastRandom[i] = d + 1;
      return;
    }
    lastRandom[i] = 0;
  }
}

/** A random URL-safe string with `bytes` bytes of entropy, for tokens and session ids. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
