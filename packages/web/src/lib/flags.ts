// Pure helpers of the flags pages: operators and strategies as the server's schema knows them
// (packages/sdk/src/flags/flag-resources.ts), variant weight shares as the engine computes them,
// canonical forms for "is this draft changed", server error paths mapped to editor fields, a
// small field diff, and metrics bucketed into time slots for the chart.

import type {
  Constraint,
  FlagEnvironment,
  FlagStrategy,
  FlagVariant,
  MetricPeriod,
  MetricPoint,
  OverviewCell,
} from '../api/flags';
import type { ErrorDetail, FieldChange } from '../api/types';

export const FLAG_TYPES = ['release', 'experiment', 'operational', 'kill-switch', 'permission'] as const;

/** Expected lifetime per type, in days; null is permanent (the server's FLAG_LIFETIME_DAYS). */
export const FLAG_LIFETIME_DAYS: Record<string, number | null> = {
  release: 40,
  experiment: 40,
  operational: 7,
  'kill-switch': null,
  permission: null,
};

export const FLAG_TYPE_HINTS: Record<string, string> = {
  release: 'ships a feature gradually; remove it once released (40 days)',
  experiment: 'A/B or multivariate test (40 days)',
  operational: 'switches a technical behaviour during a migration (7 days)',
  'kill-switch': 'turns a feature off under load or failure (permanent)',
  permission: 'opens a feature to some users (permanent)',
};

export interface OperatorInfo {
  op: string;
  label: string;
}

/** Every operator of the schema, grouped the way people look for them. */
export const OPERATOR_GROUPS: Array<{ label: string; operators: OperatorInfo[] }> = [
  {
    label: 'Lists',
    operators: [
      { op: 'IN', label: 'is one of' },
      { op: 'NOT_IN', label: 'is not one of' },
    ],
  },
  {
    label: 'Strings',
    operators: [
      { op: 'STR_CONTAINS', label: 'contains' },
      { op: 'STR_STARTS_WITH', label: 'starts with' },
      { op: 'STR_ENDS_WITH', label: 'ends with' },
      { op: 'REGEX', label: 'matches regex (RE2)' },
    ],
  },
  {
    label: 'Numbers',
    operators: [
      { op: 'NUM_EQ', label: '=' },
      { op: 'NUM_GT', label: '>' },
      { op: 'NUM_GTE', label: '≥' },
      { op: 'NUM_LT', label: '<' },
      { op: 'NUM_LTE', label: '≤' },
    ],
  },
  {
    label: 'Dates',
    operators: [
      { op: 'DATE_AFTER', label: 'after' },
      { op: 'DATE_BEFORE', label: 'before' },
    ],
  },
  {
    label: 'Versions (semver)',
    operators: [
      { op: 'SEMVER_EQ', label: '=' },
      { op: 'SEMVER_GT', label: '>' },
      { op: 'SEMVER_GTE', label: '≥' },
      { op: 'SEMVER_LT', label: '<' },
      { op: 'SEMVER_LTE', label: '≤' },
    ],
  },
  { label: 'Network', operators: [{ op: 'IN_CIDR', label: 'in CIDR range' }] },
];

export const OPERATORS: readonly string[] = OPERATOR_GROUPS.flatMap((g) => g.operators.map((o) => o.op));

/** Operators comparing against `values` (a list); the others take one `value`. */
export const MULTI_VALUE_OPERATORS: ReadonlySet<string> = new Set([
  'IN',
  'NOT_IN',
  'STR_CONTAINS',
  'STR_STARTS_WITH',
  'STR_ENDS_WITH',
  'IN_CIDR',
]);

/** Operators where caseInsensitive means something. */
export const CASE_INSENSITIVE_OPERATORS: ReadonlySet<string> = new Set([
  'IN',
  'NOT_IN',
  'STR_CONTAINS',
  'STR_STARTS_WITH',
  'STR_ENDS_WITH',
  'REGEX',
]);

export function valuePlaceholder(operator: string): string {
  if (operator.startsWith('NUM_')) return 'a number, e.g. 42';
  if (operator.startsWith('DATE_')) return 'ISO time, e.g. 2030-01-01T00:00:00Z';
  if (operator.startsWith('SEMVER_')) return 'e.g. 2.3.0 or 3.0.0-beta.1';
  if (operator === 'REGEX') return 'RE2, e.g. ^(beta|internal)-';
  if (operator === 'IN_CIDR') return '10.0.0.0/8, then Enter';
  return 'a value, then Enter';
}

