import { useState } from 'react';
import type { Approval } from '../api/types';
import { formatTime, relativeTime } from '../lib/time';
import { Badge, type Tone } from './badge';
import { ErrorNotice } from './error-notice';
import { Icon } from './icon';

const DECISION_TONES: Record<string, Tone> = {
  pending: 'warn',
  approved: 'ok',
  rejected: 'danger',
  cancelled: 'muted',
};

export function DecisionBadge({ status }: { status: string }) {
  return <Badge tone={DECISION_TONES[status] ?? 'muted'}>{status}</Badge>;
}

/**
 * Four-eyes approval of one subject: the pending request with Approve / Reject and a comment for
 * anyone but the requester (the server has the last word: policy and "not your own"), and the
 * history of decisions with their comments.
 */
export function ApprovalPanel({
  approvals,
  me,
  onDecide,
  subject = 'run',
}: {
  approvals: Approval[];
  me: string;
  onDecide(decision: 'approve' | 'reject', comment: string): Promise<void>;
  /** What was requested, as the "you cannot approve it yourself" sentence names it. */
  subject?: string;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<'approve' | 'reject'>();
  const [error, setError] = useState<unknown>();
  const pending = approvals.find((a) => a.status === 'pending');
  const history = [...approvals].sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  const own = pending?.requestedBy === me;

  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(decision);
    setError(undefined);
    try {
      await onDecide(decision, comment.trim());
      setComment('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section
      className={`card approval-panel${pending ? ' approval-panel--pending' : ''}`}
      aria-label="Approval"
      data-testid="approval-panel"
    >
      <h2 className="card__title">
        <Icon name="approval" size={15} /> Approval
        {pending && <DecisionBadge status="pending" />}
      </h2>
      {pending && (
        <div className="approval-panel__pending">
          <p>
            <strong>{pending.requestedBy}</strong> asked to{' '}
            {pending.summary.replace(/ \(execution [^)]+\)$/, '')}{' '}
            <span className="muted" title={formatTime(pending.requestedAt)}>
              {relativeTime(pending.requestedAt)}
            </span>
            . <strong>{pending.environment}</strong> is protected: someone else with approval rights decides.
          </p>
          {own ? (
            <p className="muted">
              You requested this {subject}, so you cannot approve it yourself. Another person with approval
              rights in {pending.environment} must decide; you can still cancel it.
            </p>
          ) : (
            <div className="approval-panel__form">
              <label className="field">
                <span>Comment</span>
                <textarea
                  rows={2}
                  maxLength={2000}
                  placeholder="Why you approve or reject (kept in the audit log)"
                  value={comment}
                  onChange={(e) => setComment(e.target.value)}
                />
              </label>
              <div className="approval-panel__actions">
                <button
                  type="button"
                  className="btn btn--danger-outline"
                  disabled={Boolean(busy)}
                  onClick={() => decide('reject')}
                >
                  {busy === 'reject' ? 'Rejecting…' : 'Reject'}
                </button>
                <button
                  type="button"
                  className="btn btn--ok"
                  disabled={Boolean(busy)}
                  onClick={() => decide('approve')}
                >
                  <Icon name="check" size={14} /> {busy === 'approve' ? 'Approving…' : 'Approve'}
                </button>
              </div>
            </div>
          )}
          <ErrorNotice error={error} title="The decision was refused" />
        </div>
      )}
      <ol className="approval-history" aria-label="Approval history">
        {history.map((a) => (
          <li key={a.id}>
            <span className="approval-history__when" title={formatTime(a.requestedAt)}>
              {formatTime(a.requestedAt)}
            </span>
            <span>
              requested by <strong>{a.requestedBy}</strong>
            </span>
            {a.status !== 'pending' && (
              <>
                <span className="approval-history__arrow">→</span>
                <DecisionBadge status={a.status} />
                <span>
                  by <strong>{a.decidedBy}</strong>{' '}
                  <span className="muted" title={formatTime(a.decidedAt)}>
                    {relativeTime(a.decidedAt)}
                  </span>
                </span>
                {a.comment && <q className="approval-history__comment">{a.comment}</q>}
              </>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
