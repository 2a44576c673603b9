import { useState } from 'react';
import { Link } from 'react-router';
import { decideApproval, listApprovals } from '../api/jobs';
import type { Approval, EnvironmentSpec } from '../api/types';
import { useUser } from '../app/session-context';
import { useToast } from '../app/toast-context';
import { useProject } from '../app/use-project';
import { ENVIRONMENT_KIND, useResourceList } from '../app/use-resources';
import { DecisionBadge } from '../components/approval-panel';
import { EnvBadge } from '../components/badge';
import { EmptyRow, LoadingRow } from '../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../components/error-notice';
import { Icon } from '../components/icon';
import { Modal } from '../components/modal';
import { PageHeader } from '../components/page-header';
import { formatTime, relativeTime } from '../lib/time';
import { useInterval } from '../lib/use-interval';
import { invalidate, useQuery } from '../lib/use-query';

const HISTORY = 30;

export function pendingApprovalsKey(project: string): string {
  return `approvals:${project}:pending`;
}

/** Where a request's subject lives in the console. */
export function subjectHref(base: string, approval: Approval): string | undefined {
  if (approval.subjectType === 'execution') return `${base}/executions/${approval.subjectId}`;
  if (approval.subjectType === 'deployment') return `${base}/deployments/${approval.subjectId}`;
  if (approval.subjectType === 'flag-change') return `${base}/flag-changes/${approval.subjectId}`;
  return undefined;
}

const SUBJECT_LABELS: Record<Approval['subjectType'], string> = {
  execution: 'job run',
  deployment: 'deployment',
  'flag-change': 'flag change',
};

/** The sidebar count of requests waiting for someone: polled, so it is right within half a minute. */
export function PendingApprovalsBadge({ project }: { project: string }) {
  const pending = useQuery(
    pendingApprovalsKey(project),
    async () => (await listApprovals(project, 'pending')).items,
  );
  useInterval(() => void pending.reload(), 20_000);
  const count = pending.data?.length ?? 0;
  if (count === 0) return null;
  return (
    <span className="nav__badge" title={`${count} waiting for approval`} data-testid="pending-approvals">
      {count}
    </span>
  );
}

