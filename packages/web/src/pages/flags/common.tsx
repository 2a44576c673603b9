import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import type { ApiError } from '../../api/client';
import {
  type ChangeOutcome,
  type FlagChange,
  type FlagChangeStatus,
  getOverview,
  listFlagChanges,
  toggleFlag,
  WAITING_STATUSES,
} from '../../api/flags';
import type { FieldChange } from '../../api/types';
import { useToast } from '../../app/toast-context';
import { Badge, EnvBadge, type Tone } from '../../components/badge';
import { ChangeList } from '../../components/change-list';
import { ErrorNotice } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { Modal } from '../../components/modal';
import { cleanEnvironment, diffValues, FLAG_LIFETIME_DAYS } from '../../lib/flags';
import { formatTime } from '../../lib/time';
import { invalidate, useQuery } from '../../lib/use-query';
import './flags.css';

export const flagsKey = (project: string) => `flags:${project}`;
export const overviewKey = (project: string) => `flags:${project}:overview`;
export const waitingKey = (project: string) => `flags:${project}:waiting`;

/** After any flag write: every flag query of the project and the approvals refresh. */
export function invalidateFlags(project: string): void {
  invalidate(flagsKey(project));
  invalidate(`approvals:${project}`);
}

/** Changes waiting for an approval or their time: the grid's and the flag page's "pending" marks. */
export function useWaitingChanges(project: string) {
  return useQuery(
    waitingKey(project),
    async () => (await listFlagChanges(project, { status: WAITING_STATUSES, limit: 1000 })).items,
  );
}

/** Environment colours from the overview (shared with the grid, so usually already there). */
export function useEnvironmentColors(project: string): Map<string, string | undefined> {
  const overview = useQuery(overviewKey(project), () => getOverview(project));
  return new Map((overview.data?.environments ?? []).map((e) => [e.name, e.color]));
}

/** Waiting changes by flag and environment. */
export function waitingByCell(changes: readonly FlagChange[] | undefined): Map<string, FlagChange[]> {
  const out = new Map<string, FlagChange[]>();
  for (const change of changes ?? []) {
    for (const env of change.environments) {
      const key = `${change.flag}\u0000${env}`;
      out.set(key, [...(out.get(key) ?? []), change]);
    }
  }
  return out;
}

const TYPE_TONES: Record<string, Tone> = {
  release: 'info',
  experiment: 'accent',
  operational: 'muted',
  'kill-switch': 'danger',
  permission: 'ok',
};

export function FlagTypeBadge({ type }: { type: string }) {
  return <Badge tone={TYPE_TONES[type] ?? 'muted'}>{type}</Badge>;
}

export function lifetimeText(days: number | null | undefined, type?: string): string {
  const d = days === undefined ? (FLAG_LIFETIME_DAYS[type ?? 'release'] ?? null) : days;
  return d === null ? 'permanent' : `${d} days`;
}

const CHANGE_TONES: Record<FlagChangeStatus, Tone> = {
  'pending-approval': 'warn',
  scheduled: 'info',
  applying: 'info',
  applied: 'ok',
  rejected: 'danger',
  cancelled: 'muted',
  failed: 'danger',
};

export function ChangeStatusBadge({ status }: { status: FlagChangeStatus }) {
  return (
    <span className="state-badge" data-status={status}>
      <Badge tone={CHANGE_TONES[status] ?? 'muted'}>
        {status === 'pending-approval' ? 'pending approval' : status}
      </Badge>
    </span>
  );
}

/** The mark a cell or tab carries while a change of it waits. */
export function WaitingMark({ changes, href }: { changes: FlagChange[]; href?: (c: FlagChange) => string }) {
  if (changes.length === 0) return null;
  const first = changes[0];
  if (!first) return null;
  const pending = changes.some((c) => c.status === 'pending-approval');
  const title = changes
    .map(
      (c) =>
        `${c.summary} — ${c.status === 'scheduled' ? `runs ${formatTime(c.runAt)}` : `asked by ${c.requestedBy}`}`,
    )
    .join('\n');
  const badge = (
    <span
      className={`flag-waiting ${pending ? 'flag-waiting--approval' : 'flag-waiting--scheduled'}`}
      title={title}
    >
      <Icon name={pending ? 'approval' : 'clock'} size={11} />
      {pending ? 'pending approval' : 'scheduled'}
      {changes.length > 1 && ` ×${changes.length}`}
    </span>
  );
  return href ? (
    <Link className="flag-waiting__link" to={href(first)} onClick={(e) => e.stopPropagation()}>
      {badge}
    </Link>
  ) : (
    badge
  );
}

/** An on/off switch: a button with role switch, so it is one tab stop and reads "on" or "off". */
export function FlagSwitch({
  checked,
  label,
  busy,
  disabled,
  onChange,
  size = 'normal',
}: {
  checked: boolean;
  label: string;
  busy?: boolean;
  disabled?: boolean;
  onChange(next: boolean): void;
  size?: 'normal' | 'large';
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      aria-busy={busy || undefined}
      title={label}
      disabled={disabled || busy}
      className={`flag-switch${checked ? ' flag-switch--on' : ''}${busy ? ' flag-switch--busy' : ''}${size === 'large' ? ' flag-switch--large' : ''}`}
      onClick={(e) => {
        e.stopPropagation();
        onChange(!checked);
      }}
    >
      <span className="flag-switch__knob" />
    </button>
  );
}

