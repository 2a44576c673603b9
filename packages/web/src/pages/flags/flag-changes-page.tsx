import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { cancelFlagChange, type FlagChange, type FlagChangeStatus, listFlagChanges } from '../../api/flags';
import { decideApproval, listApprovals } from '../../api/jobs';
import type { Approval } from '../../api/types';
import { useUser } from '../../app/session-context';
import { useToast } from '../../app/toast-context';
import { useProject } from '../../app/use-project';
import { EnvBadge } from '../../components/badge';
import { EmptyRow, LoadingRow } from '../../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { PageHeader } from '../../components/page-header';
import { formatTime, relativeTime } from '../../lib/time';
import { useInterval } from '../../lib/use-interval';
import { useQuery } from '../../lib/use-query';
import { DecisionDialog } from '../approvals-page';
import { ChangeStatusBadge, invalidateFlags, useEnvironmentColors, useWaitingChanges } from './common';

const FINAL: readonly FlagChangeStatus[] = ['applying', 'applied', 'rejected', 'cancelled', 'failed'];

/**
 * Flag changes waiting for a second person or for their time, with approve / reject / cancel, and
 * what became of the recent ones.
 */
export function FlagChangesPage() {
  const project = useProject();
  const user = useUser();
  const toast = useToast();
  const base = `/p/${encodeURIComponent(project)}`;
  const [params, setParams] = useSearchParams();
  const flag = params.get('flag') ?? '';
  const waiting = useWaitingChanges(project);
  const recent = useQuery(
    `flags:${project}:changes:recent:${flag}`,
    async () =>
      (await listFlagChanges(project, { status: FINAL, limit: 50, ...(flag ? { flag } : {}) })).items,
  );
  const approvals = useQuery(
    `approvals:${project}:pending`,
    async () => (await listApprovals(project, 'pending')).items,
  );
  const colors = useEnvironmentColors(project);
  useInterval(() => {
    void waiting.reload();
    void recent.reload();
    void approvals.reload();
  }, 5000);
  const [deciding, setDeciding] = useState<{ approval: Approval; decision: 'approve' | 'reject' }>();

  if (isForbidden(waiting.error))
    return <NotAllowed error={waiting.error} what="the flag changes of this project" />;
  const shown = (waiting.data ?? []).filter((c) => !flag || c.flag === flag);
  const approvalsOf = (c: FlagChange) =>
    (approvals.data ?? []).filter((a) => a.subjectType === 'flag-change' && a.subjectId === c.id);
  const cancel = async (c: FlagChange) => {
    try {
      await cancelFlagChange(project, c.id);
      toast.success('Change cancelled', c.summary);
      invalidateFlags(project);
    } catch (e) {
      toast.error(e, 'Cannot cancel');
    }
  };

  return (
    <>
      <div className="breadcrumbs">
        <Link to={`${base}/flags`}>Flags</Link>
        <span className="breadcrumbs__sep">/</span>
        <span>Changes</span>
      </div>
      <PageHeader
        title="Flag changes"
        subtitle="Changes to protected environments wait here for another person with approve rights; scheduled ones for their time. Switching a flag off never waits."
      />
      {flag && (
        <div className="filters">
          <span className="chip chip--active">
            flag {flag}
            <button
              type="button"
              className="chip__clear"
              aria-label="Show every flag"
              onClick={() => setParams({})}
            >
              ×
            </button>
          </span>
        </div>
      )}
      <ErrorNotice error={waiting.error} title="Cannot list the flag changes" />
      <h2 className="section-title">Waiting</h2>
      <div className="card">
        <table className="table" aria-label="Waiting flag changes">
          <thead>
            <tr>
              <th>Change</th>
              <th>Environment</th>
              <th>Requested</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {waiting.loading && <LoadingRow colSpan={5} />}
            {!waiting.loading && shown.length === 0 && (
              <EmptyRow colSpan={5}>No flag change waits{flag ? ` for ${flag}` : ''}.</EmptyRow>
            )}
            {shown.map((c) => {
              const pending = approvalsOf(c);
              const own = c.requestedBy === user.username;
              return (
                <tr key={c.id} data-testid="waiting-change">
                  <td>
                    <div className="strong">
                      <Link to={`${base}/flag-changes/${c.id}`}>{c.summary}</Link>
                    </div>
                    <div className="muted small">
                      flag <Link to={`${base}/flags/${encodeURIComponent(c.flag)}`}>{c.flag}</Link>
                      {c.runAt && <> · runs {formatTime(c.runAt)}</>}
                    </div>
                  </td>
                  <td>
                    {c.environments.map((e) => (
                      <EnvBadge key={e} name={e} color={colors.get(e)} />
                    ))}
                  </td>
                  <td className="small">
                    {c.requestedBy}{' '}
                    <span className="muted" title={formatTime(c.requestedAt)}>
                      {relativeTime(c.requestedAt)}
                    </span>
                  </td>
                  <td>
                    <ChangeStatusBadge status={c.status} />
                  </td>
                  <td className="actions">
                    {c.status === 'pending-approval' &&
                      (own ? (
                        <span className="muted small">yours: someone else approves </span>
                      ) : (
                        pending.map((a) => (
                          <span key={a.id} className="change-decision">
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
                              {pending.length > 1 ? ` ${a.environment}` : ''}
                            </button>
                          </span>
                        ))
                      ))}{' '}
                    <button
                      type="button"
                      className="btn btn--small btn--ghost"
                      onClick={() => void cancel(c)}
                    >
                      Cancel
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <h2 className="section-title">Recent</h2>
      <div className="card">
        <table className="table" aria-label="Recent flag changes">
          <thead>
            <tr>
              <th>Status</th>
              <th>Change</th>
              <th>Environment</th>
              <th>Requested by</th>
              <th>Finished</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {recent.loading && <LoadingRow colSpan={6} />}
            {!recent.loading && (recent.data ?? []).length === 0 && (
              <EmptyRow colSpan={6}>No flag change went through approval or a schedule yet.</EmptyRow>
            )}
            {(recent.data ?? []).map((c) => (
              <tr key={c.id}>
                <td>
                  <ChangeStatusBadge status={c.status} />
                </td>
                <td>
                  <Link to={`${base}/flag-changes/${c.id}`}>{c.summary}</Link>
                </td>
                <td>
                  {c.environments.map((e) => (
                    <EnvBadge key={e} name={e} color={colors.get(e)} />
                  ))}
                </td>
                <td>{c.requestedBy}</td>
                <td className="small" title={formatTime(c.finishedAt)}>
                  {relativeTime(c.finishedAt)}
                </td>
                <td className="small muted">{c.message}</td>
              </tr>
            ))}
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
                ? `Approved: ${deciding.approval.summary}`
                : `Rejected: ${deciding.approval.summary}`,
            );
            invalidateFlags(project);
          }}
        />
      )}
    </>
  );
}
