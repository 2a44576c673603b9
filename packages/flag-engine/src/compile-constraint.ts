import type { Constraint, Context } from './client-features.js';
import { compileRe2 } from './compile-re2.js';
import { resolveContextValue } from './context-value.js';
import { type IpAddress, isInSubnet, parseIpv4, parseIpv6, sameAddress } from './parse-ip.js';
import { compareSemver, parseSemver, type SemVer } from './parse-semver.js';

/** Engine-wide services the compiled closures read at evaluation time. */
export interface Runtime {
  /** Uniform in [0, 1), like Math.random. */
  random: () => number;
  /** Epoch milliseconds used by DATE_* when the context has no currentTime. */
  now: () => number;
  /** Lower-cased host name for applicationHostname when the context has none. */
  hostname: string | undefined;
}

export interface CompiledConstraint {
  /** The whole check, `inverted` included. */
  readonly test: (context: Context) => boolean;
  /** `undefined` when it stands for a segment that does not exist. */
  readonly constraint: Constraint | undefined;
  /** Set when the constraint came from a segment. */
  readonly segmentId: number | undefined;
  /** Why it can never match as written (unknown operator, RE2 syntax error, …), for explain(). */
  readonly problem: string | undefined;
}

const never = (): boolean => false;
const always = (): boolean => true;

// unleash-client drops empty values and trims the rest before comparing.
function cleanValues(values: readonly unknown[] | undefined): string[] {
  const out: string[] = [];
  if (!Array.isArray(values)) return out;
  for (const v of values) if (v) out.push(String(v).trim());
  return out;
}

type Check = (context: Context) => boolean;

interface Built {
  check: Check;
  problem?: string;
  /** Unknown operators fail even when inverted, as in unleash-client. */
  ignoresInversion?: boolean;
}

function inOperator(c: Constraint): Built {
  const field = c.contextName;
  const values = new Set(cleanValues(c.values));
  const isIn = c.operator === 'IN';
  return {
    check: (ctx) => {
      const v = resolveContextValue(ctx, field);
      return (v !== undefined && values.has(v)) === isIn;
    },
  };
}

function stringOperator(c: Constraint): Built {
  const field = c.contextName;
  const ci = Boolean(c.caseInsensitive);
  const values = cleanValues(c.values).map((v) => (ci ? v.toLocaleLowerCase() : v));
  const n = values.length;
  const read = (ctx: Context): string | undefined => {
    const v = resolveContextValue(ctx, field);
    return ci && v !== undefined ? v.toLocaleLowerCase() : v;
  };
  // One closure per operator keeps the inner loop free of a per-value dispatch.
  switch (c.operator) {
    case 'STR_STARTS_WITH':
      return {
        check: (ctx) => {
          const v = read(ctx);
          if (v !== undefined) for (let i = 0; i < n; i++) if (v.startsWith(values[i]!)) return true;
          return false;
        },
      };
    case 'STR_ENDS_WITH':
      return {
        check: (ctx) => {
          const v = read(ctx);
          if (v !== undefined) for (let i = 0; i < n; i++) if (v.endsWith(values[i]!)) return true;
          return false;
        },
      };
    default:
      return {
        check: (ctx) => {
          const v = read(ctx);
          if (v !== undefined) for (let i = 0; i < n; i++) if (v.includes(values[i]!)) return true;
          return false;
        },
      };
  }
}

function numberOperator(c: Constraint): Built {
  const field = c.contextName;
  const target = Number(c.value);
  if (Number.isNaN(target))
    return { check: never, problem: `value ${JSON.stringify(c.value)} is not a number` };
  const op = c.operator;
  return {
    check: (ctx) => {
      const v = Number(resolveContextValue(ctx, field));
      if (Number.isNaN(v)) return false;
      switch (op) {
        case 'NUM_EQ':
          return v === target;
        case 'NUM_GT':
          return v > target;
        case 'NUM_GTE':
          return v >= target;
        case 'NUM_LT':
          return v < target;
        default:
          return v <= target;
      }
    },
  };
}

/** Epoch ms of the context's currentTime (unleash-client ignores contextName for dates). */
export function contextTime(ctx: Context, runtime: Runtime): number {
  const t = ctx.currentTime;
  if (!t) return runtime.now();
  return t instanceof Date ? t.getTime() : new Date(t as string | number).getTime();
}

function dateOperator(c: Constraint, runtime: Runtime): Built {
  const target = new Date(c.value as string).getTime();
  if (Number.isNaN(target))
    return { check: never, problem: `value ${JSON.stringify(c.value)} is not a date` };
  const after = c.operator === 'DATE_AFTER';
  return {
    check: (ctx) => {
      const now = contextTime(ctx, runtime);
      return after ? now > target : now < target;
    },
  };
}

