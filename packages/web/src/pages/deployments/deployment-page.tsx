import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { logUrl } from '../../api/jobs';
import { useUser } from '../../app/session-context';
import { useToast } from '../../app/toast-context';
import { useProject } from '../../app/use-project';
import { ENVIRONMENT_KIND, useResourceList } from '../../app/use-resources';
import { ApprovalPanel } from '../../components/approval-panel';
import { Badge, EnvBadge } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Delayed } from '../../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../../components/error-notice';
import { Icon } from '../../components/icon';
import { PageHeader } from '../../components/page-header';
import { StateBadge } from '../../components/state-badge';
import { formatDuration, formatTime, relativeTime } from '../../lib/time';
import { useInterval, useNow } from '../../lib/use-interval';
import { invalidate, useQuery } from '../../lib/use-query';
import { type LogFilter, LogViewer, NO_FILTER } from '../../log/log-viewer';
import { useExecutionLog } from '../../log/use-execution-log';
import {
  type Artifact,
  cancelDeployment,
  type Deployment,
  type DeploymentDetail,
  decideDeployment,
  FINAL_DEPLOYMENT_STATUSES,
  getDeployment,
} from './api';
import { DeploymentStatusBadge, KIND_LABELS, TRIGGER_LABELS, VersionFlow } from './common';
import './deployments.css';

/** One view per deployment: the selected batch and the log start afresh on another one. */
export function DeploymentPage() {
  const { id = '' } = useParams();
  return <DeploymentView key={id} id={id} />;
}