/** Context fields every SDK knows; any other name is read from `properties`. */
export const CONTEXT_FIELDS = [
  'userId',
  'sessionId',
  'remoteAddress',
  'environment',
  'appName',
  'currentTime',
];

/** Switching operator keeps what was typed: the list's first value, or the value as a list. */
export function withOperator(c: Constraint, operator: string): Constraint {
  const { values, value, ...rest } = c;
  const out: Constraint = { ...rest, operator };
  if (!CASE_INSENSITIVE_OPERATORS.has(operator)) delete out.caseInsensitive;
  if (MULTI_VALUE_OPERATORS.has(operator)) out.values = values ?? (value ? [value] : []);
  else out.value = value ?? values?.[0] ?? '';
  return out;
}

export interface StrategyInfo {
  label: string;
  description: string;
  legacy?: boolean;
}

export const STRATEGY_INFO: Record<string, StrategyInfo> = {
  default: { label: 'Standard', description: 'on for everyone who passes the constraints' },
  flexibleRollout: {
    label: 'Gradual rollout',
    description: 'a stable percentage of users, by a stickiness field',
  },
  userWithId: { label: 'User IDs', description: 'users whose userId is in the list' },
  remoteAddress: {
    label: 'IP addresses',
    description: 'clients whose address is in the list (CIDR allowed)',
  },
  applicationHostname: { label: 'Host names', description: 'applications running on these hosts' },
  gradualRolloutUserId: { label: 'Rollout by userId', description: 'legacy percentage', legacy: true },
  gradualRolloutSessionId: {
    label: 'Rollout by sessionId',
    description: 'legacy percentage',
    legacy: true,
  },
  gradualRolloutRandom: { label: 'Random rollout', description: 'legacy percentage', legacy: true },
};

export const STRATEGY_NAMES = Object.keys(STRATEGY_INFO);

/** List parameters of the built-in strategies (comma-separated strings on the wire). */
export const LIST_PARAMETER: Record<string, { name: string; label: string; placeholder: string }> = {
  userWithId: { name: 'userIds', label: 'User IDs', placeholder: '42, then Enter' },
  remoteAddress: { name: 'IPs', label: 'Addresses', placeholder: '10.0.0.0/8, then Enter' },
  applicationHostname: { name: 'hostNames', label: 'Host names', placeholder: 'web-1, then Enter' },
};

export const STICKINESS = ['default', 'userId', 'sessionId', 'random'];

export function newStrategy(name: string, groupId: string): FlagStrategy {
  switch (name) {
    case 'flexibleRollout':
      return { name, parameters: { rollout: '50', stickiness: 'default', groupId } };
    case 'gradualRolloutUserId':
    case 'gradualRolloutSessionId':
      return { name, parameters: { percentage: '50', groupId } };
    case 'gradualRolloutRandom':
      return { name, parameters: { percentage: '50' } };
    case 'userWithId':
    case 'remoteAddress':
    case 'applicationHostname':
      return { name, parameters: { [LIST_PARAMETER[name]?.name ?? 'values']: '' } };
    default:
      return { name };
  }
}

