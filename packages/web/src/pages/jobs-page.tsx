import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { listJobSummaries } from '../api/jobs';
import type { JobSummary } from '../api/types';
import { useProject } from '../app/use-project';
import { Badge } from '../components/badge';
import { EmptyRow, LoadingRow } from '../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../components/error-notice';
import { Icon } from '../components/icon';
import { PageHeader } from '../components/page-header';
import { StateBadge } from '../components/state-badge';
import { plural } from '../lib/format';
import { allJobs, type Folder, folderTree, nextRun } from '../lib/job-tree';
import { formatDuration, formatTime, relativeTime } from '../lib/time';
import { useInterval } from '../lib/use-interval';
import { useQuery } from '../lib/use-query';

const COLLAPSED_KEY = 'pont.jobs.collapsed';

function useCollapsed(project: string) {
  const key = `${COLLAPSED_KEY}.${project}`;
  const [collapsed, setCollapsed] = useState<Set<string>>(() => {
    try {
      return new Set(JSON.parse(localStorage.getItem(key) ?? '[]') as string[]);
    } catch {
      return new Set();
    }
  });
  useEffect(() => {
    try {
      localStorage.setItem(key, JSON.stringify([...collapsed]));
    } catch {
      // Storage refused (private window): folders simply open again next time.
    }
  }, [key, collapsed]);
  const toggle = (path: string) =>
    setCollapsed((set) => {
      const next = new Set(set);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  return { collapsed, toggle };
}

export function JobsPage() {
  const project = useProject();
  const base = `/p/${encodeURIComponent(project)}`;
  const summaries = useQuery(`job-summaries:${project}`, async () => (await listJobSummaries(project)).items);
  useInterval(() => void summaries.reload(), 10_000);
  const { collapsed, toggle } = useCollapsed(project);
  const [search, setSearch] = useState('');
  const navigate = useNavigate();

  const needle = search.trim().toLowerCase();
  const shown = useMemo(
    () =>
      (summaries.data ?? []).filter(
        (j) =>
          !needle ||
          j.name.toLowerCase().includes(needle) ||
          (j.group ?? '').toLowerCase().includes(needle) ||
          (j.description ?? '').toLowerCase().includes(needle),
      ),
    [summaries.data, needle],
  );
  const tree = useMemo(() => folderTree(shown), [shown]);

  if (isForbidden(summaries.error))
    return <NotAllowed error={summaries.error} what="the jobs of this project" />;

  const total = summaries.data?.length ?? 0;
  const failing = (summaries.data ?? []).filter((j) =>
    ['failed', 'timed-out'].includes(j.lastExecution?.state ?? ''),
  ).length;

  const jobRow = (job: JobSummary, depth: number) => {
    const last = job.lastExecution;
    const next = nextRun(job);
    const href = `${base}/jobs/${encodeURIComponent(job.name)}`;
    return (
      <tr
        key={`job:${job.name}`}
        className="row--link"
        data-testid="job-row"
        data-job={job.name}
        onClick={(e) => {
          if (!(e.target as HTMLElement).closest('a,button')) navigate(href);
        }}
      >
        <td style={{ paddingLeft: 12 + depth * 20 }}>
          <div className="job-name">
            <Icon name="play" size={12} />
            <Link className="strong" to={href}>
              {job.name}
            </Link>
          </div>
          {job.description && <div className="muted small job-description">{job.description}</div>}
        </td>
        <td>
          {last ? (
            <div className="last-result">
              <Link to={`${base}/executions/${last.id}`} title={`execution ${last.id}`}>
                <StateBadge state={last.state} />
              </Link>
              <span className="muted small" title={formatTime(last.createdAt)}>
                {relativeTime(last.finishedAt ?? last.createdAt)}
                {last.durationMs !== undefined && ` · ${formatDuration(last.durationMs)}`}
                {` · ${last.environment}`}
              </span>
            </div>
          ) : (
            <span className="muted small">never run</span>
          )}
        </td>
        <td className="small">
          {next?.next ? (
            <span
              title={job.schedules
                .map((s) => `${s.name}: ${s.cron} in ${s.environment}${s.enabled ? '' : ' (disabled)'}`)
                .join('\n')}
            >
              <Icon name="clock" size={12} /> {relativeTime(next.next)}{' '}
              <span className="muted">
                · {next.name} ({next.environment})
              </span>
            </span>
          ) : job.schedules.length > 0 ? (
            <span className="muted">schedules disabled</span>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
        <td className="actions">
          <Link
            className="btn btn--small btn--primary"
            to={href}
            aria-label={`Run ${job.name}`}
            data-testid="run-job"
          >
            <Icon name="play" size={11} /> Run
          </Link>
        </td>
      </tr>
    );
  };

  const folderRows = (folder: Folder, depth: number): ReactNode[] => {
    const rows: ReactNode[] = [];
    for (const sub of folder.folders) {
      // A search shows every match, whatever was folded before.
      const open = Boolean(needle) || !collapsed.has(sub.path);
      const jobs = allJobs(sub);
      const failed = jobs.filter((j) =>
        ['failed', 'timed-out'].includes(j.lastExecution?.state ?? ''),
      ).length;
      rows.push(
        <tr key={`folder:${sub.path}`} className="folder-row" data-testid="folder-row" data-folder={sub.path}>
          <td colSpan={4} style={{ paddingLeft: 8 + depth * 20 }}>
            <button
              type="button"
              className="folder-toggle"
              aria-expanded={open}
              onClick={() => toggle(sub.path)}
            >
              <span className="folder-toggle__caret">{open ? '▾' : '▸'}</span>
              <Icon name={open ? 'folder-open' : 'folder'} size={14} />
              <span className="strong">{sub.name}</span>
              <span className="muted small">{plural(jobs.length, 'job')}</span>
              {failed > 0 && <Badge tone="danger">{failed} failing</Badge>}
            </button>
          </td>
        </tr>,
      );
      if (open) rows.push(...folderRows(sub, depth + 1));
    }
    for (const job of folder.jobs) rows.push(jobRow(job, depth));
    return rows;
  };

  return (
    <>
      <PageHeader
        title="Jobs"
        subtitle={
          summaries.data ? (
            <>
              {plural(total, 'job')}
              {failing > 0 && <Badge tone="danger">{failing} failing</Badge>}
            </>
          ) : (
            'Runbooks: run them in an environment, watch the live log.'
          )
        }
        actions={
          <Link className="btn" to={`${base}/resources/jobs/new`}>
            <Icon name="plus" size={14} /> New job
          </Link>
        }
      />
      <div className="filters">
        <label className="field field--inline">
          <span>Search</span>
          <input
            type="search"
            placeholder="name, folder, description…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <span className="filters__count muted small">
          {needle && summaries.data ? `${plural(shown.length, 'job')} of ${total}` : ''}
        </span>
      </div>
      <ErrorNotice error={summaries.error} title="Cannot list jobs" />
      <div className="card">
        <table className="table table--jobs" aria-label="Jobs">
          <thead>
            <tr>
              <th>Job</th>
              <th>Last result</th>
              <th>Next run</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {summaries.loading && <LoadingRow colSpan={4} />}
            {!summaries.loading && shown.length === 0 && (
              <EmptyRow colSpan={4}>
                {total ? (
                  'No job matches this search.'
                ) : (
                  <>
                    No jobs yet. <Link to={`${base}/resources/jobs/new`}>Write one</Link> or import Rundeck
                    jobs with <code>pont import rundeck FILE</code>.
                  </>
                )}
              </EmptyRow>
            )}
            {folderRows(tree, 0)}
          </tbody>
        </table>
      </div>
    </>
  );
}
