import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useUser } from '../../app/session-context';
import { useToast } from '../../app/toast-context';
import { useProject } from '../../app/use-project';
import { EnvBadge } from '../../components/badge';
import { Delayed, EmptyRow } from '../../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { PageHeader } from '../../components/page-header';
import { formatDuration, formatTime, relativeTime } from '../../lib/time';
import { useInterval } from '../../lib/use-interval';
import { invalidate, useQuery } from '../../lib/use-query';
import {
  type DeployAction,
  type EnvironmentMatrix,
  getMatrix,
  listDeployments,
  type MatrixCell,
} from './api';
import { DeployDialog, DeploymentStatusBadge, KIND_LABELS, VersionFlow } from './common';
import './deployments.css';

const ACTIVE = new Set(['running', 'queued', 'waiting-approval']);

/** The environment matrix: apps × environments, what runs where; a cell opens its history and actions. */
export function DeploymentsPage() {
  const project = useProject();
  const [params, setParams] = useSearchParams();
  const matrix = useQuery(`deployments:${project}:matrix`, () => getMatrix(project));
  const data = matrix.data;
  const busy = data?.apps.some((a) =>
    Object.values(a.cells).some((c) => c.pending > 0 || (c.last && ACTIVE.has(c.last.status))),
  );
  useInterval(() => void matrix.reload(), busy ? 2000 : 15_000);
  const selected =
    params.get('app') && params.get('env')
      ? { app: params.get('app') ?? '', env: params.get('env') ?? '' }
      : undefined;
  const select = (app: string, env: string) => setParams({ app, env }, { replace: true });

  if (isForbidden(matrix.error))
    return <NotAllowed error={matrix.error} what="the deployments of this project" />;

  return (
    <>
      <PageHeader
        title="Deployments"
        subtitle="What runs where: each app in each environment, since when, and how its latest deployment went. Pick a cell for its history, to promote or to roll back."
      />
      <ErrorNotice error={matrix.error} title="Cannot read the environment matrix" />
      <div className="card dep-matrix-card">
        <table className="table dep-matrix" aria-label="Environment matrix">
          <thead>
            <tr>
              <th>App</th>
              {(data?.environments ?? []).map((e) => (
                <th key={e.name} className="dep-matrix__env">
                  <EnvBadge name={e.name} color={e.color} />
                  {e.protected && (
                    <span className="dep-matrix__protected" title="protected: deployments need an approval">
                      <Icon name="lock" size={12} />
                    </span>
                  )}
                  {e.frozen && (
                    <span className="dep-frozen" title={e.frozen}>
                      frozen
                    </span>
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {!data && !matrix.error && (
              <tr>
                <td colSpan={5}>
                  <Delayed>
                    <span className="spinner" /> Loading…
                  </Delayed>
                </td>
              </tr>
            )}
            {data && data.apps.length === 0 && (
              <EmptyRow colSpan={data.environments.length + 1}>
                No apps yet. An <code>App</code> resource names the job that deploys it; push versions with{' '}
                <code>pont artifacts push APP VERSION FILE</code>.
              </EmptyRow>
            )}
            {data?.apps.map((app) => (
              <tr key={app.name}>
                <th scope="row" className="dep-matrix__app">
                  <span className="strong">{app.name}</span>
                  {app.description && <span className="muted small">{app.description}</span>}
                </th>
                {data.environments.map((env) => {
                  const cell = app.cells[env.name];
                  const isSelected = selected?.app === app.name && selected.env === env.name;
                  return (
                    <td key={env.name} className={`dep-cell-td${isSelected ? ' dep-cell-td--selected' : ''}`}>
                      {cell ? (
                        <CellButton
                          cell={cell}
                          onClick={() => select(app.name, env.name)}
                          testId={`cell-${app.name}-${env.name}`}
                        />
                      ) : (
                        <span className="muted" title="not visible to you">
                          ·
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && selected && (
        <CellPanel
          key={`${selected.app}/${selected.env}`}
          project={project}
          matrix={data}
          app={selected.app}
          env={selected.env}
          onClose={() => setParams({}, { replace: true })}
        />
      )}
    </>
  );
}

function CellButton({ cell, onClick, testId }: { cell: MatrixCell; onClick(): void; testId: string }) {
  const last = cell.last;
  return (
    <button type="button" className="dep-cell" onClick={onClick} data-testid={testId}>
      <span className="dep-cell__version mono">{cell.version ?? '—'}</span>
      {cell.since && (
        <span className="dep-cell__age muted" title={formatTime(cell.since)}>
          {relativeTime(cell.since)}
        </span>
      )}
      {(last || cell.pending > 0 || cell.frozen) && (
        <span className="dep-cell__notes">
          {last && (
            <DeploymentStatusBadge status={last.status} title={`latest: ${last.version} ${last.status}`} />
          )}
          {last && last.version !== cell.version && <span className="mono small">{last.version}</span>}
          {cell.pending > 0 && <span className="dep-pending">+{cell.pending} pending</span>}
          {cell.frozen && (
            <span className="dep-frozen" title={cell.frozen}>
              frozen
            </span>
          )}
        </span>
      )}
    </button>
  );
}

/** One app in one environment: what runs, the actions that make sense there, and its history. */
function CellPanel({
  project,
  matrix,
  app,
  env,
  onClose,
}: {
  project: string;
  matrix: EnvironmentMatrix;
  app: string;
  env: string;
  onClose(): void;
}) {
  const navigate = useNavigate();
  const toast = useToast();
  const user = useUser();
  const row = matrix.apps.find((a) => a.name === app);
  const cell = row?.cells[env];
  const history = useQuery(`deployments:${project}:history:${app}:${env}`, () =>
    listDeployments(project, { app, environment: env, limit: 20 }),
  );
  const running = history.data?.items.some((d) => ACTIVE.has(d.status));
  useInterval(() => void history.reload(), 2000, Boolean(running));
  const [action, setAction] = useState<DeployAction>();
  if (!row || !cell) return null;
  const source = cell.from ? row.cells[cell.from] : undefined;
  const envInfo = matrix.environments.find((e) => e.name === env);
  const base = `/p/${encodeURIComponent(project)}`;
  const hasPast = (history.data?.items ?? []).some(
    (d) => d.status === 'succeeded' && d.version !== cell.version,
  );

  return (
    <section className="card dep-card dep-panel" aria-label={`${app} in ${env}`} data-testid="cell-panel">
      <div className="dep-panel__head">
        <h2 className="card__title">
          {app} in <EnvBadge name={env} color={envInfo?.color} />
        </h2>
        <button type="button" className="btn btn--ghost btn--icon" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      <p className="dep-panel__now">
        {cell.version ? (
          <>
            Runs <strong className="mono">{cell.version}</strong>{' '}
            <span className="muted">since {formatTime(cell.since)}</span>
          </>
        ) : (
          <span className="muted">Nothing deployed here yet.</span>
        )}
        {cell.from ? (
          <span className="muted"> · versions come from {cell.from}</span>
        ) : (
          <span className="muted"> · any pushed version may be deployed here</span>
        )}
      </p>
      <div className="dep-panel__actions">
        {cell.from && (
          <button
            type="button"
            className="btn btn--primary"
            disabled={!source?.version}
            title={source?.version ? undefined : `nothing runs in ${cell.from} yet`}
            onClick={() =>
              cell.from && setAction({ kind: 'promote', app, from: cell.from, environment: env })
            }
          >
            <Icon name="upload" size={13} /> Promote {source?.version ?? ''} from {cell.from}
          </button>
        )}
        <button
          type="button"
          className="btn"
          onClick={() => setAction({ kind: 'deploy', app, environment: env, version: '' })}
        >
          Deploy a version…
        </button>
        <button
          type="button"
          className="btn btn--danger-outline"
          disabled={!hasPast}
          title={hasPast ? undefined : 'no earlier successful version here'}
          onClick={() => setAction({ kind: 'rollback', app, environment: env })}
        >
          <Icon name="refresh" size={13} /> Roll back
        </button>
      </div>
      <ErrorNotice error={history.error} title="Cannot read the history" />
      <table className="table" aria-label={`History of ${app} in ${env}`}>
        <thead>
          <tr>
            <th>When</th>
            <th>Version</th>
            <th>Kind</th>
            <th>Status</th>
            <th>By</th>
            <th className="num">Duration</th>
          </tr>
        </thead>
        <tbody>
          {history.data?.items.length === 0 && <EmptyRow colSpan={6}>No deployment here yet.</EmptyRow>}
          {history.data?.items.map((d) => (
            <tr key={d.id} className="row--link" onClick={() => navigate(`${base}/deployments/${d.id}`)}>
              <td title={formatTime(d.requestedAt)}>
                <Link to={`${base}/deployments/${d.id}`}>{relativeTime(d.requestedAt)}</Link>
              </td>
              <td>
                <VersionFlow from={d.previousVersion} to={d.version} />
              </td>
              <td>
                {KIND_LABELS[d.kind] ?? d.kind}
                {d.sourceEnvironment ? <span className="muted"> from {d.sourceEnvironment}</span> : null}
              </td>
              <td>
                <DeploymentStatusBadge status={d.status} />
              </td>
              <td>{d.requestedBy}</td>
              <td className="num">{formatDuration(d.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {action && (
        <DeployDialog
          project={project}
          action={action}
          current={cell.version}
          sourceVersion={source?.version}
          approval={cell.approval}
          frozen={cell.frozen}
          isAdmin={user.role === 'admin'}
          onClose={() => setAction(undefined)}
          onStarted={(d) => {
            setAction(undefined);
            toast.success(
              d.status === 'waiting-approval' ? 'Waiting for approval' : 'Deployment started',
              `${d.app} ${d.version} to ${d.environment}`,
            );
            invalidate(`deployments:${project}`);
            invalidate(`approvals:${project}`);
            navigate(`${base}/deployments/${d.id}`);
          }}
        />
      )}
    </section>
  );
}
