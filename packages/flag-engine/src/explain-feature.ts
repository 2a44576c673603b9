// explain() walks the same compiled feature as isEnabled/getVariant, one step at a time, and keeps
// what it saw. It is a separate driver rather than a flag on the hot path so that evaluation stays
// allocation-free; explain.test.ts checks that both drivers always agree.

import type { Constraint, Context } from './client-features.js';
import { type CompiledConstraint, contextTime, type Runtime } from './compile-constraint.js';
import type { CompiledFeature } from './compile-features.js';
import type { CompiledStrategy, StrategyNote } from './compile-strategy.js';
import {
  type CompiledVariants,
  fallbackResult,
  selectVariantExplained,
  type VariantResult,
  type VariantSource,
} from './compile-variants.js';
import { resolveContextValue } from './context-value.js';
import { featureVariant, isFeatureEnabled } from './evaluate-feature.js';

export interface ConstraintFailure {
  /** Position in the strategy's list: its own constraints first, then its segments' constraints. */
  index: number;
  /** `undefined` when it stands for a segment missing from the response. */
  constraint: Constraint | undefined;
  segmentId: number | undefined;
  /** What the constraint compared: the context field's value, or the current time for DATE_*. */
  contextValue: string | undefined;
  /** Set when the constraint cannot match as written (unknown operator, bad regex, …). */
  problem: string | undefined;
}

export interface StrategyExplanation {
  index: number;
  name: string;
  title?: string;
  result: 'enabled' | 'unknown-strategy' | 'constraint-failed' | 'not-enabled';
  failedConstraint?: ConstraintFailure;
  /** The strategy's own reasoning, e.g. "userId 42 is in bucket 7, rollout is 10%". */
  detail?: string;
}

export interface DependencyExplanation {
  feature: string;
  required: 'enabled' | 'disabled';
  variants?: readonly string[];
  satisfied: boolean;
  problem?:
    | 'parent-not-found'
    | 'parent-has-dependencies'
    | 'parent-disabled'
    | 'parent-enabled'
    | 'variant-not-allowed';
  /** The parent's variant when `variants` was required. */
  parentVariant?: string;
}

export type ExplanationReason =
  | { kind: 'not-found' }
  | { kind: 'disabled' }
  | { kind: 'dependency-not-satisfied'; dependencies: DependencyExplanation[] }
  | { kind: 'invalid-strategies' }
  | { kind: 'no-strategies' }
  | { kind: 'strategy-matched'; strategy: StrategyExplanation; strategies: StrategyExplanation[] }
  | { kind: 'no-strategy-matched'; strategies: StrategyExplanation[] };

export interface VariantExplanation {
  /** Where the variant came from; 'fallback' means the default (or caller's) variant. */
  source: 'strategy' | 'feature' | 'fallback';
  how?: VariantSource;
  /** The context field whose override matched. */
  override?: string;
  /** The stickiness used when hashing. */
  stickiness?: string;
}

export interface Explanation {
  feature: string;
  enabled: boolean;
  variant: VariantResult;
  variantReason: VariantExplanation;
  reason: ExplanationReason;
  /** Dependencies that were checked (all of them, when the feature is on and has any). */
  dependencies?: DependencyExplanation[];
}

function contextValueOf(c: CompiledConstraint, ctx: Context, rt: Runtime): string | undefined {
  const constraint = c.constraint;
  if (!constraint) return undefined;
  if (constraint.operator === 'DATE_AFTER' || constraint.operator === 'DATE_BEFORE') {
    const t = contextTime(ctx, rt);
    return Number.isNaN(t) ? 'Invalid Date' : new Date(t).toISOString();
  }
  return resolveContextValue(ctx, constraint.contextName);
}

function explainStrategy(s: CompiledStrategy, ctx: Context, rt: Runtime): StrategyExplanation {
  const out: StrategyExplanation = { index: s.index, name: s.name, result: 'enabled' };
  if (s.source.title) out.title = s.source.title;
  if (!s.known) {
    out.result = 'unknown-strategy';
    return out;
  }
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i]!;
    if (!c.test(ctx)) {
      out.result = 'constraint-failed';
      out.failedConstraint = {
        index: i,
        constraint: c.constraint,
        segmentId: c.segmentId,
        contextValue: contextValueOf(c, ctx, rt),
        problem: c.problem,
      };
      return out;
    }
  }
  const note: StrategyNote = { detail: '' };
  if (!s.check(ctx, note)) out.result = 'not-enabled';
  if (note.detail) out.detail = note.detail;
  return out;
}

