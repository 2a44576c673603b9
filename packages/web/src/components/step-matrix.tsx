import { useState } from 'react';
import type { PlanStep, StepResult, StepStatus } from '../api/types';
import { WORKFLOW_NODE } from '../api/types';
import { plural } from '../lib/format';
import { formatDuration } from '../lib/time';
import { STEP_SYMBOLS } from './state-badge';

function describe(result: StepResult | undefined, status: StepStatus): string[] {
  const parts: string[] = [status];
  if (!result) return parts;
  if (result.exitCode !== undefined) parts.push(`exit ${result.exitCode}`);
  if (result.attempts > 1) parts.push(`${result.attempts} attempts`);
  else if (result.attempts === 1) parts.push('1 attempt');
  if (result.durationMs !== undefined) parts.push(formatDuration(result.durationMs));
  return parts;
}

interface Tip {
  x: number;
  y: number;
  node: string;
  step: PlanStep;
  result: StepResult | undefined;
  status: StepStatus;
}

/**
 * The node × step matrix: one row per node, one column per step of the plan, each cell coloured
 * by its status. Hover tells exit code, attempts, duration and message; a click filters the log
 * to that node and step.
 */
export function StepMatrix({
  plan,
  steps,
  running,
  selected,
  onSelect,
}: {
  plan: PlanStep[];
  steps: StepResult[];
  running: boolean;
  selected?: { node: string; step: string } | undefined;
  onSelect(node: string, step: string): void;
}) {
  const [tip, setTip] = useState<Tip>();
  const byCell = new Map(steps.map((s) => [`${s.node}\u0000${s.stepIndex}`, s]));
  const nodes = [...new Set(steps.map((s) => s.node))].sort((a, b) =>
    a === WORKFLOW_NODE ? -1 : b === WORKFLOW_NODE ? 1 : a.localeCompare(b, undefined, { numeric: true }),
  );
  const done = steps.filter((s) => s.status !== 'running' && s.status !== 'pending').length;
  const counts = new Map<StepStatus, number>();
  for (const s of steps) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);

  return (
    <section className="card matrix-card" aria-label="Node × step matrix">
      <div className="matrix-card__head">
        <h2 className="card__title">
          Nodes × steps{' '}
          <span className="muted small">
            {plural(nodes.filter((n) => n !== WORKFLOW_NODE).length, 'node')}, {plural(plan.length, 'step')}
            {steps.length > 0 && ` · ${done} of ${steps.length} results final`}
          </span>
        </h2>
        <div className="matrix-legend">
          {[...counts].map(([status, n]) => (
            <span key={status} className="matrix-legend__item">
              <span className={`matrix-swatch step--${status}`} /> {status} {n}
            </span>
          ))}
        </div>
      </div>
      {nodes.length === 0 ? (
        <p className="muted small matrix-empty">
          {running ? 'Waiting for the first step to start…' : 'No step ran.'}
        </p>
      ) : (
        <div className="matrix-scroll">
          <table className="matrix" data-testid="matrix">
            <thead>
              <tr>
                <th className="matrix__corner">Node</th>
                {plan.map((step) => (
                  <th key={step.id} title={step.description ?? step.kind}>
                    <span className="matrix__step">{step.id}</span>
                    <span className="matrix__kind">{step.kind}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {nodes.map((node) => (
                <tr key={node} data-node={node}>
                  <th scope="row" className="matrix__node">
                    {node === WORKFLOW_NODE ? <span className="muted">workflow</span> : node}
                  </th>
                  {plan.map((step, index) => {
                    const result = byCell.get(`${node}\u0000${index}`);
                    const applies = (step.kind === 'job') === (node === WORKFLOW_NODE);
                    if (!applies && !result) return <td key={step.id} className="matrix__na" />;
                    const status: StepStatus = result?.status ?? 'pending';
                    const label = `${node} ${step.id}: ${describe(result, status).join(', ')}${
                      result?.message ? ` — ${result.message}` : ''
                    }`;
                    const isSelected = selected?.node === node && selected.step === step.id;
                    return (
                      <td key={step.id}>
                        <button
                          type="button"
                          className={`matrix__cell step--${status}${isSelected ? ' matrix__cell--selected' : ''}`}
                          data-status={status}
                          aria-label={label}
                          aria-pressed={isSelected}
                          onClick={() => onSelect(node, step.id)}
                          onMouseEnter={(e) => {
                            const r = e.currentTarget.getBoundingClientRect();
                            setTip({ x: r.left + r.width / 2, y: r.bottom + 6, node, step, result, status });
                          }}
                          onMouseLeave={() => setTip(undefined)}
                          onFocus={(e) => {
                            const r = e.currentTarget.getBoundingClientRect();
                            setTip({ x: r.left + r.width / 2, y: r.bottom + 6, node, step, result, status });
                          }}
                          onBlur={() => setTip(undefined)}
                        >
                          <span aria-hidden="true">{STEP_SYMBOLS[status]}</span>
                          {result?.durationMs !== undefined && (
                            <span className="matrix__time">{formatDuration(result.durationMs)}</span>
                          )}
                        </button>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {tip && (
        <div
          className="matrix-tip"
          role="tooltip"
          style={{ left: tip.x, top: tip.y }}
          data-testid="matrix-tip"
        >
          <div className="matrix-tip__head">
            <strong>{tip.node === WORKFLOW_NODE ? 'workflow' : tip.node}</strong> · <code>{tip.step.id}</code>
          </div>
          <div className={`matrix-tip__status step-text--${tip.status}`}>{tip.status}</div>
          <dl>
            {tip.result?.exitCode !== undefined && (
              <>
                <dt>exit code</dt>
                <dd>{tip.result.exitCode}</dd>
              </>
            )}
            {tip.result && (
              <>
                <dt>attempts</dt>
                <dd>{tip.result.attempts}</dd>
              </>
            )}
            {tip.result?.durationMs !== undefined && (
              <>
                <dt>duration</dt>
                <dd>{formatDuration(tip.result.durationMs)}</dd>
              </>
            )}
          </dl>
          {tip.result?.message && <div className="matrix-tip__message">{tip.result.message}</div>}
          {tip.step.description && <div className="muted small">{tip.step.description}</div>}
          <div className="muted small">Click to filter the log to this cell.</div>
        </div>
      )}
    </section>
  );
}
