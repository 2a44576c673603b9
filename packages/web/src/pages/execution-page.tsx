import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { decideExecution, getExecution, killExecution, logUrl } from '../api/jobs';
import { type EnvironmentSpec, type Execution, FINAL_STATES, WORKFLOW_NODE } from '../api/types';
import { useUser } from '../app/session-context';
import { useToast } from '../app/toast-context';
import { useProject } from '../app/use-project';
import { ENVIRONMENT_KIND, useResourceList } from '../app/use-resources';
import { ApprovalPanel } from '../components/approval-panel';
import { Badge, EnvBadge } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Delayed } from '../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../components/error-notice';
import { Icon } from '../components/icon';
import { PageHeader } from '../components/page-header';
import { StateBadge } from '../components/state-badge';
import { StepMatrix } from '../components/step-matrix';
import { adhocCommand, outcomeMessage } from '../lib/adhoc-commands';
import { formatDuration, formatTime, relativeTime } from '../lib/time';
import { useInterval, useNow } from '../lib/use-interval';
import { invalidate, useQuery } from '../lib/use-query';
import { type LogFilter, LogViewer, NO_FILTER } from '../log/log-viewer';
import { useExecutionLog } from '../log/use-execution-log';

const MASK = '*****';

function elapsed(execution: Execution, now: number): number | undefined {
  if (execution.durationMs !== undefined) return execution.durationMs;
  if (!execution.startedAt) return undefined;
  return (execution.finishedAt ? Date.parse(execution.finishedAt) : now) - Date.parse(execution.startedAt);
}

const TRIGGERS: Record<string, string> = {
  user: 'by hand',
  api: 'through the API',
  schedule: 'by schedule',
  job: 'by another job',
  retry: 'as a retry',
};

/** "Run again" with the same values; secret ones are not known to the browser and stay empty. */
function runAgainHref(base: string, execution: Execution): string {
  const params = new URLSearchParams({ env: execution.environment });
  for (const [name, value] of Object.entries(execution.options)) {
    if (value !== MASK && value !== '') params.set(`opt.${name}`, value);
  }
  return `${base}/jobs/${encodeURIComponent(execution.job ?? '')}?${params}`;
}

/** One view per execution: filters, scroll position and the log start afresh on another one. */
export function ExecutionPage() {
  const { id = '' } = useParams();
  return <ExecutionView key={id} id={id} />;
}

