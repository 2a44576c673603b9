import { useCallback, useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import {
  type ChangeOutcome,
  cancelFlagChange,
  type FlagEnvironment,
  type FlagResource,
  type FlagSpec,
  getFlag,
  getOverview,
  listSegments,
  type OverviewEnvironment,
  putEnvironment,
} from '../../api/flags';
import { useToast } from '../../app/toast-context';
import { useProject } from '../../app/use-project';
import { Badge, EnvBadge } from '../../components/badge';
import { Delayed } from '../../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { Modal } from '../../components/modal';
import { PageHeader } from '../../components/page-header';
import { UnsavedChangesGuard } from '../../components/unsaved-changes-guard';
import {
  cleanEnvironment,
  environmentSummary,
  problemsByPath,
  problemsStillStanding,
  sameEnvironment,
} from '../../lib/flags';
import { formatTime, relativeTime } from '../../lib/time';
import { useInterval } from '../../lib/use-interval';
import { useQuery } from '../../lib/use-query';
import {
  announceOutcome,
  ChangeStatusBadge,
  environmentDiff,
  FlagDiff,
  FlagTypeBadge,
  invalidateFlags,
  lifetimeText,
  overviewKey,
  useWaitingChanges,
  WaitingMark,
} from './common';
import { EnvironmentEditor } from './environment-editor';
import { EvaluatePanel } from './evaluate-panel';
import { HistoryCard } from './history-card';
import { MetricsCard } from './metrics-card';
import { PromoteDialog } from './promote-dialog';
import { SettingsCard } from './settings-card';
import { FlagDatalists } from './variant-editor';

const TABS = [
  ['targeting', 'Targeting'],
  ['metrics', 'Metrics'],
  ['history', 'History'],
  ['settings', 'Settings'],
] as const;
type Tab = (typeof TABS)[number][0];

const OFF: FlagEnvironment = { enabled: false };

/** One view per flag: drafts and dialogs start afresh on another one. */
export function FlagPage() {
  const { name = '' } = useParams();
  return <FlagView key={name} name={name} />;
}

function FlagView({ name }: { name: string }) {
  const project = useProject();
  const toast = useToast();
  const base = `/p/${encodeURIComponent(project)}`;
  const [params, setParams] = useSearchParams();
  const overview = useQuery(overviewKey(project), () => getOverview(project));
  const flagQuery = useQuery(`flags:${project}:flag:${name}`, () => getFlag(project, name));
  const segments = useQuery(`flags:${project}:segments`, async () =>
    (await listSegments(project)).items.map((s) => s.metadata.name),
  );
  const waiting = useWaitingChanges(project);
  const mine = (waiting.data ?? []).filter((c) => c.flag === name);
  useInterval(
    () => {
      void flagQuery.reload();
      void waiting.reload();
      void overview.reload();
    },
    mine.length > 0 ? 3000 : 20_000,
  );

  const envs = overview.data?.environments ?? [];
  const env = params.get('env') ?? envs[0]?.name ?? '';
  const envInfo = envs.find((e) => e.name === env);
  const tab = (params.get('tab') ?? 'targeting') as Tab;
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };

  const [drafts, setDrafts] = useState<Record<string, FlagEnvironment>>({});
  // What each environment was when its draft began: saving replaces the whole environment, so a
  // change someone else made meanwhile is said before it is overwritten.
  const [bases, setBases] = useState<Record<string, FlagEnvironment | undefined>>({});
  // The flag version each draft started from, sent as If-Match so a save never overwrites a newer edit.
  const [versions, setVersions] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<{ env: string; error: unknown; refused: FlagEnvironment }>();
  const [saving, setSaving] = useState(false);
  const [confirming, setConfirming] = useState<ChangeOutcome>();
  const [promoting, setPromoting] = useState(false);
  const flag = flagQuery.data;
  const storedOf = (e: string) => flag?.spec.environments?.[e];
  const isDirty = (e: string) => drafts[e] !== undefined && !sameEnvironment(drafts[e], storedOf(e));
  const anyDirty = Object.keys(drafts).some(isDirty);
  const dirtyRef = useCallback(() => anyDirty, [anyDirty]);
  const draft = drafts[env] ?? storedOf(env) ?? OFF;
  const dirty = isDirty(env);
  const colors = new Map(envs.map((e) => [e.name, e.color]));

  // A saved draft (or one equal to what is stored again) stops being a draft.
  useEffect(() => {
    setDrafts((all) => {
      const kept = Object.fromEntries(
        Object.entries(all).filter(([e, d]) => !sameEnvironment(d, flag?.spec.environments?.[e])),
      );
      return Object.keys(kept).length === Object.keys(all).length ? all : kept;
    });
  }, [flag]);

  if (isForbidden(flagQuery.error)) return <NotAllowed error={flagQuery.error} what={`flag ${name}`} />;
  if (!flag || !overview.data) {
    return (
      <>
        <Breadcrumbs base={base} name={name} />
        <PageHeader title={name} />
        <ErrorNotice error={flagQuery.error ?? overview.error} title="Cannot read this flag" />
        {!flagQuery.error && !overview.error && (
          <Delayed>
            <span className="spinner" /> Loading…
          </Delayed>
        )}
      </>
    );
  }
  const summary = overview.data.flags.find((f) => f.name === name);
  const draftSpec: FlagSpec = {
    ...flag.spec,
    environments: { ...(flag.spec.environments ?? {}), [env]: cleanEnvironment(draft) },
  };
  const problems =
    saveError?.env === env && saveError.error instanceof ApiError
      ? problemsStillStanding(
          problemsByPath(saveError.error.details),
          saveError.refused,
          cleanEnvironment(draft),
        )
      : {};

  const setDraft = (next: FlagEnvironment) => {
    if (drafts[env] === undefined) {
      setBases({ ...bases, [env]: storedOf(env) });
      const version = flag?.metadata.resourceVersion;
      if (version) setVersions({ ...versions, [env]: version });
    }
    setDrafts({ ...drafts, [env]: next });
  };
  const changedMeanwhile = dirty && env in bases && !sameEnvironment(bases[env], storedOf(env));
  const discard = () => {
    const { [env]: _dropped, ...rest } = drafts;
    setDrafts(rest);
    setSaveError(undefined);
  };
  const save = async (confirmed: boolean) => {
    setSaving(true);
    setSaveError(undefined);
    try {
      const config = cleanEnvironment(draft);
      if (envInfo?.protected && !confirmed) {
        setConfirming(await putEnvironment(project, name, env, config, { dryRun: true }));
        return;
      }
      const version = versions[env];
      const outcome = await putEnvironment(project, name, env, config, version ? { ifMatch: version } : {});
      setConfirming(undefined);
      announceOutcome(toast, outcome, `${name} in ${env}`, `Saved ${name} in ${env}`);
      if (outcome.status === 'pending-approval' || outcome.status === 'scheduled') discard();
      invalidateFlags(project);
      await flagQuery.reload();
    } catch (e) {
      setConfirming(undefined);
      setSaveError({ env, error: e, refused: cleanEnvironment(draft) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <UnsavedChangesGuard shouldBlock={dirtyRef} ignoreSearch />
      <FlagDatalists />
      <Breadcrumbs base={base} name={name} />
      <PageHeader
        title={name}
        subtitle={
          <>
            <FlagTypeBadge type={flag.spec.type ?? 'release'} />
            {summary?.stale && <Badge tone="warn">stale</Badge>}
            {flag.spec.key && <span className="mono">key {flag.spec.key}</span>}
            <span className="muted">
              {flag.spec.description ? `${flag.spec.description} · ` : ''}
              {lifetimeText(summary?.lifetimeDays, flag.spec.type)} lifetime · created{' '}
              <span title={formatTime(flag.metadata.createdAt)}>{relativeTime(flag.metadata.createdAt)}</span>{' '}
              ·{' '}
              {summary?.lastSeenAt ? (
                <span title={formatTime(summary.lastSeenAt)}>seen {relativeTime(summary.lastSeenAt)}</span>
              ) : (
                'never seen by an SDK'
              )}
            </span>
          </>
        }
        actions={
          <>
            <button type="button" className="btn" onClick={() => setPromoting(true)}>
              <Icon name="upload" size={14} /> Promote…
            </button>
            <Link className="btn" to={`${base}/resources/flags/${encodeURIComponent(name)}`}>
              <Icon name="edit" size={14} /> Edit YAML
            </Link>
          </>
        }
      />
      <ErrorNotice error={flagQuery.error} title="Cannot refresh this flag" />

      {mine.length > 0 && (
        <section className="card flag-pending" aria-label="Waiting changes" data-testid="flag-waiting">
          {mine.map((c) => (
            <div key={c.id} className="flag-pending__row">
              <ChangeStatusBadge status={c.status} />
              <Link to={`${base}/flag-changes/${c.id}`} className="strong">
                {c.summary}
              </Link>
              <span className="muted small">
                asked by {c.requestedBy} {relativeTime(c.requestedAt)}
                {c.runAt ? ` · runs ${formatTime(c.runAt)}` : ''}
              </span>
              <span className="flag-pending__actions">
                <Link className="btn btn--small" to={`${base}/flag-changes/${c.id}`}>
                  Review
                </Link>
                <button
                  type="button"
                  className="btn btn--small btn--danger-outline"
                  onClick={async () => {
                    try {
                      await cancelFlagChange(project, c.id);
                      toast.success('Change cancelled', c.summary);
                      invalidateFlags(project);
                    } catch (e) {
                      toast.error(e, 'Cannot cancel');
                    }
                  }}
                >
                  Cancel
                </button>
              </span>
            </div>
          ))}
        </section>
      )}

      <EnvironmentStrip
        envs={envs}
        flag={flag}
        selected={tab === 'targeting' ? env : undefined}
        isDirty={isDirty}
        waiting={mine}
        base={base}
        onSelect={(e) => {
          const next = new URLSearchParams(params);
          next.set('env', e);
          if (tab !== 'targeting') next.set('tab', 'targeting');
          setParams(next, { replace: true });
        }}
      />

      <div className="tabs" role="tablist" aria-label="Flag sections">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={`tab${tab === id ? ' tab--active' : ''}`}
            onClick={() => setParam('tab', id)}
          >
            {label}
            {id === 'targeting' && anyDirty && <span className="tab__dot" title="unsaved changes" />}
          </button>
        ))}
      </div>

      {tab === 'targeting' && envInfo && (
        <div className="flag-layout">
          <section className="card flag-editor-card" aria-label={`Targeting in ${env}`}>
            <div className="flag-editor-card__head">
              <h2 className="card__title">
                Targeting in <EnvBadge name={env} color={envInfo.color} />
              </h2>
              {envInfo.protected && (
                <span className="muted small">
                  <Icon name="lock" size={12} /> protected: saving asks another person to approve; switching
                  off alone applies at once
                </span>
              )}
            </div>
            {mine.some((c) => c.environments.includes(env)) && (
              <div className="notice notice--info">
                <Icon name="approval" />
                <div className="notice__body">
                  <div className="notice__message">
                    A change of {env} waits ({mine.find((c) => c.environments.includes(env))?.summary}). What
                    you see here is the configuration in force until it applies.
                  </div>
                </div>
              </div>
            )}
            {changedMeanwhile && (
              <div className="notice notice--warn" data-testid="changed-meanwhile">
                <Icon name="alert" />
                <div className="notice__body">
                  <div className="notice__title">{env} changed since you started editing</div>
                  <div className="notice__message">
                    Someone saved another configuration of {env} meanwhile (see History). Saving replaces it
                    with yours; discard your edits to start again from theirs.
                  </div>
                </div>
              </div>
            )}
            <EnvironmentEditor
              environment={env}
              flagName={flag.spec.key ?? name}
              draft={draft}
              onChange={setDraft}
              segments={segments.data ?? []}
              problems={problems}
            />
            {saveError?.env === env && (
              <div data-testid="save-error">
                <ErrorNotice error={saveError.error} title={`The configuration of ${env} was not saved`} />
              </div>
            )}
            <div className={`save-bar${dirty ? ' save-bar--dirty' : ''}`} data-testid="save-bar">
              <div className="save-bar__row">
                <span className="save-bar__state small">
                  {dirty ? (
                    <>
                      <span className="save-bar__dot" /> Unsaved changes in {env}
                    </>
                  ) : (
                    <span className="muted">
                      Saved
                      {flag.metadata.updatedAt ? ` ${relativeTime(flag.metadata.updatedAt)}` : ''} · version{' '}
                      {flag.metadata.resourceVersion}
                    </span>
                  )}
                </span>
                <button type="button" className="btn" disabled={!dirty || saving} onClick={discard}>
                  Discard
                </button>
                <button
                  type="button"
                  className="btn btn--primary"
                  disabled={!dirty || saving}
                  onClick={() => void save(false)}
                >
                  {saving ? 'Saving…' : envInfo.protected ? 'Request approval…' : `Save ${env}`}
                </button>
              </div>
            </div>
          </section>
          <EvaluatePanel
            project={project}
            flag={name}
            environment={env}
            color={envInfo.color}
            spec={dirty ? draftSpec : flag.spec}
            isDraft={dirty}
          />
        </div>
      )}
      {tab === 'metrics' && <MetricsCard project={project} flag={name} environments={envs} />}
      {tab === 'history' && <HistoryCard project={project} flag={name} colors={colors} />}
      {tab === 'settings' && (
        <SettingsCard
          key={flag.metadata.resourceVersion}
          project={project}
          flag={flag}
          flags={overview.data.flags}
          onSaved={() => void flagQuery.reload()}
        />
      )}

      {confirming && envInfo && (
        <Modal
          title={`Request approval for ${name} in ${env}?`}
          wide
          onClose={() => setConfirming(undefined)}
          footer={
            <>
              <button type="button" className="btn" onClick={() => setConfirming(undefined)}>
                Cancel
              </button>
              <button
                type="button"
                className="btn btn--primary"
                disabled={saving || confirming.status === 'unchanged'}
                onClick={() => void save(true)}
              >
                {saving ? 'Working…' : confirming.approvalRequired.length ? 'Request approval' : 'Save'}
              </button>
            </>
          }
        >
          {confirming.approvalRequired.length > 0 ? (
            <p className="confirm__text">
              <EnvBadge name={env} color={envInfo.color} /> is protected: this change is stored and applies
              when another person with approve rights there approves it.
            </p>
          ) : confirming.killSwitch ? (
            <p className="confirm__text">
              This only switches the flag off: it applies at once (kill switch).
            </p>
          ) : null}
          <FlagDiff changes={environmentDiff(confirming, env)} empty="Nothing changes." />
        </Modal>
      )}
      {promoting && (
        <PromoteDialog
          project={project}
          flag={name}
          environments={envs}
          from={env}
          onClose={() => setPromoting(false)}
        />
      )}
    </>
  );
}

