import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.js';

describe('error code registry', () => {
  const docs = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Map(
    [...docs.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (\w+) \|/gm)].map((m) => [
      m[1] ?? '',
      { status: Number(m[2]), kind: m[3] },
    ]),
  );

  it('documents every code with its status and kind in docs/errors.md', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(documented.get(code), `${code} missing from docs/errors.md`).toEqual({
        status: entry.status,
        kind: entry.kind,
      });
    }
  });

  it('documents no code the server does not have', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
