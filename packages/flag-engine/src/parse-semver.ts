// Semantic versions as the `semver` package (v7, strict mode) parses and orders them, since that is
// what unleash-client's SEMVER_* operators use. Reimplemented because the engine has no runtime
// dependencies; the grammar below is semver's own FULL regex.

const FULL =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:\d*[a-zA-Z-][a-zA-Z0-9-]*|0|[1-9]\d*)(?:\.(?:\d*[a-zA-Z-][a-zA-Z0-9-]*|0|[1-9]\d*))*))?(?:\+([a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*))?$/;
const NUMERIC = /^[0-9]+$/;
const MAX_LENGTH = 256;

export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Numeric identifiers are numbers (when safe integers), others strings; build metadata is dropped. */
  readonly prerelease: readonly (string | number)[];
}

/** Parses like `new SemVer(version)` from `semver`; returns `undefined` where it would throw. */
export function parseSemver(version: string): SemVer | undefined {
  if (version.length > MAX_LENGTH) return undefined;
  const m = FULL.exec(version.trim());
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const patch = Number(m[3]);
  if (major > Number.MAX_SAFE_INTEGER || minor > Number.MAX_SAFE_INTEGER || patch > Number.MAX_SAFE_INTEGER) {
    return undefined;
  }
  const prerelease: (string | number)[] = [];
  if (m[4]) {
    for (const id of m[4].split('.')) {
      if (NUMERIC.test(id)) {
        const num = Number(id);
        if (num >= 0 && num < Number.MAX_SAFE_INTEGER) {
          prerelease.push(num);
          continue;
        }
      }
      prerelease.push(id);
    }
  }
  return { major, minor, patch, prerelease };
}

function compareIdentifiers(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  const sa = String(a);
  const sb = String(b);
  const anum = NUMERIC.test(sa);
  const bnum = NUMERIC.test(sb);
  if (anum && bnum) {
    const na = Number(sa);
    const nb = Number(sb);
    return na === nb ? 0 : na < nb ? -1 : 1;
  }
  if (anum && !bnum) return -1;
  if (bnum && !anum) return 1;
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

/** semver's `compare`: -1, 0 or 1; build metadata is ignored, a prerelease sorts before its release. */
export function compareSemver(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  const pa = a.prerelease;
  const pb = b.prerelease;
  if (pa.length && !pb.length) return -1;
  if (!pa.length && pb.length) return 1;
  for (let i = 0; ; i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined && y === undefined) return 0;
    if (y === undefined) return 1;
    if (x === undefined) return -1;
    if (x === y) continue;
    return compareIdentifiers(x, y);
  }
}
