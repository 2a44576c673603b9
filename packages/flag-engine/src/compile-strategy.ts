import type { Context, Segment, Strategy } from './client-features.js';
import {
  type CompiledConstraint,
  compileConstraint,
  missingSegment,
  type Runtime,
} from './compile-constraint.js';
import { type CompiledVariants, compileVariants } from './compile-variants.js';
import { resolveContextValue } from './context-value.js';
import { type HashPrefix, hashPrefix, hashWithPrefix, STRATEGY_SEED } from './murmur3.js';
import { type IpAddress, isInSubnet, parseIpv4, parseIpv6 } from './parse-ip.js';

/** Filled in by a strategy's check when explain() asks why it said yes or no. */
export interface StrategyNote {
  detail: string;
}

export type StrategyCheck = (ctx: Context, note?: StrategyNote) => boolean;

export interface CompiledStrategy {
  readonly index: number;
  readonly name: string;
  /** Unknown strategies are skipped (never enable), like unleash-client without a custom strategy. */
  readonly known: boolean;
  /** Strategy constraints first, then each segment's constraints, in unleash-client's order. */
  readonly constraints: readonly CompiledConstraint[];
  /** The strategy's own condition (rollout, user list, …), checked after the constraints. */
  readonly check: StrategyCheck;
  readonly variants: CompiledVariants | undefined;
  readonly source: Strategy;
}

// unleash-client splits list parameters on commas with surrounding blanks, without trimming ends.
const LIST_SEPARATOR = /\s*,\s*/;

const yes: StrategyCheck = () => true;
const no: StrategyCheck = () => false;