function explainDependencies(f: CompiledFeature, ctx: Context, rt: Runtime): DependencyExplanation[] {
  return (f.dependencies ?? []).map((d) => {
    const out: DependencyExplanation = {
      feature: d.feature,
      required: d.expectEnabled ? 'enabled' : 'disabled',
      satisfied: false,
    };
    if (d.variants) out.variants = d.variants;
    const parent = d.parent;
    if (!parent) out.problem = 'parent-not-found';
    else if (parent.dependencies !== undefined) out.problem = 'parent-has-dependencies';
    else if (d.expectEnabled && d.variants) {
      const v = featureVariant(parent, ctx, rt, undefined);
      out.parentVariant = v.name;
      if (!v.feature_enabled) out.problem = 'parent-disabled';
      else if (!d.variants.includes(v.name)) out.problem = 'variant-not-allowed';
    } else {
      const on = isFeatureEnabled(parent, ctx, rt);
      if (d.expectEnabled && !on) out.problem = 'parent-disabled';
      if (!d.expectEnabled && on) out.problem = 'parent-enabled';
    }
    out.satisfied = out.problem === undefined;
    return out;
  });
}

function explainVariant(
  cv: CompiledVariants | undefined,
  ctx: Context,
  rt: Runtime,
  source: 'strategy' | 'feature',
): { variant: VariantResult; reason: VariantExplanation } | undefined {
  if (!cv) return undefined;
  const picked = selectVariantExplained(cv, ctx, rt);
  if (!picked.variant) return undefined;
  const reason: VariantExplanation = { source, how: picked.source };
  if (picked.override) reason.override = picked.override;
  else reason.stickiness = cv.stickiness;
  return { variant: picked.variant.result, reason };
}

export function explainFeature(
  f: CompiledFeature | undefined,
  name: string,
  ctx: Context,
  rt: Runtime,
): Explanation {
  const off = (reason: ExplanationReason): Explanation => ({
    feature: name,
    enabled: false,
    variant: fallbackResult(undefined, false),
    variantReason: { source: 'fallback' },
    reason,
  });
  if (!f) return off({ kind: 'not-found' });
  // A switched-off flag is the most useful answer, even though the SDK checks parents first.
  if (!f.enabled) return off({ kind: 'disabled' });
  let dependencies: DependencyExplanation[] | undefined;
  if (f.dependencies) {
    dependencies = explainDependencies(f, ctx, rt);
    if (dependencies.some((d) => !d.satisfied)) {
      return { ...off({ kind: 'dependency-not-satisfied', dependencies }), dependencies };
    }
  }
  if (!f.strategiesValid) return off({ kind: 'invalid-strategies' });

  let reason: ExplanationReason;
  let matched: CompiledStrategy | undefined;
  if (f.strategies.length === 0) {
    reason = { kind: 'no-strategies' };
  } else {
    const strategies: StrategyExplanation[] = [];
    for (const s of f.strategies) {
      const e = explainStrategy(s, ctx, rt);
      strategies.push(e);
      if (e.result === 'enabled') {
        matched = s;
        break;
      }
    }
    if (!matched)
      return { ...off({ kind: 'no-strategy-matched', strategies }), ...(dependencies && { dependencies }) };
    reason = { kind: 'strategy-matched', strategy: strategies[strategies.length - 1]!, strategies };
  }
  const picked =
    explainVariant(matched?.variants, ctx, rt, 'strategy') ?? explainVariant(f.variants, ctx, rt, 'feature');
  const out: Explanation = {
    feature: name,
    enabled: true,
    variant: picked?.variant ?? fallbackResult(undefined, true),
    variantReason: picked?.reason ?? { source: 'fallback' },
    reason,
  };
  if (dependencies) out.dependencies = dependencies;
  return out;
}
