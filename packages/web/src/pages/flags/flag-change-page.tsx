import { useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  cancelFlagChange,
  type FlagChange,
  type FlagResource,
  getFlag,
  getFlagChange,
  WAITING_STATUSES,
} from '../../api/flags';
import { decideApproval } from '../../api/jobs';
import type { FieldChange } from '../../api/types';
import { useUser } from '../../app/session-context';
import { useToast } from '../../app/toast-context';
import { useProject } from '../../app/use-project';
import { ApprovalPanel } from '../../components/approval-panel';
import { EnvBadge } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Delayed } from '../../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { PageHeader } from '../../components/page-header';
import { cleanEnvironment, diffValues } from '../../lib/flags';
import { formatTime, relativeTime } from '../../lib/time';
import { useInterval } from '../../lib/use-interval';
import { useQuery } from '../../lib/use-query';
import { ChangeStatusBadge, FlagDiff, invalidateFlags, useEnvironmentColors } from './common';

/** What a waiting change would do to the flag as it is now, field by field. */
function proposedDiff(change: FlagChange, flag: FlagResource | undefined): FieldChange[] | undefined {
  const op = change.operation;
  const envs = flag?.spec.environments ?? {};
  switch (op.type) {
    case 'toggle':
      return diffValues(envs[op.environment]?.enabled === true, op.enabled, `${op.environment}.enabled`);
    case 'set-rollout':
      return [{ path: `${op.environment} rollout`, after: `${op.percent}%` }];
    case 'set-environment':
      return diffValues(cleanEnvironment(envs[op.environment]), cleanEnvironment(op.config), op.environment);
    case 'promote':
      return diffValues(cleanEnvironment(envs[op.to]), cleanEnvironment(envs[op.from]), op.to);
    case 'apply':
      return diffValues(flag?.spec ?? {}, op.spec, 'spec');
    default:
      return undefined;
  }
}

/** What a change asked for, once it is decided: the operation's fields as additions. */
function requested(change: FlagChange): FieldChange[] {
  const op = change.operation;
  switch (op.type) {
    case 'toggle':
      return [{ path: `${op.environment}.enabled`, after: op.enabled }];
    case 'set-rollout':
      return [
        {
          path: `${op.environment} rollout${op.strategy !== undefined ? ` of strategy #${op.strategy + 1}` : ''}`,
          after: `${op.percent}%`,
        },
      ];
    case 'set-environment':
      return diffValues(undefined, cleanEnvironment(op.config), op.environment);
    case 'promote':
      return [{ path: `${op.to}`, after: `the configuration of ${op.from}` }];
    case 'apply':
      return diffValues(undefined, op.spec, 'spec');
    case 'apply-segment':
      return diffValues(undefined, op.spec, 'segment');
  }
}

export function FlagChangePage() {
  const { id = '' } = useParams();
  const project = useProject();
  const user = useUser();
  const toast = useToast();
  const base = `/p/${encodeURIComponent(project)}`;
  const change = useQuery(`flags:${project}:change:${id}`, () => getFlagChange(project, id));
  const c = change.data;
  const waiting = c ? WAITING_STATUSES.includes(c.status) || c.status === 'applying' : false;
  const flag = useQuery(
    c && c.operation.type !== 'apply-segment' ? `flags:${project}:flag:${c.flag}` : null,
    () => getFlag(project, c?.flag ?? ''),
  );
  const colors = useEnvironmentColors(project);
  useInterval(() => void change.reload(), 2000, waiting);
  const [cancelling, setCancelling] = useState(false);

  if (isForbidden(change.error)) return <NotAllowed error={change.error} what={`flag change ${id}`} />;
  if (!c) {
    return (
      <>
        <PageHeader title={`Flag change ${id}`} />
        <ErrorNotice error={change.error} title="Cannot read this flag change" />
        {!change.error && (
          <Delayed>
            <span className="spinner" /> Loading…
          </Delayed>
        )}
      </>
    );
  }
  const segment = c.operation.type === 'apply-segment';
  const diff = waiting && !segment ? proposedDiff(c, flag.data) : undefined;

  return (
    <>
      <div className="breadcrumbs">
        <Link to={`${base}/flags`}>Flags</Link>
        <span className="breadcrumbs__sep">/</span>
        <Link to={`${base}/flag-changes`}>Changes</Link>
      </div>
      <PageHeader
        title={c.summary}
        subtitle={<span className="mono muted">flag change {c.id}</span>}
        actions={
          WAITING_STATUSES.includes(c.status) && (
            <button type="button" className="btn btn--danger-outline" onClick={() => setCancelling(true)}>
              <Icon name="stop" size={13} /> Cancel the change
            </button>
          )
        }
      />
      <ErrorNotice error={change.error} title="Cannot refresh this flag change" />
      <section className="card exec-summary" aria-label="Flag change summary">
        <div className="exec-summary__state" data-testid="flag-change-status">
          <ChangeStatusBadge status={c.status} />
        </div>
        <dl className="exec-facts">
          <div>
            <dt>{segment ? 'Segment' : 'Flag'}</dt>
            <dd>
              {segment ? (
                <Link to={`${base}/resources/segments/${encodeURIComponent(c.flag)}`}>{c.flag}</Link>
              ) : (
                <Link to={`${base}/flags/${encodeURIComponent(c.flag)}`}>{c.flag}</Link>
              )}
            </dd>
          </div>
          <div>
            <dt>Environment</dt>
            <dd>
              {c.environments.map((e) => (
                <EnvBadge key={e} name={e} color={colors.get(e)} />
              ))}
            </dd>
          </div>
          <div>
            <dt>Requested by</dt>
            <dd>
              <strong>{c.requestedBy}</strong>{' '}
              <span className="muted" title={formatTime(c.requestedAt)}>
                {relativeTime(c.requestedAt)}
              </span>
            </dd>
          </div>
          {c.runAt && (
            <div>
              <dt>Runs at</dt>
              <dd>{formatTime(c.runAt)}</dd>
            </div>
          )}
          {c.finishedAt && (
            <div>
              <dt>Finished</dt>
              <dd title={relativeTime(c.finishedAt)}>{formatTime(c.finishedAt)}</dd>
            </div>
          )}
        </dl>
        {c.message && (
          <p className="exec-message small" data-testid="flag-change-message">
            {c.message}
          </p>
        )}
      </section>

      {c.approvals.length > 0 && (
        <ApprovalPanel
          approvals={c.approvals}
          me={user.username}
          subject="change"
          onDecide={async (decision, comment) => {
            const pending = c.approvals.find((a) => a.status === 'pending');
            if (!pending) return;
            await decideApproval(project, pending.id, decision, comment);
            toast.success(
              decision === 'approve' ? 'Approved: the change applies' : 'Rejected: the change will not apply',
            );
            invalidateFlags(project);
            await change.reload();
          }}
        />
      )}

      <section className="card dep-card" aria-label="What it changes">
        <h2 className="card__title">
          {waiting ? 'What it changes, compared with the flag now' : 'What it asked for'}
        </h2>
        <FlagDiff changes={diff ?? requested(c)} empty="Nothing: the flag already is so." />
      </section>

      {cancelling && (
        <ConfirmDialog
          title="Cancel this change?"
          confirmLabel="Cancel the change"
          onClose={() => setCancelling(false)}
          onConfirm={async () => {
            await cancelFlagChange(project, c.id);
            toast.success('Change cancelled', c.summary);
            invalidateFlags(project);
            await change.reload();
          }}
        >
          {c.summary} will not apply; its pending approvals are cancelled too.
        </ConfirmDialog>
      )}
    </>
  );
}