export function ApprovalsPage() {
  const project = useProject();
  const user = useUser();
  const toast = useToast();
  const base = `/p/${encodeURIComponent(project)}`;
  const pending = useQuery(
    pendingApprovalsKey(project),
    async () => (await listApprovals(project, 'pending')).items,
  );
  const all = useQuery(`approvals:${project}:all`, async () => (await listApprovals(project)).items);
  const envs = useResourceList<EnvironmentSpec>(ENVIRONMENT_KIND, project);
  useInterval(() => {
    void pending.reload();
    void all.reload();
  }, 5000);
  const [deciding, setDeciding] = useState<{ approval: Approval; decision: 'approve' | 'reject' }>();

  if (isForbidden(pending.error)) return <NotAllowed error={pending.error} what="approval requests" />;
  const colorOf = new Map((envs.data ?? []).map((e) => [e.metadata.name, e.spec.color]));
  const decided = (all.data ?? []).filter((a) => a.status !== 'pending').slice(0, HISTORY);

  return (
    <>
      <PageHeader
        title="Approvals"
        subtitle="Runs and changes in protected environments wait here for a second person."
      />
      <ErrorNotice error={pending.error} title="Cannot list approval requests" />
      <h2 className="section-title">Waiting</h2>
      <div className="card">
        <table className="table" aria-label="Pending approvals">
          <thead>
            <tr>
              <th>Request</th>
              <th>Environment</th>
              <th>Requested by</th>
              <th>Since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {pending.loading && <LoadingRow colSpan={5} />}
            {!pending.loading && (pending.data ?? []).length === 0 && (
              <EmptyRow colSpan={5}>Nothing waits for an approval.</EmptyRow>
            )}
            {(pending.data ?? []).map((a) => {
              const href = subjectHref(base, a);
              const own = a.requestedBy === user.username;
              return (
                <tr key={a.id} data-testid="pending-approval">
                  <td>
                    <div className="strong">
                      <span className="approval-kind">{SUBJECT_LABELS[a.subjectType] ?? a.subjectType}</span>
                      {href ? <Link to={href}>{a.subjectName}</Link> : a.subjectName}
                    </div>
                    <div className="muted small">{a.summary}</div>
                  </td>
                  <td>
                    <EnvBadge name={a.environment} color={colorOf.get(a.environment)} />
                  </td>
                  <td>{a.requestedBy}</td>
                  <td className="small" title={formatTime(a.requestedAt)}>
                    {relativeTime(a.requestedAt)}
                  </td>
                  <td className="actions">
                    {own ? (
                      <span className="muted small">your request: someone else decides</span>
                    ) : (
                      <>
                        <button
                          type="button"
                          className="btn btn--small btn--danger-outline"
                          onClick={() => setDeciding({ approval: a, decision: 'reject' })}
                        >
                          Reject
                        </button>{' '}
                        <button
                          type="button"
                          className="btn btn--small btn--ok"
                          onClick={() => setDeciding({ approval: a, decision: 'approve' })}
                        >
                          <Icon name="check" size={12} /> Approve
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <h2 className="section-title">Decided recently</h2>
      <div className="card">
        <table className="table" aria-label="Decided approvals">
          <thead>
            <tr>
              <th>Decision</th>
              <th>Request</th>
              <th>Environment</th>
              <th>Requested by</th>
              <th>Decided by</th>
              <th>Comment</th>
            </tr>
          </thead>
          <tbody>
            {all.loading && <LoadingRow colSpan={6} />}
            {!all.loading && decided.length === 0 && <EmptyRow colSpan={6}>No decision yet.</EmptyRow>}
            {decided.map((a) => {
              const href = subjectHref(base, a);
              return (
                <tr key={a.id}>
                  <td>
                    <DecisionBadge status={a.status} />
                  </td>
                  <td>
                    <div className="strong">
                      <span className="approval-kind">{SUBJECT_LABELS[a.subjectType] ?? a.subjectType}</span>
                      {href ? <Link to={href}>{a.subjectName}</Link> : a.subjectName}
                    </div>
                    <div className="muted small">{a.summary}</div>
                  </td>
                  <td>
                    <EnvBadge name={a.environment} color={colorOf.get(a.environment)} />
                  </td>
                  <td>{a.requestedBy}</td>
                  <td>
                    {a.decidedBy}{' '}
                    <span className="muted small" title={formatTime(a.decidedAt)}>
                      {relativeTime(a.decidedAt)}
                    </span>
                  </td>
                  <td className="small">{a.comment}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {deciding && (
        <DecisionDialog
          approval={deciding.approval}
          decision={deciding.decision}
          onClose={() => setDeciding(undefined)}
          onConfirm={async (comment) => {
            await decideApproval(project, deciding.approval.id, deciding.decision, comment);
            toast.success(
              deciding.decision === 'approve'
                ? `Approved ${deciding.approval.subjectName}`
                : `Rejected ${deciding.approval.subjectName}`,
            );
            invalidate(`approvals:${project}`);
            invalidate(`executions:${project}`);
            invalidate(`execution:${project}`);
            invalidate(`deployments:${project}`);
            invalidate(`deployment:${project}`);
            invalidate(`flags:${project}`);
          }}
        />
      )}
    </>
  );
}

export function DecisionDialog({
  approval,
  decision,
  onClose,
  onConfirm,
}: {
  approval: Approval;
  decision: 'approve' | 'reject';
  onClose(): void;
  onConfirm(comment: string): Promise<void>;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const verb = decision === 'approve' ? 'Approve' : 'Reject';
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm(comment.trim());
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={`${verb} ${approval.subjectName} in ${approval.environment}?`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${decision === 'approve' ? 'btn--ok' : 'btn--danger'}`}
            disabled={busy}
            onClick={submit}
          >
            {busy ? 'Working…' : verb}
          </button>
        </>
      }
    >
      <p className="confirm__text">
        {approval.summary}, requested by <strong>{approval.requestedBy}</strong>{' '}
        {relativeTime(approval.requestedAt)}.
      </p>
      <label className="field">
        <span>Comment</span>
        <textarea
          rows={3}
          maxLength={2000}
          placeholder="Kept in the audit log with your decision"
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
      </label>
      <ErrorNotice error={error} title="The decision was refused" />
    </Modal>
  );
}
