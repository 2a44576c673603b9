import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { type ExecutionFilter, listExecutions, listJobSummaries } from '../api/jobs';
import {
  type EnvironmentSpec,
  EXECUTION_STATES,
  type Execution,
  type ExecutionState,
  FINAL_STATES,
} from '../api/types';
import { useToast } from '../app/toast-context';
import { useProject } from '../app/use-project';
import { byPromotionOrder, ENVIRONMENT_KIND, useResourceList } from '../app/use-resources';
import { EnvBadge } from '../components/badge';
import { EmptyRow, LoadingRow } from '../components/delayed';
import { DurationChart } from '../components/duration-chart';
import { ErrorNotice, isForbidden, NotAllowed } from '../components/error-notice';
import { Icon } from '../components/icon';
import { LoadMore } from '../components/load-more';
import { PageHeader } from '../components/page-header';
import { SelectFilter, SINCE_OPTIONS } from '../components/select-filter';
import { StateBadge } from '../components/state-badge';
import { adhocCommand } from '../lib/adhoc-commands';
import { runStats } from '../lib/run-stats';
import { formatDuration, formatTime, relativeTime } from '../lib/time';
import { useInterval } from '../lib/use-interval';
import { useQuery } from '../lib/use-query';

const PAGE_SIZE = 50;
// The activity page starts its ranges at an hour.
const SINCE = SINCE_OPTIONS.filter((o) => o[0] !== '15m');

export function ExecutionTitle({ execution }: { execution: Execution }) {
  if (execution.type === 'adhoc') {
    const command = adhocCommand(execution);
    return (
      <span className="exec-title">
        <Icon name="terminal" size={12} />
        {command ? (
          <code className="exec-title__command" title={command}>
            {command}
          </code>
        ) : (
          <span className="muted">ad-hoc command</span>
        )}
      </span>
    );
  }
  return <span className="exec-title strong">{execution.job}</span>;
}

