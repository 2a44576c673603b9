import type { ExecutionState, StepStatus } from '../api/types';
import { Badge, type Tone } from './badge';

const STATE_TONES: Record<ExecutionState, Tone> = {
  queued: 'muted',
  'waiting-approval': 'warn',
  running: 'info',
  succeeded: 'ok',
  failed: 'danger',
  aborted: 'muted',
  'timed-out': 'danger',
  incomplete: 'warn',
};

const STATE_LABELS: Partial<Record<ExecutionState, string>> = { 'waiting-approval': 'waiting for approval' };

export function stateTone(state: string): Tone {
  return STATE_TONES[state as ExecutionState] ?? 'muted';
}

/** An execution's state, the same everywhere: colour by outcome, a live dot while it runs. */
export function StateBadge({ state, title }: { state: ExecutionState | string; title?: string }) {
  return (
    <span className="state-badge" data-state={state}>
      <Badge tone={stateTone(state)} {...(title ? { title } : {})}>
        {state === 'running' && <span className="live-dot" aria-hidden="true" />}
        {STATE_LABELS[state as ExecutionState] ?? state}
      </Badge>
    </span>
  );
}

/** Colours of the node × step matrix; also used by the duration chart. */
export const STEP_STATUSES: StepStatus[] = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'recovered',
  'skipped',
  'aborted',
  'timed-out',
  'not-run',
  'incomplete',
];

export const STEP_SYMBOLS: Record<StepStatus, string> = {
  pending: '·',
  running: '▶',
  succeeded: '✓',
  failed: '✕',
  recovered: '↺',
  skipped: '↷',
  aborted: '■',
  'timed-out': '⏱',
  'not-run': '–',
  incomplete: '?',
};
