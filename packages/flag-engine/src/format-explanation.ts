import type { Constraint } from './client-features.js';
import type { ConstraintFailure, Explanation, StrategyExplanation } from './explain-feature.js';

// Plain-text rendering of explain() for terminals (`pont flags eval`); the structure itself is the
// API, this is one presentation of it.

function describeConstraint(c: Constraint): string {
  const values = c.values !== undefined ? `[${c.values.join(', ')}]` : JSON.stringify(c.value);
  const flags = [c.inverted ? 'inverted' : '', c.caseInsensitive ? 'case-insensitive' : ''].filter(Boolean);
  return `${c.contextName} ${c.operator} ${values}${flags.length ? ` (${flags.join(', ')})` : ''}`;
}

function describeFailure(f: ConstraintFailure): string {
  const where = f.segmentId !== undefined ? ` of segment ${f.segmentId}` : '';
  if (!f.constraint) return `constraint #${f.index + 1}${where}: ${f.problem ?? 'missing'}`;
  const seen =
    f.contextValue === undefined ? 'no value in context' : `context value ${JSON.stringify(f.contextValue)}`;
  const problem = f.problem ? `; ${f.problem}` : '';
  return `constraint #${f.index + 1}${where} failed: ${describeConstraint(f.constraint)}, ${seen}${problem}`;
}

function describeStrategy(s: StrategyExplanation): string {
  const head = `strategy #${s.index + 1} ${s.name}${s.title ? ` "${s.title}"` : ''}`;
  switch (s.result) {
    case 'unknown-strategy':
      return `${head}: unknown strategy, skipped`;
    case 'constraint-failed':
      return `${head}: ${describeFailure(s.failedConstraint!)}`;
    case 'not-enabled':
      return `${head}: not enabled${s.detail ? ` (${s.detail})` : ''}`;
    default:
      return `${head}: enabled${s.detail ? ` (${s.detail})` : ''}`;
  }
}

/** Multi-line, human-readable "result and why" for an explain() result. */
export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  const variant = e.variant.enabled ? `, variant ${e.variant.name}` : '';
  lines.push(`${e.feature}: ${e.enabled ? 'enabled' : 'disabled'}${variant}`);
  const r = e.reason;
  switch (r.kind) {
    case 'not-found':
      lines.push('  the flag does not exist');
      break;
    case 'disabled':
      lines.push('  the flag is switched off');
      break;
    case 'invalid-strategies':
      lines.push('  the flag has a malformed strategy list');
      break;
    case 'no-strategies':
      lines.push('  the flag is on and has no strategies');
      break;
    case 'dependency-not-satisfied':
      for (const d of r.dependencies.filter((x) => !x.satisfied)) {
        const want = d.variants ? `enabled with variant in [${d.variants.join(', ')}]` : d.required;
        const got = d.parentVariant !== undefined ? ` (parent variant ${d.parentVariant})` : '';
        lines.push(`  depends on ${d.feature} being ${want}: ${d.problem}${got}`);
      }
      break;
    case 'strategy-matched':
    case 'no-strategy-matched':
      if (r.kind === 'no-strategy-matched') lines.push('  no strategy enabled it');
      for (const s of r.strategies) lines.push(`  ${describeStrategy(s)}`);
      break;
  }
  if (e.enabled) {
    const v = e.variantReason;
    if (v.source === 'fallback') lines.push('  no variant applies');
    else if (v.how === 'override')
      lines.push(`  variant from the ${v.source} variants, override on ${v.override}`);
    else lines.push(`  variant from the ${v.source} variants, by ${v.stickiness} stickiness`);
  }
  return lines.join('\n');
}