export function ActivityPage() {
  const project = useProject();
  const toast = useToast();
  const navigate = useNavigate();
  const base = `/p/${encodeURIComponent(project)}`;
  const [params, setParams] = useSearchParams();
  const filter: ExecutionFilter = {
    job: params.get('job') ?? '',
    state: (params.get('state') ?? '') as ExecutionState | '',
    environment: params.get('environment') ?? '',
    since: params.get('since') ?? '',
  };
  const key = `executions:${project}:${JSON.stringify(filter)}`;
  const first = useQuery(key, () => listExecutions(project, { ...filter, limit: PAGE_SIZE }));
  const [more, setMore] = useState<{ key: string; items: Execution[]; nextBefore?: string | undefined }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const jobs = useQuery(`job-summaries:${project}`, async () => (await listJobSummaries(project)).items);
  const envs = useResourceList<EnvironmentSpec>(ENVIRONMENT_KIND, project);

  const extra = more?.key === key ? more : undefined;
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const nextBefore = extra ? extra.nextBefore : first.data?.nextBefore;
  const active = items.some((e) => !FINAL_STATES.has(e.state));

  // The chart follows the job filter, else the job run most recently.
  const jobNames = [
    ...new Set([...(jobs.data ?? []).map((j) => j.name), ...(filter.job ? [filter.job] : [])]),
  ].sort();
  const recentJob = [...(jobs.data ?? [])]
    .filter((j) => j.lastExecution)
    .sort((a, b) =>
      (b.lastExecution?.createdAt ?? '').localeCompare(a.lastExecution?.createdAt ?? ''),
    )[0]?.name;
  const [chartChoice, setChartChoice] = useState('');
  const chartJob = filter.job || chartChoice || recentJob || '';
  useEffect(() => {
    if (filter.job) setChartChoice('');
  }, [filter.job]);
  const chart = useQuery(chartJob ? `executions:${project}:chart:${chartJob}` : null, () =>
    listExecutions(project, { job: chartJob, limit: 60 }),
  );
  const stats = runStats(chart.data?.items ?? []);
  useInterval(
    () => {
      void first.reload();
      void chart.reload();
    },
    active ? 3000 : 15_000,
  );

  const setFilter = (name: keyof ExecutionFilter, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const loadMore = async () => {
    if (!nextBefore) return;
    setLoadingMore(true);
    try {
      const page = await listExecutions(project, { ...filter, limit: PAGE_SIZE, before: nextBefore });
      setMore({ key, items: [...(extra?.items ?? []), ...page.items], nextBefore: page.nextBefore });
    } catch (error) {
      toast.error(error, 'Cannot load more executions');
    } finally {
      setLoadingMore(false);
    }
  };

  if (isForbidden(first.error))
    return <NotAllowed error={first.error} what="the executions of this project" />;
  const colorOf = new Map((envs.data ?? []).map((e) => [e.metadata.name, e.spec.color]));

  return (
    <>
      <PageHeader
        title="Activity"
        subtitle="Every execution of the project, newest first: jobs, scheduled runs and commands."
        actions={
          <button type="button" className="btn" onClick={() => void first.reload()}>
            <Icon name="refresh" size={13} /> Refresh
          </button>
        }
      />

      <section className="card chart-card" aria-label="Duration chart">
        <div className="chart-card__head">
          <label className="field field--inline">
            <span>Durations of</span>
            <select
              aria-label="Chart job"
              value={chartJob}
              onChange={(e) =>
                filter.job ? setFilter('job', e.target.value) : setChartChoice(e.target.value)
              }
            >
              {!chartJob && <option value="">choose a job…</option>}
              {jobNames.map((j) => (
                <option key={j} value={j}>
                  {j}
                </option>
              ))}
            </select>
          </label>
          {chartJob && (
            <dl className="stats" data-testid="run-stats">
              <div>
                <dt>Success rate</dt>
                <dd
                  className={stats.successRate !== undefined && stats.successRate < 0.8 ? 'stats--bad' : ''}
                >
                  {stats.successRate === undefined ? '—' : `${Math.round(stats.successRate * 100)} %`}
                </dd>
              </div>
              <div>
                <dt>Runs</dt>
                <dd>
                  {stats.succeeded}/{stats.finished}
                  {stats.runs > stats.finished ? ` (+${stats.runs - stats.finished} active)` : ''}
                </dd>
              </div>
              <div>
                <dt>Median</dt>
                <dd>{formatDuration(stats.median) || '—'}</dd>
              </div>
              <div>
                <dt>p95</dt>
                <dd>{formatDuration(stats.p95) || '—'}</dd>
              </div>
              <div>
                <dt>Last failure</dt>
                <dd>
                  {stats.lastFailure ? (
                    <Link to={`${base}/executions/${stats.lastFailure.id}`}>
                      {relativeTime(stats.lastFailure.createdAt)}
                    </Link>
                  ) : (
                    'none'
                  )}
                </dd>
              </div>
            </dl>
          )}
        </div>
        {chartJob ? (
          <DurationChart
            executions={chart.data?.items ?? []}
            onOpen={(e) => navigate(`${base}/executions/${e.id}`)}
          />
        ) : (
          <p className="muted small">No job has run yet.</p>
        )}
      </section>

      <div className="filters">
        <SelectFilter
          label="Job"
          value={filter.job}
          onChange={(v) => setFilter('job', v)}
          options={jobNames}
          all="all"
        />
        <SelectFilter
          label="State"
          value={filter.state}
          onChange={(v) => setFilter('state', v)}
          options={EXECUTION_STATES}
          all="all"
        />
        <SelectFilter
          label="Environment"
          value={filter.environment}
          onChange={(v) => setFilter('environment', v)}
          options={byPromotionOrder(envs.data).map((e) => e.metadata.name)}
          all="all"
        />
        <SelectFilter
          label="Since"
          value={filter.since}
          onChange={(v) => setFilter('since', v)}
          options={SINCE}
        />
      </div>
      <ErrorNotice error={first.error} title="Cannot list executions" />
      <div className="card">
        <table className="table" aria-label="Executions">
          <thead>
            <tr>
              <th>State</th>
              <th>Job or command</th>
              <th>Environment</th>
              <th>Requested by</th>
              <th>Started</th>
              <th className="num">Duration</th>
              <th>Execution</th>
            </tr>
          </thead>
          <tbody>
            {first.loading && <LoadingRow colSpan={7} />}
            {!first.loading && items.length === 0 && (
              <EmptyRow colSpan={7}>No execution matches these filters.</EmptyRow>
            )}
            {items.map((e) => {
              const href = `${base}/executions/${e.id}`;
              return (
                <tr
                  key={e.id}
                  className="row--link"
                  data-testid="execution-row"
                  onClick={(event) => {
                    if (!(event.target as HTMLElement).closest('a,button')) navigate(href);
                  }}
                >
                  <td>
                    <StateBadge state={e.state} />
                  </td>
                  <td>
                    <ExecutionTitle execution={e} />
                  </td>
                  <td>
                    <EnvBadge name={e.environment} color={colorOf.get(e.environment)} />
                  </td>
                  <td>
                    {e.requestedBy}
                    {e.trigger !== 'user' && (
                      <span className="muted small"> ({e.schedule ?? e.trigger})</span>
                    )}
                  </td>
                  <td className="mono small nowrap" title={relativeTime(e.startedAt ?? e.createdAt)}>
                    {formatTime(e.startedAt ?? e.createdAt)}
                  </td>
                  <td className="num mono small">{formatDuration(e.durationMs)}</td>
                  <td>
                    <Link className="mono small" to={href}>
                      {e.id.slice(-8)}
                    </Link>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <LoadMore
        more={Boolean(nextBefore)}
        loading={loadingMore}
        onLoad={loadMore}
        count={items.length}
        noun="execution"
      />
    </>
  );
}