function stringId(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function bucketCheck(field: 'userId' | 'sessionId', params: Record<string, string>): StrategyCheck {
  const percentage = Number(params.percentage);
  const prefix = hashPrefix(`${params.groupId || ''}:`, STRATEGY_SEED);
  return (ctx, note) => {
    const id = ctx[field];
    if (!id) {
      if (note) note.detail = `no ${field} in context`;
      return false;
    }
    const bucket = (hashWithPrefix(prefix, stringId(id)) % 100) + 1;
    if (note)
      note.detail = `${field} ${stringId(id)} is in bucket ${bucket}, rollout is ${params.percentage}%`;
    return percentage > 0 && bucket <= percentage;
  };
}

function flexibleRollout(params: Record<string, string>, runtime: Runtime): StrategyCheck {
  const percentage = Number(params.rollout);
  const stickiness = params.stickiness || 'default';
  const fixedPrefix: HashPrefix | undefined = params.groupId
    ? hashPrefix(`${params.groupId}:`, STRATEGY_SEED)
    : undefined;
  const randomId = () => `${Math.round(runtime.random() * 10000) + 1}`;
  return (ctx, note) => {
    let id: unknown;
    if (stickiness === 'default') id = ctx.userId || ctx.sessionId || randomId();
    else if (stickiness === 'random') id = randomId();
    else id = resolveContextValue(ctx, stickiness);
    if (!id) {
      if (note) note.detail = `no ${stickiness} in context`;
      return false;
    }
    if (!note) {
      // Buckets are 1..100, so the hash cannot change these outcomes.
      if (percentage >= 100) return true;
      if (!(percentage > 0)) return false;
    }
    const prefix = fixedPrefix ?? hashPrefix(`${stringId(ctx.featureToggle || '')}:`, STRATEGY_SEED);
    const bucket = (hashWithPrefix(prefix, stringId(id)) % 100) + 1;
    if (note) {
      const source =
        stickiness === 'random' || (stickiness === 'default' && !ctx.userId && !ctx.sessionId)
          ? 'random id'
          : stickiness === 'default'
            ? ctx.userId
              ? 'userId'
              : 'sessionId'
            : stickiness;
      note.detail = `${source} ${stringId(id)} is in bucket ${bucket}, rollout is ${params.rollout}%`;
    }
    return percentage > 0 && bucket <= percentage;
  };
}

function remoteAddress(params: Record<string, string>): StrategyCheck {
  if (!params.IPs) return no;
  const ranges: { text: string; v4: IpAddress | undefined; v6: IpAddress | undefined }[] = params.IPs.split(
    LIST_SEPARATOR,
  ).map((text) => ({ text, v4: parseIpv4(text), v6: parseIpv6(text) }));
  return (ctx, note) => {
    const address = ctx.remoteAddress;
    if (note) note.detail = `remoteAddress ${address ?? '(none)'}, allowed ${params.IPs}`;
    let v4: IpAddress | undefined | null = null;
    let v6: IpAddress | undefined | null = null;
    for (const range of ranges) {
      if (range.text === address) return true;
      if (typeof address !== 'string') continue;
      if (range.v4) {
        if (v4 === null) v4 = parseIpv4(address);
        if (v4 && isInSubnet(v4, range.v4)) return true;
      } else if (range.v6) {
        // unleash-client only compares IPv6 entries textually; we also honour IPv6 CIDR ranges.
        if (v6 === null) v6 = parseIpv6(address);
        if (v6 && isInSubnet(v6, range.v6)) return true;
      }
    }
    return false;
  };
}

function applicationHostname(params: Record<string, string>, runtime: Runtime): StrategyCheck {
  if (!params.hostNames) return no;
  const names = new Set(params.hostNames.toLowerCase().split(LIST_SEPARATOR));
  return (ctx, note) => {
    const fromContext = ctx.properties?.hostname;
    const host = fromContext != null ? String(fromContext).toLowerCase() : runtime.hostname;
    if (note) note.detail = `hostname ${host ?? '(unknown)'}, allowed ${params.hostNames}`;
    return host !== undefined && names.has(host);
  };
}

function userWithId(params: Record<string, string>): StrategyCheck {
  const ids = new Set(params.userIds ? params.userIds.split(LIST_SEPARATOR) : []);
  return (ctx, note) => {
    if (note) note.detail = `userId ${ctx.userId ?? '(none)'}, allowed ${params.userIds ?? ''}`;
    return ctx.userId !== undefined && ids.has(ctx.userId);
  };
}

function gradualRolloutRandom(params: Record<string, string>, runtime: Runtime): StrategyCheck {
  const percentage = Number(params.percentage);
  return (_ctx, note) => {
    const draw = Math.floor(runtime.random() * 100) + 1;
    if (note) note.detail = `random draw ${draw}, rollout is ${params.percentage}%`;
    return percentage >= draw;
  };
}

function strategyCheck(
  name: string,
  params: Record<string, string>,
  runtime: Runtime,
): StrategyCheck | undefined {
  switch (name) {
    case 'default':
      return yes;
    case 'userWithId':
      return userWithId(params);
    case 'gradualRolloutUserId':
      return bucketCheck('userId', params);
    case 'gradualRolloutSessionId':
      return bucketCheck('sessionId', params);
    case 'gradualRolloutRandom':
      return gradualRolloutRandom(params, runtime);
    case 'flexibleRollout':
      return flexibleRollout(params, runtime);
    case 'remoteAddress':
      return remoteAddress(params);
    case 'applicationHostname':
      return applicationHostname(params, runtime);
    default:
      return undefined;
  }
}

export function compileStrategy(
  strategy: Strategy,
  index: number,
  segments: ReadonlyMap<number, Segment>,
  runtime: Runtime,
): CompiledStrategy {
  const params = strategy.parameters ?? {};
  const check = strategyCheck(strategy.name, params, runtime);
  const constraints: CompiledConstraint[] = [];
  for (const c of strategy.constraints ?? []) constraints.push(compileConstraint(c, runtime));
  for (const id of strategy.segments ?? []) {
    const segment = segments.get(id);
    if (!segment) constraints.push(missingSegment(id));
    else for (const c of segment.constraints ?? []) constraints.push(compileConstraint(c, runtime, id));
  }
  const variantList = strategy.variants;
  const stickiness = variantList?.[0]?.stickiness || params.stickiness;
  return {
    index,
    name: strategy.name,
    known: check !== undefined,
    constraints,
    check: check ?? no,
    variants: compileVariants(variantList, String(params.groupId), stickiness ?? 'default'),
    source: strategy,
  };
}