function ExecutionView({ id }: { id: string }) {
  const project = useProject();
  const user = useUser();
  const toast = useToast();
  const base = `/p/${encodeURIComponent(project)}`;
  const key = `execution:${project}:${id}`;
  const detail = useQuery(key, () => getExecution(project, id));
  const envs = useResourceList<EnvironmentSpec>(ENVIRONMENT_KIND, project);
  const log = useExecutionLog(project, id);
  const [filter, setFilter] = useState<LogFilter>(NO_FILTER);
  const [killing, setKilling] = useState(false);

  const execution = detail.data?.execution;
  const final = execution ? FINAL_STATES.has(execution.state) : false;
  // While it runs, the matrix and header refresh; the log streams on its own, and new lines
  // (a step starting or ending) bring the next refresh forward.
  const running = Boolean(execution) && !final;
  useInterval(() => void detail.reload(), 1000, running);
  const lastReload = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: log.version is the trigger
  useEffect(() => {
    if (!running || Date.now() - lastReload.current < 400) return;
    lastReload.current = Date.now();
    void detail.reload();
  }, [log.version, running]);
  // The log ending is the moment the last results are in.
  const { reload } = detail;
  useEffect(() => {
    if (log.phase === 'ended') void reload();
  }, [log.phase, reload]);
  const now = useNow(1000, Boolean(execution?.startedAt) && !final);

  const onFilter = useCallback((next: LogFilter) => setFilter(next), []);

  if (isForbidden(detail.error)) return <NotAllowed error={detail.error} what={`execution ${id}`} />;
  if (!execution) {
    return (
      <>
        <PageHeader title={`Execution ${id}`} />
        <ErrorNotice error={detail.error} title="Cannot read this execution" />
        {!detail.error && (
          <Delayed>
            <span className="spinner" /> Loading…
          </Delayed>
        )}
      </>
    );
  }

  const { steps, plan, approvals } = detail.data ?? { steps: [], plan: [], approvals: [] };
  const envColor = envs.data?.find((e) => e.metadata.name === execution.environment)?.spec.color;
  const title = execution.type === 'adhoc' ? 'Command' : (execution.job ?? 'Execution');
  const duration = elapsed(execution, now);
  const command = adhocCommand(execution);
  const outcome = outcomeMessage(execution);
  const notStarted = execution.state === 'queued' || execution.state === 'waiting-approval';
  const options = Object.entries(execution.options);
  const outputs = Object.entries(execution.outputs).flatMap(([node, bySteps]) =>
    Object.entries(bySteps).flatMap(([step, values]) =>
      Object.entries(values).map(([name, value]) => ({ node, step, name, value })),
    ),
  );
  const nodeNames = [...new Set(steps.map((s) => s.node))].filter((n) => n !== WORKFLOW_NODE);
  const refresh = () => {
    void detail.reload();
    invalidate(`executions:${project}`);
    invalidate(`job-summaries:${project}`);
    invalidate(`approvals:${project}`);
  };

  return (
    <>
      <div className="breadcrumbs">
        <Link to={`${base}/activity`}>Activity</Link>
        <span className="breadcrumbs__sep">/</span>
        {execution.job ? (
          <Link to={`${base}/jobs/${encodeURIComponent(execution.job)}`}>{execution.job}</Link>
        ) : (
          <Link to={`${base}/commands`}>Commands</Link>
        )}
      </div>
      <PageHeader
        title={title}
        subtitle={
          <>
            <span className="mono muted">execution {execution.id}</span>
            {execution.attempt > 1 && <Badge>attempt {execution.attempt}</Badge>}
          </>
        }
        actions={
          <>
            {!final && (
              <button type="button" className="btn btn--danger-outline" onClick={() => setKilling(true)}>
                <Icon name="stop" size={13} /> {notStarted ? 'Cancel' : 'Kill'}
              </button>
            )}
            {execution.job && (
              <Link className="btn" to={runAgainHref(base, execution)}>
                <Icon name="refresh" size={13} /> Run again
              </Link>
            )}
          </>
        }
      />
      <ErrorNotice error={detail.error} title="Cannot refresh this execution" />

      <section className="card exec-summary" aria-label="Execution summary">
        <div className="exec-summary__state" data-testid="execution-state">
          <StateBadge state={execution.state} />
        </div>
        <dl className="exec-facts">
          <div>
            <dt>Environment</dt>
            <dd>
              <EnvBadge name={execution.environment} color={envColor} />
            </dd>
          </div>
          <div>
            <dt>Requested by</dt>
            <dd>
              <strong>{execution.requestedBy}</strong>{' '}
              <span className="muted">
                {TRIGGERS[execution.trigger] ?? execution.trigger}
                {execution.schedule ? ` (${execution.schedule})` : ''}
              </span>
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd title={relativeTime(execution.createdAt)}>{formatTime(execution.createdAt)}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>
              {execution.startedAt ? formatTime(execution.startedAt) : <span className="muted">not yet</span>}
            </dd>
          </div>
          <div>
            <dt>Finished</dt>
            <dd>
              {final ? (
                formatTime(execution.finishedAt)
              ) : (
                <span className="muted">{notStarted ? 'not yet' : 'running…'}</span>
              )}
            </dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd className="strong" data-testid="execution-duration">
              {duration !== undefined ? formatDuration(duration) : '—'}
            </dd>
          </div>
          {execution.parentId && (
            <div>
              <dt>Called by</dt>
              <dd>
                <Link to={`${base}/executions/${execution.parentId}`} className="mono">
                  {execution.parentId}
                </Link>
              </dd>
            </div>
          )}
        </dl>
        {command && (
          <div className="exec-command">
            <span className="muted small">Command</span>
            <pre className="mono" data-testid="command">
              {command}
            </pre>
          </div>
        )}
        {outcome && (
          <p className="exec-message small">
            <Icon name="alert" size={12} /> {outcome}
          </p>
        )}
        {options.length > 0 && (
          <div className="exec-options">
            {options.map(([name, value]) => (
              <span key={name} className="kv" data-option={name}>
                <span className="kv__key">{name}</span>
                {value === MASK ? (
                  <span className="muted">{MASK}</span>
                ) : (
                  value || <span className="muted">""</span>
                )}
              </span>
            ))}
          </div>
        )}
      </section>

      {approvals.length > 0 && (
        <ApprovalPanel
          approvals={approvals}
          me={user.username}
          onDecide={async (decision, comment) => {
            await decideExecution(project, id, decision, comment);
            toast.success(
              decision === 'approve' ? 'Approved: the run is queued' : 'Rejected: the run will not happen',
            );
            refresh();
          }}
        />
      )}

      <StepMatrix
        plan={plan}
        steps={steps}
        running={!final}
        selected={filter.node && filter.step ? { node: filter.node, step: filter.step } : undefined}
        onSelect={(node, step) =>
          setFilter((f) =>
            f.node === node && f.step === step
              ? { ...f, node: '', step: '' }
              : { ...f, node: node === WORKFLOW_NODE ? '' : node, step },
          )
        }
      />

      {outputs.length > 0 && (
        <section className="card outputs-card" aria-label="Outputs">
          <h2 className="card__title">Outputs</h2>
          <table className="table table--compact">
            <thead>
              <tr>
                <th>Node</th>
                <th>Step</th>
                <th>Name</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              {outputs.map((o) => (
                <tr key={`${o.node}/${o.step}/${o.name}`}>
                  <td>{o.node === WORKFLOW_NODE ? 'workflow' : o.node}</td>
                  <td>
                    <code>{o.step}</code>
                  </td>
                  <td>
                    <code>{o.name}</code>
                  </td>
                  <td className="mono">{o.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <LogViewer
        log={log}
        filter={filter}
        onFilter={onFilter}
        steps={steps}
        nodeNames={nodeNames}
        stepIds={plan.map((p) => p.id)}
        downloadHref={logUrl(project, id, {
          format: 'text',
          ...(filter.node ? { node: filter.node } : {}),
          ...(filter.step ? { step: filter.step } : {}),
        })}
      />

      {killing && (
        <ConfirmDialog
          title={notStarted ? 'Cancel this execution?' : 'Kill this execution?'}
          confirmLabel={notStarted ? 'Cancel execution' : 'Kill'}
          onClose={() => setKilling(false)}
          onConfirm={async () => {
            await killExecution(project, id);
            toast.info(
              notStarted ? 'Execution cancelled' : 'Kill sent',
              notStarted ? undefined : 'SIGTERM now, SIGKILL after the grace period.',
            );
            refresh();
          }}
        >
          {notStarted
            ? 'It has not started; it ends as aborted and will not run.'
            : 'Running commands get SIGTERM, then SIGKILL after a grace period. Steps not yet started will not run.'}
        </ConfirmDialog>
      )}
    </>
  );
}