// Parsing a version costs far more than the comparison, and a fleet reports few distinct versions.
const semverCache = new Map<string, SemVer | undefined>();
function cachedSemver(text: string): SemVer | undefined {
  let parsed = semverCache.get(text);
  if (parsed === undefined && !semverCache.has(text)) {
    if (semverCache.size >= 1024) semverCache.clear();
    parsed = parseSemver(text);
    semverCache.set(text, parsed);
  }
  return parsed;
}

function semverOperator(c: Constraint): Built {
  const field = c.contextName;
  const target = typeof c.value === 'string' ? parseSemver(c.value) : undefined;
  if (!target) return { check: never, problem: `value ${JSON.stringify(c.value)} is not a semantic version` };
  const op = c.operator;
  return {
    check: (ctx) => {
      const v = resolveContextValue(ctx, field);
      // unleash-client refuses a leading "v" in the context value (but not in the constraint).
      if (!v || v.startsWith('v')) return false;
      const parsed = cachedSemver(v);
      if (!parsed) return false;
      const cmp = compareSemver(parsed, target);
      switch (op) {
        case 'SEMVER_EQ':
          return cmp === 0;
        case 'SEMVER_GT':
          return cmp > 0;
        case 'SEMVER_GTE':
          return cmp >= 0;
        case 'SEMVER_LT':
          return cmp < 0;
        default:
          return cmp <= 0;
      }
    },
  };
}

function regexOperator(c: Constraint): Built {
  const field = c.contextName;
  if (typeof c.value !== 'string') return { check: never, problem: 'no regular expression given' };
  const compiled = compileRe2(c.value, Boolean(c.caseInsensitive));
  if (!compiled.ok) return { check: never, problem: `invalid RE2 regular expression: ${compiled.error}` };
  const regex = compiled.regex;
  return {
    check: (ctx) => {
      const v = resolveContextValue(ctx, field);
      return v !== undefined && regex.test(v);
    },
  };
}

function cidrOperator(c: Constraint): Built {
  const field = c.contextName;
  const v4: IpAddress[] = [];
  const v6: IpAddress[] = [];
  for (const range of cleanValues(c.values)) {
    const a = parseIpv4(range);
    if (a) v4.push(a);
    const b = parseIpv6(range);
    if (b) v6.push(b);
  }
  const matches = (address: IpAddress, ranges: IpAddress[]): boolean => {
    for (const r of ranges) if (sameAddress(address, r) || isInSubnet(address, r)) return true;
    return false;
  };
  return {
    check: (ctx) => {
      const v = resolveContextValue(ctx, field);
      if (v === undefined) return false;
      const a = parseIpv4(v);
      if (a) return matches(a, v4);
      const b = parseIpv6(v);
      return b !== undefined && matches(b, v6);
    },
  };
}

function build(c: Constraint, runtime: Runtime): Built {
  switch (c.operator) {
    case 'IN':
    case 'NOT_IN':
      return inOperator(c);
    case 'STR_CONTAINS':
    case 'STR_STARTS_WITH':
    case 'STR_ENDS_WITH':
      return stringOperator(c);
    case 'NUM_EQ':
    case 'NUM_GT':
    case 'NUM_GTE':
    case 'NUM_LT':
    case 'NUM_LTE':
      return numberOperator(c);
    case 'DATE_AFTER':
    case 'DATE_BEFORE':
      return dateOperator(c, runtime);
    case 'SEMVER_EQ':
    case 'SEMVER_GT':
    case 'SEMVER_GTE':
    case 'SEMVER_LT':
    case 'SEMVER_LTE':
      return semverOperator(c);
    case 'REGEX':
      return regexOperator(c);
    case 'IN_CIDR':
      return cidrOperator(c);
    default:
      return {
        check: never,
        problem: `unknown operator ${JSON.stringify(c.operator)}`,
        ignoresInversion: true,
      };
  }
}

export function compileConstraint(
  constraint: Constraint,
  runtime: Runtime,
  segmentId?: number,
): CompiledConstraint {
  const built = build(constraint, runtime);
  let test = built.check;
  if (constraint.inverted && !built.ignoresInversion) {
    const base = built.check;
    test = base === never ? always : (ctx) => !base(ctx);
  }
  return { test, constraint, segmentId, problem: built.problem };
}

/** Stands for a segment id the response does not define: unleash-client then fails the strategy. */
export function missingSegment(segmentId: number): CompiledConstraint {
  return { test: never, constraint: undefined, segmentId, problem: `segment ${segmentId} does not exist` };
}
