import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { applyFlags, type FlagOverview, getOverview, type OverviewFlag } from '../../api/flags';
import { useToast } from '../../app/toast-context';
import { useProject } from '../../app/use-project';
import { Badge, EnvBadge } from '../../components/badge';
import { EmptyRow, LoadingRow } from '../../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { Modal } from '../../components/modal';
import { PageHeader } from '../../components/page-header';
import { cellSummary, FLAG_TYPE_HINTS, FLAG_TYPES } from '../../lib/flags';
import { plural } from '../../lib/format';
import { formatTime, relativeTime } from '../../lib/time';
import { useInterval } from '../../lib/use-interval';
import { useQuery } from '../../lib/use-query';
import {
  FlagSwitch,
  FlagTypeBadge,
  invalidateFlags,
  lifetimeText,
  overviewKey,
  useFlagToggle,
  useWaitingChanges,
  WaitingMark,
  waitingByCell,
} from './common';

type Show = 'all' | 'stale' | 'waiting' | 'unseen';

const SHOW: Array<[Show, string]> = [
  ['all', 'All'],
  ['stale', 'Stale'],
  ['waiting', 'Waiting'],
  ['unseen', 'Never seen'],
];

function matches(flag: OverviewFlag, text: string): boolean {
  if (!text) return true;
  const haystack = [
    flag.name,
    flag.key,
    flag.description ?? '',
    flag.type,
    ...Object.entries(flag.labels).map(([k, v]) => `${k}=${v}`),
  ]
    .join(' ')
    .toLowerCase();
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

/** Flags × environments: one call to flag-overview, a toggle per cell, filters kept in the URL. */
export function FlagsPage() {
  const project = useProject();
  const navigate = useNavigate();
  const base = `/p/${encodeURIComponent(project)}`;
  const [params, setParams] = useSearchParams();
  const text = params.get('q') ?? '';
  const type = params.get('type') ?? '';
  const show = (params.get('show') ?? 'all') as Show;
  const overview = useQuery(overviewKey(project), () => getOverview(project));
  const waiting = useWaitingChanges(project);
  const byCell = useMemo(() => waitingByCell(waiting.data), [waiting.data]);
  const anyWaiting = (waiting.data?.length ?? 0) > 0;
  useInterval(
    () => {
      void overview.reload();
      void waiting.reload();
    },
    anyWaiting ? 3000 : 15_000,
  );
  const { toggle, busy, dialog } = useFlagToggle(project);
  const [creating, setCreating] = useState(false);

  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value && !(key === 'show' && value === 'all')) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  if (isForbidden(overview.error))
    return <NotAllowed error={overview.error} what="the flags of this project" />;
  const data = overview.data;
  const envs = data?.environments ?? [];
  const flags = (data?.flags ?? []).filter(
    (f) =>
      matches(f, text) &&
      (!type || f.type === type) &&
      (show !== 'stale' || f.stale) &&
      (show !== 'waiting' || f.pendingChanges > 0) &&
      (show !== 'unseen' || !f.lastSeenAt),
  );
  const columns = envs.length + 3;

  return (
    <>
      <PageHeader
        title="Flags"
        subtitle="Every flag in every environment, in promotion order. Switching on in a protected environment waits for another person’s approval; switching off never waits."
        actions={
          <>
            <Link className="btn" to={`${base}/flag-changes`}>
              <Icon name="approval" size={14} /> Flag changes
              {anyWaiting && (
                <span className="nav__badge" data-testid="waiting-changes">
                  {waiting.data?.length}
                </span>
              )}
            </Link>
            <button type="button" className="btn btn--primary" onClick={() => setCreating(true)}>
              <Icon name="plus" size={14} /> New flag
            </button>
          </>
        }
      />
      <div className="filters">
        <label className="field field--inline flag-search">
          <span>Search</span>
          <input
            type="search"
            className="filter-control"
            aria-label="Search flags"
            placeholder="name, key, description, label=value"
            value={text}
            onChange={(e) => setParam('q', e.target.value)}
          />
        </label>
        <label className="field field--inline">
          <span>Type</span>
          <select
            className="filter-control"
            aria-label="Type filter"
            value={type}
            onChange={(e) => setParam('type', e.target.value)}
          >
            <option value="">all</option>
            {FLAG_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <div className="chips flag-show">
          {SHOW.map(([value, label]) => (
            <button
              key={value}
              type="button"
              className={`chip chip--button${show === value ? ' chip--active' : ''}`}
              aria-pressed={show === value}
              onClick={() => setParam('show', value)}
            >
              {label}
            </button>
          ))}
        </div>
        {data && (
          <span className="filters__count muted small">
            {flags.length === data.flags.length
              ? plural(data.flags.length, 'flag')
              : `${flags.length} of ${plural(data.flags.length, 'flag')}`}
          </span>
        )}
      </div>
      <ErrorNotice error={overview.error} title="Cannot read the flags" />
      <div className="card flag-grid-card">
        <table className="table flag-grid" aria-label="Flags">
          <thead>
            <tr>
              <th>Flag</th>
              <th>Type</th>
              {envs.map((e) => (
                <th key={e.name} className="flag-grid__env">
                  <EnvBadge name={e.name} color={e.color} />
                  {e.protected && (
                    <span
                      className="flag-grid__protected"
                      title="protected: switching on waits for an approval, switching off applies at once"
                    >
                      <Icon name="lock" size={12} />
                    </span>
                  )}
                </th>
              ))}
              <th className="num">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {overview.loading && <LoadingRow colSpan={columns} />}
            {data && data.flags.length === 0 && (
              <EmptyRow colSpan={columns}>
                No flags yet.{' '}
                <button type="button" className="btn btn--small" onClick={() => setCreating(true)}>
                  Create one
                </button>{' '}
                or apply <code>kind: Flag</code> resources (<code>pont flags apply -f flags/</code>).
              </EmptyRow>
            )}
            {data && data.flags.length > 0 && flags.length === 0 && (
              <EmptyRow colSpan={columns}>No flag matches these filters.</EmptyRow>
            )}
            {flags.map((flag) => (
              <tr key={flag.name} data-testid={`flag-row-${flag.name}`}>
                <th scope="row" className="flag-grid__name">
                  <Link className="strong" to={`${base}/flags/${encodeURIComponent(flag.name)}`}>
                    {flag.name}
                  </Link>
                  {flag.key !== flag.name && <span className="mono muted small"> key {flag.key}</span>}
                  {flag.stale && (
                    <Badge
                      tone="warn"
                      title="older than its type's lifetime, or marked stale: time to remove it"
                    >
                      stale
                    </Badge>
                  )}
                  {flag.description && <span className="flag-grid__description">{flag.description}</span>}
                </th>
                <td>
                  <FlagTypeBadge type={flag.type} />
                  <span className="muted small flag-grid__lifetime" title="expected lifetime">
                    {lifetimeText(flag.lifetimeDays)}
                  </span>
                </td>
                {envs.map((env) => {
                  const cell = flag.environments[env.name];
                  const changes = byCell.get(`${flag.name}\u0000${env.name}`) ?? [];
                  return (
                    <td
                      key={env.name}
                      className={`flag-cell${cell?.enabled ? ' flag-cell--on' : ''}`}
                      data-testid={`cell-${flag.name}-${env.name}`}
                    >
                      {cell ? (
                        <>
                          <div className="flag-cell__row">
                            <FlagSwitch
                              checked={cell.enabled}
                              label={`${flag.name} in ${env.name}`}
                              busy={busy(flag.name, env.name)}
                              onChange={(next) =>
                                toggle({
                                  flag: flag.name,
                                  environment: env.name,
                                  protected: env.protected,
                                  color: env.color,
                                  next,
                                })
                              }
                            />
                            <button
                              type="button"
                              className="flag-cell__summary"
                              title={`Edit ${flag.name} in ${env.name}${cell.lastSeenAt ? ` · seen ${formatTime(cell.lastSeenAt)}` : ''}`}
                              onClick={() =>
                                navigate(
                                  `${base}/flags/${encodeURIComponent(flag.name)}?env=${encodeURIComponent(env.name)}`,
                                )
                              }
                            >
                              {cell.enabled ? cellSummary(cell) || 'on' : 'off'}
                            </button>
                          </div>
                          <WaitingMark changes={changes} href={(c) => `${base}/flag-changes/${c.id}`} />
                        </>
                      ) : (
                        <span className="muted" title="not visible to you">
                          ·
                        </span>
                      )}
                    </td>
                  );
                })}
                <td className="num small" title={formatTime(flag.lastSeenAt)}>
                  {flag.lastSeenAt ? relativeTime(flag.lastSeenAt) : <span className="muted">never</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {dialog}
      {creating && data && (
        <NewFlagDialog
          project={project}
          overview={data}
          onClose={() => setCreating(false)}
          onCreated={(name) => navigate(`${base}/flags/${encodeURIComponent(name)}`)}
        />
      )}
    </>
  );
}

function NewFlagDialog({
  project,
  overview,
  onClose,
  onCreated,
}: {
  project: string;
  overview: FlagOverview;
  onClose(): void;
  onCreated(name: string): void;
}) {
  const toast = useToast();
  const [name, setName] = useState('');
  const [type, setType] = useState('release');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const exists = overview.flags.some((f) => f.name === name);
  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await applyFlags(project, [
        {
          apiVersion: 'pont/v1',
          kind: 'Flag',
          metadata: { project, name },
          spec: { type, ...(description.trim() ? { description: description.trim() } : {}) },
        },
      ]);
      toast.success(`Created ${name}`, 'It is off in every environment until you switch it on.');
      invalidateFlags(project);
      onCreated(name);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title="New flag"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn--primary"
            disabled={busy || !name || exists}
            onClick={create}
          >
            {busy ? 'Creating…' : 'Create flag'}
          </button>
        </>
      }
    >
      <div className="stack">
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            placeholder="new-checkout"
            onChange={(e) => setName(e.target.value.trim())}
            aria-describedby="new-flag-name-hint"
          />
          <span id="new-flag-name-hint" className="muted small">
            {exists
              ? 'A flag of this name exists.'
              : 'Lowercase letters, digits and dashes; applications evaluate it by this name.'}
          </span>
        </label>
        <label className="field">
          <span>Type</span>
          <select value={type} onChange={(e) => setType(e.target.value)}>
            {FLAG_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <span className="muted small">{FLAG_TYPE_HINTS[type]}</span>
        </label>
        <label className="field">
          <span>Description</span>
          <textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
      </div>
      <ErrorNotice error={error} title="The flag was not created" />
    </Modal>
  );
}