/** The percentage of a rollout strategy (flexibleRollout: rollout; legacy: percentage). */
export function rolloutOf(s: FlagStrategy): number | undefined {
  const raw = s.name === 'flexibleRollout' ? (s.parameters?.rollout ?? 100) : s.parameters?.percentage;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

export function splitList(text: string | number | undefined): string[] {
  return String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface VariantShare {
  name: string;
  weight: number;
  /** The variant has its own weight; the others share what is left. */
  fixed: boolean;
  /** Share of evaluations, 0–100. */
  percent: number;
}

/**
 * How a list of variants splits evaluations: the given weights as they are, the variants without
 * one share what those leave of 1000 (first ones take the rounding), and each gets weight / total
 * of the hits, as the engine picks a bucket in 1..total.
 */
export function variantShares(variants: readonly FlagVariant[]): VariantShare[] {
  const missing = variants.filter((v) => v.weight === undefined).length;
  const given = variants.reduce((sum, v) => sum + (v.weight ?? 0), 0);
  const remaining = Math.max(0, 1000 - given);
  const share = missing ? Math.floor(remaining / missing) : 0;
  let extra = missing ? remaining - share * missing : 0;
  const weights = variants.map((v) => {
    if (v.weight !== undefined) return v.weight;
    const w = share + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    return w;
  });
  const total = weights.reduce((a, b) => a + b, 0);
  return variants.map((v, i) => ({
    name: v.name,
    weight: weights[i] ?? 0,
    fixed: v.weight !== undefined,
    percent: total > 0 ? ((weights[i] ?? 0) / total) * 100 : 0,
  }));
}

function cleanConstraint(c: Constraint): Constraint {
  const out: Constraint = { contextName: c.contextName.trim(), operator: c.operator };
  if (MULTI_VALUE_OPERATORS.has(c.operator)) out.values = c.values ?? (c.value ? [c.value] : []);
  else out.value = c.value ?? c.values?.[0] ?? '';
  if (c.inverted) out.inverted = true;
  if (c.caseInsensitive && CASE_INSENSITIVE_OPERATORS.has(c.operator)) out.caseInsensitive = true;
  return out;
}

function cleanVariant(v: FlagVariant): FlagVariant {
  const out: FlagVariant = { name: v.name.trim() };
  if (v.weight !== undefined) out.weight = v.weight;
  if (v.weightType !== undefined && v.weight !== undefined) out.weightType = v.weightType;
  if (v.stickiness?.trim()) out.stickiness = v.stickiness.trim();
  if (v.payload) out.payload = { type: v.payload.type, value: v.payload.value };
  const overrides = (v.overrides ?? []).filter((o) => o.contextName.trim() || o.values.length);
  if (overrides.length)
    out.overrides = overrides.map((o) => ({ contextName: o.contextName.trim(), values: o.values }));
  return out;
}

function cleanStrategy(s: FlagStrategy): FlagStrategy {
  const out: FlagStrategy = { name: s.name };
  if (s.title?.trim()) out.title = s.title.trim();
  if (s.disabled) out.disabled = true;
  const parameters = Object.entries(s.parameters ?? {}).filter(([, v]) => String(v).trim() !== '');
  if (parameters.length) out.parameters = Object.fromEntries(parameters);
  if (s.constraints?.length) out.constraints = s.constraints.map(cleanConstraint);
  if (s.segments?.length) out.segments = [...s.segments];
  if (s.variants?.length) out.variants = s.variants.map(cleanVariant);
  return out;
}

/** One environment's configuration as it is sent and compared: empty parts left out. */
export function cleanEnvironment(config: FlagEnvironment | undefined): FlagEnvironment {
  const out: FlagEnvironment = { enabled: config?.enabled === true };
  if (config?.strategies?.length) out.strategies = config.strategies.map(cleanStrategy);
  if (config?.variants?.length) out.variants = config.variants.map(cleanVariant);
  return out;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function sameEnvironment(a: FlagEnvironment | undefined, b: FlagEnvironment | undefined): boolean {
  return sameJson(cleanEnvironment(a), cleanEnvironment(b));
}

/**
 * Server problems by editor path. Resource validation says `spec.environments.test.strategies[0]…`,
 * the route's body validation `strategies[0]…`; both become `strategies[0]…`; a flag-level apply's
 * `spec.dependencies[0].flag` becomes `dependencies[0].flag`.
 */
export function problemsByPath(details: readonly ErrorDetail[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of details) {
    const path = (d.path ?? '').replace(/^spec\.environments\.[^.[]+\.?/, '').replace(/^spec\.?/, '');
    const message = d.message;
    const list = out[path] ?? [];
    if (message.startsWith('expected ') && list.some((m) => m.startsWith('expected '))) {
      const i = list.findIndex((m) => m.startsWith('expected '));
      list[i] = `${list[i]}, ${message.slice('expected '.length)}`;
    } else if (!list.includes(message)) {
      list.push(message);
    }
    out[path] = list;
  }
  return out;
}

/** The value at an editor path such as `strategies[0].parameters.rollout`. */
export function valueAt(root: unknown, path: string): unknown {
  if (!path) return root;
  let value: unknown = root;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * The server's problems that still apply: those at a field edited since the refused save are
 * dropped (the new value has not been judged yet); the others stay where they are.
 */
export function problemsStillStanding(
  problems: Record<string, string[]>,
  refused: unknown,
  current: unknown,
): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(problems).filter(
      ([path]) => path === '' || sameJson(valueAt(refused, path), valueAt(current, path)),
    ),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Field-level differences between two JSON values, paths written like the server's. A part that
 * appears or goes is spelled out field by field (`prod.strategies[0].parameters.rollout + 40`)
 * rather than as one blob, so a new environment or strategy reads like any other change.
 */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (sameJson(before, after)) return [];
  const objects =
    (isPlainObject(before) || before === undefined) && (isPlainObject(after) || after === undefined);
  if (objects) {
    const b = (before ?? {}) as Record<string, unknown>;
    const a = (after ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    if (keys.length > 0) return keys.flatMap((k) => diffValues(b[k], a[k], path ? `${path}.${k}` : k));
  }
  const arrays =
    (Array.isArray(before) || before === undefined) && (Array.isArray(after) || after === undefined);
  if (arrays && (before !== undefined || after !== undefined)) {
    const b = (before ?? []) as unknown[];
    const a = (after ?? []) as unknown[];
    if (b.length > 0 || a.length > 0) {
      return Array.from({ length: Math.max(b.length, a.length) }, (_, i) =>
        diffValues(b[i], a[i], `${path}[${i}]`),
      ).flat();
    }
  }
  const change: FieldChange = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  return [change];
}

export type WhyTone = 'ok' | 'bad' | 'info';

/** The server's explanation text without its headline, each line with how it reads. */
export function whyLines(text: string): Array<{ tone: WhyTone; text: string }> {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      if (
        /failed|not enabled|switched off|no strategy enabled|does not exist|depends on|malformed/.test(line)
      )
        return { tone: 'bad' as const, text: line };
      if (/: enabled|is on and has no strategies/.test(line)) return { tone: 'ok' as const, text: line };
      return { tone: 'info' as const, text: line };
    });
}

/** What a grid cell says under its toggle. */
export function cellSummary(cell: OverviewCell | undefined): string {
  if (!cell) return '';
  const parts: string[] = [];
  if (cell.rollout !== undefined) parts.push(`${cell.rollout}%`);
  else if (cell.strategies === 0) parts.push(cell.enabled ? 'everyone' : '');
  else parts.push(cell.strategies === 1 ? '1 strategy' : `${cell.strategies} strategies`);
  if (cell.rollout !== undefined && cell.strategies > 1) parts.push(`+${cell.strategies - 1} more`);
  if (cell.variants > 0) parts.push(cell.variants === 1 ? '1 variant' : `${cell.variants} variants`);
  return parts.filter(Boolean).join(' · ');
}

/** The same summary from a full configuration (the flag page's environment strip). */
export function environmentSummary(config: FlagEnvironment | undefined): string {
  const strategies = (config?.strategies ?? []).filter((s) => !s.disabled);
  const rollout = strategies.find((s) => rolloutOf(s) !== undefined && s.name !== 'default');
  return cellSummary({
    enabled: config?.enabled === true,
    strategies: strategies.length,
    variants: config?.variants?.length ?? 0,
    ...(rollout ? { rollout: rolloutOf(rollout) ?? 100 } : {}),
  });
}

export interface MetricSlot {
  /** Start of the minute or hour, ms. */
  time: number;
  yes: number;
  no: number;
  variants: Record<string, number>;
}

export const PERIOD_MS: Record<MetricPeriod, number> = { minute: 60_000, hour: 3_600_000 };

/**
 * One slot per minute or hour from `since` to `now`, empty ones included so the time axis is
 * regular; points of every environment summed unless one is chosen.
 */
export function metricSlots(
  items: readonly MetricPoint[],
  options: { period: MetricPeriod; since: number; now: number; environment?: string },
): MetricSlot[] {
  const size = PERIOD_MS[options.period];
  const first = Math.floor(options.since / size) * size;
  const last = Math.floor(options.now / size) * size;
  const slots = new Map<number, MetricSlot>();
  for (let t = Math.max(first, last - 1000 * size); t <= last; t += size)
    slots.set(t, { time: t, yes: 0, no: 0, variants: {} });
  for (const item of items) {
    if (options.environment && item.environment !== options.environment) continue;
    const t = Math.floor(Date.parse(item.time) / size) * size;
    const slot = slots.get(t);
    if (!slot) continue;
    slot.yes += item.yes;
    slot.no += item.no;
    for (const [name, n] of Object.entries(item.variants))
      slot.variants[name] = (slot.variants[name] ?? 0) + n;
  }
  return [...slots.values()];
}