function Breadcrumbs({ base, name }: { base: string; name: string }) {
  return (
    <div className="breadcrumbs">
      <Link to={`${base}/flags`}>Flags</Link>
      <span className="breadcrumbs__sep">/</span>
      <span>{name}</span>
    </div>
  );
}

function EnvironmentStrip({
  envs,
  flag,
  selected,
  isDirty,
  waiting,
  base,
  onSelect,
}: {
  envs: OverviewEnvironment[];
  flag: FlagResource;
  /** The environment being edited; none outside the targeting tab. */
  selected: string | undefined;
  isDirty(env: string): boolean;
  waiting: Parameters<typeof WaitingMark>[0]['changes'];
  base: string;
  onSelect(env: string): void;
}) {
  return (
    <div className="env-strip" role="tablist" aria-label="Environments">
      {envs.map((e, i) => {
        const config = flag.spec.environments?.[e.name];
        const on = config?.enabled === true;
        return (
          <div key={e.name} className="env-strip__item">
            {i > 0 && (
              <span className="env-strip__arrow" aria-hidden="true">
                →
              </span>
            )}
            <button
              type="button"
              role="tab"
              aria-selected={selected === e.name}
              aria-label={`${e.name}: ${on ? 'on' : 'off'}`}
              className={`env-tab${selected === e.name ? ' env-tab--selected' : ''}${on ? ' env-tab--on' : ''}`}
              onClick={() => onSelect(e.name)}
              data-testid={`env-tab-${e.name}`}
            >
              <span className="env-tab__top">
                <EnvBadge name={e.name} color={e.color} />
                {e.protected && <Icon name="lock" size={12} />}
                {isDirty(e.name) && <span className="env-tab__edited" title="unsaved changes" />}
              </span>
              <span className="env-tab__state">
                <span className={`env-tab__light${on ? ' env-tab__light--on' : ''}`} />
                {on ? 'on' : 'off'}
                {on && environmentSummary(config) && (
                  <span className="muted"> · {environmentSummary(config)}</span>
                )}
              </span>
              <WaitingMark changes={waiting.filter((c) => c.environments.includes(e.name))} />
            </button>
          </div>
        );
      })}
      <Link
        className="env-strip__changes small"
        to={`${base}/flag-changes?flag=${encodeURIComponent(flag.metadata.name)}`}
      >
        Changes of this flag →
      </Link>
    </div>
  );
}