function DeploymentView({ id }: { id: string }) {
  const project = useProject();
  const user = useUser();
  const toast = useToast();
  const base = `/p/${encodeURIComponent(project)}`;
  const detail = useQuery(`deployment:${project}:${id}`, () => getDeployment(project, id));
  const envs = useResourceList<{ color?: string }>(ENVIRONMENT_KIND, project);
  const d = detail.data?.deployment;
  const final = d ? FINAL_DEPLOYMENT_STATUSES.has(d.status) : false;
  useInterval(() => void detail.reload(), 1000, Boolean(d) && !final);
  const now = useNow(1000, Boolean(d?.startedAt) && !final);
  const [cancelling, setCancelling] = useState(false);
  const [picked, setPicked] = useState<string>();
  const executions = d?.executions ?? [];
  // The log shown: the batch picked, else the latest one (the running batch while it runs).
  const shown = executions.find((e) => e.id === picked) ?? executions[executions.length - 1];

  if (isForbidden(detail.error)) return <NotAllowed error={detail.error} what={`deployment ${id}`} />;
  if (!d || !detail.data) {
    return (
      <>
        <PageHeader title={`Deployment ${id}`} />
        <ErrorNotice error={detail.error} title="Cannot read this deployment" />
        {!detail.error && (
          <Delayed>
            <span className="spinner" /> Loading…
          </Delayed>
        )}
      </>
    );
  }
  const data = detail.data;
  const elapsed =
    d.durationMs ??
    (d.startedAt ? (d.finishedAt ? Date.parse(d.finishedAt) : now) - Date.parse(d.startedAt) : undefined);
  const refresh = () => {
    void detail.reload();
    invalidate(`deployments:${project}`);
    invalidate(`approvals:${project}`);
  };
  const approvals = data.approvals.map((a) => ({
    ...a,
    summary: a.summary.replace(/ \(deployment [^)]+\)$/, ''),
  }));

  return (
    <>
      <div className="breadcrumbs">
        <Link to={`${base}/deployments`}>Deployments</Link>
        <span className="breadcrumbs__sep">/</span>
        <Link
          to={`${base}/deployments?app=${encodeURIComponent(d.app)}&env=${encodeURIComponent(d.environment)}`}
        >
          {d.app} in {d.environment}
        </Link>
      </div>
      <PageHeader
        title={`${d.app} ${d.version}`}
        subtitle={
          <>
            <span className="mono muted">deployment {d.id}</span>{' '}
            <Badge>{KIND_LABELS[d.kind] ?? d.kind}</Badge>
          </>
        }
        actions={
          (d.status === 'queued' || d.status === 'waiting-approval') && (
            <button type="button" className="btn btn--danger-outline" onClick={() => setCancelling(true)}>
              <Icon name="stop" size={13} /> Cancel
            </button>
          )
        }
      />
      <ErrorNotice error={detail.error} title="Cannot refresh this deployment" />

      <section className="card exec-summary" aria-label="Deployment summary">
        <div className="exec-summary__state" data-testid="deployment-status">
          <DeploymentStatusBadge status={d.status} />
        </div>
        <dl className="exec-facts">
          <div>
            <dt>Environment</dt>
            <dd>
              <EnvBadge
                name={d.environment}
                color={envs.data?.find((e) => e.metadata.name === d.environment)?.spec.color}
              />
              {d.sourceEnvironment && <span className="muted"> from {d.sourceEnvironment}</span>}
            </dd>
          </div>
          <div>
            <dt>Version</dt>
            <dd data-testid="deployment-versions">
              <VersionFlow from={d.previousVersion} to={d.version} />
            </dd>
          </div>
          <div>
            <dt>Requested by</dt>
            <dd>
              <strong>{d.requestedBy}</strong>{' '}
              <span className="muted">{TRIGGER_LABELS[d.trigger] ?? d.trigger}</span>
            </dd>
          </div>
          <div>
            <dt>Requested</dt>
            <dd title={relativeTime(d.requestedAt)}>{formatTime(d.requestedAt)}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd className="strong">{elapsed !== undefined ? formatDuration(elapsed) : '—'}</dd>
          </div>
        </dl>
        {d.message && !['succeeded'].includes(d.status) && (
          <p className="exec-message small" data-testid="deployment-message">
            <Icon name="alert" size={12} /> {d.message}
          </p>
        )}
        {d.forced && (
          <p className="exec-message small">
            <Icon name="lock" size={12} /> Forced through the {d.forced.window} by{' '}
            <strong>{d.forced.by}</strong>: {d.forced.reason}
          </p>
        )}
        {(d.rolledBackBy || d.rollbackOf) && (
          <p className="small">
            {d.rolledBackBy && (
              <>
                Rolled back by{' '}
                <Link to={`${base}/deployments/${d.rolledBackBy}`}>deployment {d.rolledBackBy}</Link>.
              </>
            )}
            {d.rollbackOf && (
              <>
                Rolls back <Link to={`${base}/deployments/${d.rollbackOf}`}>deployment {d.rollbackOf}</Link>.
              </>
            )}
          </p>
        )}
      </section>

      {approvals.length > 0 && (
        <ApprovalPanel
          approvals={approvals}
          me={user.username}
          onDecide={async (decision, comment) => {
            await decideDeployment(project, id, decision, comment);
            toast.success(
              decision === 'approve'
                ? 'Approved: the deployment is queued'
                : 'Rejected: the deployment will not happen',
            );
            refresh();
          }}
        />
      )}

      <div className="dep-columns">
        <VersionsCompared before={data.previousArtifact} after={data.artifact} deployment={d} />
        <FlagChanges detail={data} base={base} />
      </div>

      <section className="card dep-card" aria-label="Batches">
        <h2 className="card__title">Batches</h2>
        <table className="table" aria-label="Batches">
          <thead>
            <tr>
              <th className="num">Batch</th>
              <th>Nodes</th>
              <th>Execution</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {executions.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  {final ? 'No batch ran.' : 'No batch has started yet.'}
                </td>
              </tr>
            )}
            {executions.map((e) => (
              <tr key={e.id} className={shown?.id === e.id ? 'dep-row--shown' : undefined}>
                <td className="num">{e.batch}</td>
                <td className="mono">{e.nodes.join(', ')}</td>
                <td>
                  <Link className="mono" to={`${base}/executions/${e.id}`}>
                    {e.id}
                  </Link>
                </td>
                <td>
                  <StateBadge state={e.state} />
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn--small"
                    onClick={() => setPicked(e.id)}
                    disabled={shown?.id === e.id}
                  >
                    Show log
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {d.health.length > 0 && (
        <section className="card dep-card" aria-label="Health checks">
          <h2 className="card__title">Health checks</h2>
          <table className="table" aria-label="Health checks">
            <thead>
              <tr>
                <th>Time</th>
                <th>URL</th>
                <th>Node</th>
                <th className="num">Attempt</th>
                <th>Result</th>
                <th className="num">Took</th>
              </tr>
            </thead>
            <tbody>
              {d.health.map((h, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: results are an append-only list
                <tr key={i}>
                  <td>{formatTime(h.time)}</td>
                  <td className="mono small">{h.url}</td>
                  <td>{h.node ?? ''}</td>
                  <td className="num">{h.attempt}</td>
                  <td>
                    <Badge tone={h.ok ? 'ok' : 'danger'}>
                      {h.ok ? `ok ${h.status}` : (h.error ?? 'failed')}
                    </Badge>
                  </td>
                  <td className="num">{formatDuration(h.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {shown && (
        <BatchLog
          key={shown.id}
          project={project}
          executionId={shown.id}
          nodes={shown.nodes}
          batch={shown.batch}
        />
      )}

      <section className="card dep-card" aria-label="Timeline">
        <h2 className="card__title">Timeline</h2>
        <ol className="dep-timeline" data-testid="timeline">
          {d.events.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: events are an append-only list
            <li key={i} className={`dep-timeline__item dep-timeline__item--${e.level}`}>
              <span className="dep-timeline__time mono">{formatTime(e.time)}</span>
              <span>{e.message}</span>
            </li>
          ))}
        </ol>
      </section>

      {cancelling && (
        <ConfirmDialog
          title="Cancel this deployment?"
          confirmLabel="Cancel deployment"
          onClose={() => setCancelling(false)}
          onConfirm={async () => {
            await cancelDeployment(project, id);
            toast.info('Deployment cancelled');
            refresh();
          }}
        >
          {d.app} {d.version} will not be deployed to {d.environment}.
        </ConfirmDialog>
      )}
    </>
  );
}

/** The artifact that ran before and the one deployed, side by side; differing labels stand out. */
function VersionsCompared({
  before,
  after,
  deployment,
}: {
  before: Artifact | undefined;
  after: Artifact | undefined;
  deployment: Deployment;
}) {
  const keys = [
    ...new Set([...Object.keys(before?.labels ?? {}), ...Object.keys(after?.labels ?? {})]),
  ].sort();
  const column = (a: Artifact | undefined, version: string | undefined) =>
    a ? (
      <>
        <td className="mono strong">{a.version}</td>
        <td className="mono small" title={a.sha256}>
          {a.sha256.slice(0, 12)}
        </td>
        <td>{formatBytes(a.size)}</td>
        <td title={formatTime(a.uploadedAt)}>
          {relativeTime(a.uploadedAt)} by {a.uploadedBy}
        </td>
      </>
    ) : (
      <td colSpan={4} className="muted">
        {version ? `${version} (artifact deleted)` : 'nothing ran here before'}
      </td>
    );
  return (
    <section className="card dep-card" aria-label="Versions compared">
      <h2 className="card__title">Versions compared</h2>
      <table className="table" aria-label="Versions compared">
        <thead>
          <tr>
            <th />
            <th>Version</th>
            <th>sha256</th>
            <th>Size</th>
            <th>Pushed</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Before</th>
            {column(before, deployment.previousVersion)}
          </tr>
          <tr>
            <th scope="row">After</th>
            {column(after, deployment.version)}
          </tr>
        </tbody>
      </table>
      {keys.length > 0 && (
        <table className="table dep-labels" aria-label="Labels compared">
          <thead>
            <tr>
              <th>Label</th>
              <th>Before</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => {
              const b = before?.labels[k];
              const a = after?.labels[k];
              return (
                <tr key={k} className={a !== b ? 'dep-labels__changed' : undefined}>
                  <td className="mono">{k}</td>
                  <td className="mono">{b ?? ''}</td>
                  <td className="mono">{a ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Deploying and releasing: flags flipped in this environment since the previous deployment. */
function FlagChanges({ detail, base }: { detail: DeploymentDetail; base: string }) {
  const since = detail.previousDeployment;
  return (
    <section className="card dep-card" aria-label="Feature flags changed">
      <h2 className="card__title">Feature flags changed in {detail.deployment.environment}</h2>
      <p className="muted small">
        {since ? (
          <>
            Since the previous deployment (<Link to={`${base}/deployments/${since.id}`}>{since.version}</Link>
            , {formatTime(since.finishedAt)})
            {detail.deployment.finishedAt ? ' until this one ended.' : ' until now.'}
          </>
        ) : (
          'Since the beginning: this is the first deployment here.'
        )}
      </p>
      {detail.flagChangesHidden ? (
        <p className="muted">Your role does not let you read the flags of this environment.</p>
      ) : detail.flagChanges.length === 0 ? (
        <p className="muted" data-testid="flag-changes-none">
          No flag changed.
        </p>
      ) : (
        <table className="table" aria-label="Flag changes">
          <thead>
            <tr>
              <th>When</th>
              <th>Flag</th>
              <th>Change</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {detail.flagChanges.map((f, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: audit entries listed once
              <tr key={i}>
                <td title={formatTime(f.time)}>{relativeTime(f.time)}</td>
                <td className="mono strong">{f.flag}</td>
                <td className="small">
                  {f.action}
                  {f.changes.length > 0 && !['create', 'delete'].includes(f.action) && (
                    <span className="muted">
                      {' '}
                      {f.changes
                        .map((c) => `${c.path.replace(/^spec\.environments\.[^.]+\.?/, '') || 'settings'}`)
                        .join(', ')}
                    </span>
                  )}
                </td>
                <td>{f.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The live log of one batch's execution (Server-Sent Events while it runs). */
function BatchLog({
  project,
  executionId,
  nodes,
  batch,
}: {
  project: string;
  executionId: string;
  nodes: string[];
  batch: number;
}) {
  const log = useExecutionLog(project, executionId);
  const [filter, setFilter] = useState<LogFilter>(NO_FILTER);
  const onFilter = useCallback((next: LogFilter) => setFilter(next), []);
  return (
    <section aria-label="Deployment log" className="dep-log" data-testid="deployment-log">
      <h2 className="section-title">
        Log of batch {batch} ({nodes.join(', ')})
      </h2>
      <LogViewer
        log={log}
        filter={filter}
        onFilter={onFilter}
        steps={[]}
        nodeNames={nodes}
        stepIds={[]}
        downloadHref={logUrl(project, executionId, { format: 'text' })}
      />
    </section>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
