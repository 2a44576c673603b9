import { useState } from 'react';
import { Badge, type Tone } from '../../components/badge';
import { ErrorNotice } from '../../components/error-notice';
import { Modal } from '../../components/modal';
import { relativeTime } from '../../lib/time';
import { useQuery } from '../../lib/use-query';
import { type DeployAction, type Deployment, listArtifacts, startDeployment } from './api';

const TONES: Record<string, Tone> = {
  'waiting-approval': 'warn',
  queued: 'muted',
  running: 'info',
  succeeded: 'ok',
  failed: 'danger',
  'rolled-back': 'danger',
  rejected: 'muted',
  cancelled: 'muted',
  incomplete: 'warn',
};

const LABELS: Record<string, string> = {
  'waiting-approval': 'waiting for approval',
  'rolled-back': 'rolled back',
};

export function DeploymentStatusBadge({ status, title }: { status: string; title?: string }) {
  return (
    <span className="state-badge" data-status={status}>
      <Badge tone={TONES[status] ?? 'muted'} {...(title ? { title } : {})}>
        {status === 'running' && <span className="live-dot" aria-hidden="true" />}
        {LABELS[status] ?? status}
      </Badge>
    </span>
  );
}

export const KIND_LABELS: Record<string, string> = {
  deploy: 'deploy',
  promote: 'promotion',
  rollback: 'rollback',
};

export const TRIGGER_LABELS: Record<string, string> = {
  user: 'by hand',
  api: 'through the API',
  'auto-deploy': 'automatically after the previous environment',
  'auto-rollback': 'automatically after a failure',
};

/** `1.1.0 → 1.2.0`, the way history reads. */
export function VersionFlow({ from, to }: { from?: string | undefined; to: string }) {
  return (
    <span className="dep-flow mono">
      {from && from !== to ? (
        <>
          <span className="muted">{from}</span> <span className="dep-flow__arrow">→</span>{' '}
        </>
      ) : null}
      <strong>{to}</strong>
    </span>
  );
}

export function describeAction(action: DeployAction, current?: string, sourceVersion?: string): string {
  const was = current ? ` (now ${current})` : '';
  if (action.kind === 'promote')
    return `Promote ${action.app} ${sourceVersion ?? ''} from ${action.from} to ${action.environment}${was}`.replace(
      /\s+/g,
      ' ',
    );
  if (action.kind === 'rollback') return `Roll back ${action.app} in ${action.environment}${was}`;
  return `Deploy ${action.app} ${action.version} to ${action.environment}${was}`;
}

/**
 * Asks before a deployment: what will change where, whether someone must approve it, and — in a
 * freeze window — lets an admin force it with a reason. The server has the last word; its refusal
 * (promotion path, freeze, policy) shows here.
 */
export function DeployDialog({
  project,
  action,
  current,
  sourceVersion,
  approval,
  frozen,
  isAdmin,
  onClose,
  onStarted,
}: {
  project: string;
  action: DeployAction;
  current?: string | undefined;
  sourceVersion?: string | undefined;
  approval: boolean;
  frozen?: string | undefined;
  isAdmin: boolean;
  onClose(): void;
  onStarted(deployment: Deployment): void;
}) {
  const [version, setVersion] = useState(action.kind === 'deploy' ? action.version : '');
  const [force, setForce] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const artifacts = useQuery(
    action.kind === 'deploy' ? `artifacts:${project}:${action.app}` : null,
    async () => (await listArtifacts(project, action.app)).items,
  );
  const chosen: DeployAction = action.kind === 'deploy' ? { ...action, version } : action;
  const breaking = Boolean(frozen) && action.kind !== 'rollback';

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onStarted(await startDeployment(project, chosen, breaking && force ? reason.trim() : undefined));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const title =
    action.kind === 'promote' ? 'Promote' : action.kind === 'rollback' ? 'Roll back' : `Deploy ${action.app}`;
  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${action.kind === 'rollback' ? 'btn--danger' : 'btn--primary'}`}
            disabled={
              busy ||
              (action.kind === 'deploy' && !version) ||
              (breaking && force && reason.trim().length < 3)
            }
            onClick={confirm}
          >
            {busy ? 'Starting…' : approval ? 'Request approval' : title}
          </button>
        </>
      }
    >
      <div className="dep-dialog">
        {action.kind === 'deploy' && (
          <label className="field">
            <span>Version</span>
            <select value={version} onChange={(e) => setVersion(e.target.value)} aria-label="Version">
              <option value="">Choose a version…</option>
              {(artifacts.data ?? []).map((a) => (
                <option key={a.version} value={a.version}>
                  {a.version} — pushed {relativeTime(a.uploadedAt)} by {a.uploadedBy}
                </option>
              ))}
            </select>
          </label>
        )}
        <p className="dep-dialog__what" data-testid="deploy-summary">
          {describeAction(chosen, current, sourceVersion)}
        </p>
        {action.kind === 'rollback' && (
          <p className="muted">The previous successful version there is deployed again on every node.</p>
        )}
        {approval && (
          <div className="notice notice--info">
            <div className="notice__body">
              <div className="notice__message">
                {action.environment} needs another person’s approval: the deployment waits until someone else
                approves it.
              </div>
            </div>
          </div>
        )}
        {breaking && (
          <div className="notice notice--warn">
            <div className="notice__body">
              <div className="notice__title">Frozen</div>
              <div className="notice__message">
                {action.environment} is in a {frozen}. Deployments are refused
                {isAdmin
                  ? ' unless you force this one with a reason.'
                  : '; an admin can force one with a reason.'}
              </div>
              {isAdmin && (
                <>
                  <label className="field--check">
                    <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />{' '}
                    Force through the freeze
                  </label>
                  {force && (
                    <label className="field">
                      <span>Reason (kept in the record and the audit log)</span>
                      <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
                    </label>
                  )}
                </>
              )}
            </div>
          </div>
        )}
        <ErrorNotice error={error} title="The deployment was refused" />
      </div>
    </Modal>
  );
}
