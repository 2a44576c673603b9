import { useEffect, useState } from 'react';
import { type ChangeOutcome, type OverviewEnvironment, promoteFlag } from '../../api/flags';
import { useToast } from '../../app/toast-context';
import { EnvBadge } from '../../components/badge';
import { ErrorNotice } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { Modal } from '../../components/modal';
import { announceOutcome, environmentDiff, FlagDiff, invalidateFlags } from './common';

/**
 * Copies one environment's configuration of the flag to another: the server's dry run shows the
 * diff (and whether the target needs an approval) before anything changes.
 */
export function PromoteDialog({
  project,
  flag,
  environments,
  from: initialFrom,
  onClose,
}: {
  project: string;
  flag: string;
  environments: OverviewEnvironment[];
  from: string;
  onClose(): void;
}) {
  const toast = useToast();
  const names = environments.map((e) => e.name);
  const nextOf = (env: string) => names[names.indexOf(env) + 1] ?? names.find((n) => n !== env) ?? '';
  const [from, setFrom] = useState(initialFrom);
  const [to, setTo] = useState(nextOf(initialFrom));
  const [preview, setPreview] = useState<ChangeOutcome>();
  const [previewError, setPreviewError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const target = environments.find((e) => e.name === to);

  useEffect(() => {
    let current = true;
    setPreview(undefined);
    setPreviewError(undefined);
    if (!from || !to || from === to) return;
    promoteFlag(project, flag, from, to, true).then(
      (outcome) => current && setPreview(outcome),
      (e) => current && setPreviewError(e),
    );
    return () => {
      current = false;
    };
  }, [project, flag, from, to]);

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const outcome = await promoteFlag(project, flag, from, to, false);
      announceOutcome(toast, outcome, `Promoting ${flag} to ${to}`, `Promoted ${flag} to ${to}`);
      invalidateFlags(project);
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const approval = (preview?.approvalRequired.length ?? 0) > 0;
  const unchanged = preview?.status === 'unchanged';
  return (
    <Modal
      title={`Promote ${flag}`}
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn--primary"
            disabled={busy || !preview || unchanged}
            onClick={confirm}
          >
            {busy ? 'Working…' : approval ? 'Request approval' : `Promote to ${to}`}
          </button>
        </>
      }
    >
      <div className="promote">
        <label className="field field--inline">
          <span>From</span>
          <select aria-label="Promote from" value={from} onChange={(e) => setFrom(e.target.value)}>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <span className="promote__arrow" aria-hidden="true">
          →
        </span>
        <label className="field field--inline">
          <span>To</span>
          <select aria-label="Promote to" value={to} onChange={(e) => setTo(e.target.value)}>
            {names
              .filter((n) => n !== from)
              .map((n) => (
                <option key={n}>{n}</option>
              ))}
          </select>
        </label>
      </div>
      <p className="muted small">
        {to}’s whole configuration of {flag} (on/off, strategies, variants) becomes a copy of {from}’s.
      </p>
      <div className="promote__preview" data-testid="promote-preview">
        {!preview && !previewError && (
          <span className="muted small">
            <span className="spinner" /> Computing the difference…
          </span>
        )}
        {preview && unchanged && (
          <p className="muted">
            <Icon name="check" size={13} /> {to} already has the same configuration as {from}: nothing to
            promote.
          </p>
        )}
        {preview && !unchanged && <FlagDiff changes={environmentDiff(preview, to)} />}
        <ErrorNotice error={previewError} title="Cannot promote" />
      </div>
      {approval && target && (
        <div className="notice notice--info">
          <Icon name="approval" />
          <div className="notice__body">
            <div className="notice__message">
              <EnvBadge name={to} color={target.color} /> is protected: the promotion waits until another
              person with approve rights there approves it.
            </div>
          </div>
        </div>
      )}
      {preview?.killSwitch && (
        <div className="notice notice--warn">
          <Icon name="alert" />
          <div className="notice__body">
            <div className="notice__message">
              This switches the flag off in {to}: it applies at once (kill switch).
            </div>
          </div>
        </div>
      )}
      <ErrorNotice error={error} title="The promotion was refused" />
    </Modal>
  );
}