/** What to tell the user after a change: done, waiting for whom, or the kill switch. */
export function announceOutcome(
  toast: ReturnType<typeof useToast>,
  outcome: ChangeOutcome,
  what: string,
  done = 'Saved',
): void {
  if (outcome.status === 'pending-approval') {
    toast.info(
      'Waiting for approval',
      `“${outcome.summary}” applies once another person with approve rights in ${outcome.approvalRequired.join(', ')} approves it.`,
    );
  } else if (outcome.status === 'scheduled') {
    toast.info('Scheduled', outcome.summary);
  } else if (outcome.killSwitch) {
    toast.success(
      'Switched off at once (kill switch)',
      `${outcome.summary}: connected SDKs see it within the streaming latency; switching it back on needs an approval.`,
    );
  } else if (outcome.status === 'unchanged') {
    toast.info('Nothing changed', `${what}: it was already so.`);
  } else {
    toast.success(done, outcome.summary);
  }
}

export interface ToggleTarget {
  flag: string;
  environment: string;
  protected: boolean;
  color?: string | undefined;
  next: boolean;
}

/**
 * Toggling a flag from the grid or the flag page: at once in an ordinary environment; in a
 * protected one, a dialog says first what will happen (an approval request, or the kill switch).
 */
export function useFlagToggle(project: string) {
  const toast = useToast();
  const [busy, setBusy] = useState<string>();
  const [asking, setAsking] = useState<ToggleTarget>();

  const run = async (t: ToggleTarget) => {
    setBusy(`${t.flag}\u0000${t.environment}`);
    try {
      const outcome = await toggleFlag(project, t.flag, t.environment, t.next);
      announceOutcome(
        toast,
        outcome,
        `${t.next ? 'Switching on' : 'Switching off'} ${t.flag}`,
        `${t.flag} ${t.next ? 'on' : 'off'} in ${t.environment}`,
      );
      return outcome;
    } finally {
      setBusy(undefined);
      invalidateFlags(project);
    }
  };

  const toggle = (t: ToggleTarget) => {
    if (t.protected) {
      setAsking(t);
      return;
    }
    run(t).catch((e: ApiError) =>
      toast.error(e, e.status === 403 ? 'Not allowed' : 'The change was refused'),
    );
  };

  const dialog = asking ? (
    <ToggleDialog target={asking} onClose={() => setAsking(undefined)} onConfirm={() => run(asking)} />
  ) : null;

  return { toggle, busy: (flag: string, env: string) => busy === `${flag}\u0000${env}`, dialog };
}

function ToggleDialog({
  target,
  onClose,
  onConfirm,
}: {
  target: ToggleTarget;
  onClose(): void;
  onConfirm(): Promise<unknown>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const env = <EnvBadge name={target.environment} color={target.color} />;
  return (
    <Modal
      title={
        target.next
          ? `Switch ${target.flag} on in ${target.environment}?`
          : `Switch ${target.flag} off in ${target.environment}?`
      }
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${target.next ? 'btn--primary' : 'btn--danger'}`}
            disabled={busy}
            onClick={confirm}
          >
            {busy ? 'Working…' : target.next ? 'Request approval' : 'Switch off now'}
          </button>
        </>
      }
    >
      {target.next ? (
        <div className="notice notice--info">
          <Icon name="approval" />
          <div className="notice__body">
            <div className="notice__message">
              {env} is protected: switching <strong>{target.flag}</strong> on becomes a pending change. It
              stays off until another person with approve rights there approves it.
            </div>
          </div>
        </div>
      ) : (
        <div className="notice notice--warn">
          <Icon name="alert" />
          <div className="notice__body">
            <div className="notice__title">Kill switch</div>
            <div className="notice__message">
              Switching off applies <strong>at once</strong>, even in protected {env}: every connected SDK
              sees <strong>{target.flag}</strong> off within the streaming latency. Switching it back on will
              need an approval.
            </div>
          </div>
        </div>
      )}
      <ErrorNotice error={error} title="The change was refused" />
    </Modal>
  );
}

/**
 * What a change does to one environment, field by field, from the outcome's before and after (the
 * server's own diff names whole objects when an environment or a strategy appears).
 */
export function environmentDiff(outcome: ChangeOutcome, env: string): FieldChange[] {
  if (!outcome.after) return outcome.changes;
  return diffValues(
    cleanEnvironment(outcome.before?.spec.environments?.[env]),
    cleanEnvironment(outcome.after.spec.environments?.[env]),
    env,
  );
}

/** A change's field diff with the `spec.environments.` prefix every flag path shares left out. */
export function FlagDiff({ changes, empty }: { changes: FieldChange[]; empty?: string }) {
  return (
    <ChangeList
      changes={changes.map((c) => ({
        ...c,
        path: c.path.replace(/^spec\.environments\./, '').replace(/^spec\./, ''),
      }))}
      {...(empty ? { empty } : {})}
    />
  );
}

export function Section({
  title,
  hint,
  actions,
  children,
}: {
  title: ReactNode;
  hint?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="flag-section">
      <div className="flag-section__head">
        <div>
          <h3 className="flag-section__title">{title}</h3>
          {hint && <p className="flag-section__hint">{hint}</p>}
        </div>
        {actions && <div className="flag-section__actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** Messages the server gave for one editor field, under it. */
export function FieldProblems({ problems }: { problems: string[] | undefined }) {
  if (!problems?.length) return null;
  return (
    <div className="flag-problem" role="alert">
      {problems.map((p) => (
        <div key={p}>{p}</div>
      ))}
    </div>
  );
}
