import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { listExecutions, listJobSummaries } from '../api/jobs';
import { getResource } from '../api/resources';
import type { EnvironmentSpec, JobSpec, NodeSpec, Resource } from '../api/types';
import { useToast } from '../app/toast-context';
import { useProject } from '../app/use-project';
import {
  byPromotionOrder,
  ENVIRONMENT_KIND,
  JOB_KIND,
  NODE_KIND,
  useResourceList,
} from '../app/use-resources';
import { Badge, EnvBadge } from '../components/badge';
import { Delayed } from '../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../components/error-notice';
import { Icon } from '../components/icon';
import { PageHeader } from '../components/page-header';
import { StateBadge } from '../components/state-badge';
import { formatDuration, formatTime, relativeTime } from '../lib/time';
import { invalidate, useQuery } from '../lib/use-query';
import { RunForm } from './run-form';

function stepSummary(step: JobSpec['steps'][number]): string {
  if (step.exec !== undefined) return Array.isArray(step.exec) ? step.exec.join(' ') : step.exec;
  if (step.script) return `${step.script.interpreter ?? 'sh'} script`;
  if (step.copy) return `copy ${step.copy.file ?? step.copy.path ?? ''} → ${step.copy.destination}`;
  if (step.job) return `job ${step.job.name}`;
  return '';
}

/** Folder path as breadcrumbs back to the jobs list. */
export function JobBreadcrumbs({ project, group }: { project: string; group?: string | undefined }) {
  return (
    <div className="breadcrumbs">
      <Link to={`/p/${encodeURIComponent(project)}/jobs`}>Jobs</Link>
      {(group ?? '')
        .split('/')
        .filter(Boolean)
        .map((part, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a folder path can repeat a name
          <span key={i}>
            <span className="breadcrumbs__sep">/</span>
            {part}
          </span>
        ))}
    </div>
  );
}

export function JobPage() {
  const project = useProject();
  const { name = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const toast = useToast();
  const base = `/p/${encodeURIComponent(project)}`;

  const job = useQuery(
    `job:${project}:${name}`,
    () => getResource(JOB_KIND, project, name) as Promise<Resource<unknown>> as Promise<Resource<JobSpec>>,
  );
  const envs = useResourceList<EnvironmentSpec>(ENVIRONMENT_KIND, project);
  const nodes = useResourceList<NodeSpec>(NODE_KIND, project);
  const recent = useQuery(`executions:${project}:job=${name}:recent`, () =>
    listExecutions(project, { job: name, limit: 8 }),
  );
  const summaries = useQuery(`job-summaries:${project}`, async () => (await listJobSummaries(project)).items);
  const nextBySchedule = new Map(
    (summaries.data?.find((s) => s.name === name)?.schedules ?? []).map((s) => [s.name, s.next]),
  );

  if (isForbidden(job.error)) return <NotAllowed error={job.error} what={`job ${name}`} />;
  const spec = job.data?.spec;
  const initialOptions: Record<string, string> = {};
  for (const [key, value] of params) if (key.startsWith('opt.')) initialOptions[key.slice(4)] = value;
  const environments = byPromotionOrder(envs.data);

  return (
    <>
      <JobBreadcrumbs project={project} group={spec?.group} />
      <PageHeader
        title={name}
        subtitle={spec?.description ?? (job.data ? 'No description.' : '')}
        actions={
          <>
            <Link className="btn" to={`${base}/activity?job=${encodeURIComponent(name)}`}>
              <Icon name="activity" size={14} /> History
            </Link>
            <Link className="btn" to={`${base}/resources/jobs/${encodeURIComponent(name)}`}>
              <Icon name="edit" size={14} /> Edit YAML
            </Link>
          </>
        }
      />
      <ErrorNotice error={job.error} title={`Cannot read job ${name}`} />
      <div className="job-layout">
        <div className="job-layout__main">
          {spec && envs.data ? (
            <RunForm
              key={`${name}:${job.data?.metadata.resourceVersion ?? ''}`}
              project={project}
              job={name}
              spec={spec}
              environments={environments}
              nodes={nodes.data}
              initialEnvironment={params.get('env') ?? undefined}
              initialOptions={initialOptions}
              onStarted={(execution) => {
                invalidate(`executions:${project}`);
                invalidate(`job-summaries:${project}`);
                if (execution.state === 'waiting-approval') {
                  toast.info(
                    'Waiting for approval',
                    `${execution.environment} is protected: someone else must approve this run.`,
                  );
                }
                navigate(`${base}/executions/${execution.id}`);
              }}
            />
          ) : (
            !job.error && (
              <div className="card run-form">
                <Delayed>
                  <span className="spinner" /> Loading…
                </Delayed>
              </div>
            )
          )}
        </div>
        <aside className="job-layout__side">
          <section className="card side-card" aria-label="Recent runs">
            <h2 className="card__title">Recent runs</h2>
            {recent.data?.items.length === 0 && <p className="muted small">Not run yet.</p>}
            <ul className="recent-runs">
              {(recent.data?.items ?? []).map((e) => (
                <li key={e.id}>
                  <Link to={`${base}/executions/${e.id}`} className="recent-runs__link">
                    <StateBadge state={e.state} />
                    <EnvBadge
                      name={e.environment}
                      color={envs.data?.find((x) => x.metadata.name === e.environment)?.spec.color}
                    />
                    <span className="muted small" title={formatTime(e.createdAt)}>
                      {relativeTime(e.createdAt)}
                    </span>
                    <span className="muted small recent-runs__by">
                      {e.requestedBy}
                      {e.durationMs !== undefined && ` · ${formatDuration(e.durationMs)}`}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          </section>
          {spec && (
            <section className="card side-card" aria-label="About this job">
              <h2 className="card__title">Steps</h2>
              <ol className="step-list">
                {spec.steps.map((step) => (
                  <li key={step.id}>
                    <div>
                      <code className="strong">{step.id}</code>
                      {step.when && (
                        <Badge tone="muted" title={`when ${step.when}`}>
                          when
                        </Badge>
                      )}
                      {step.retry && <Badge tone="muted">retry {step.retry.count}</Badge>}
                      {step.onError && <Badge tone="muted">on error</Badge>}
                    </div>
                    {step.description && <div className="small">{step.description}</div>}
                    <div className="mono small muted step-list__what">{stepSummary(step)}</div>
                  </li>
                ))}
              </ol>
              <dl className="facts">
                <dt>Nodes</dt>
                <dd>
                  {spec.nodes?.local ? 'the pont server' : <code>{spec.nodes?.filter || 'all nodes'}</code>}
                </dd>
                <dt>Strategy</dt>
                <dd>
                  {spec.strategy ?? 'node-first'}
                  {spec.dispatch?.threadcount ? `, ${spec.dispatch.threadcount} at a time` : ''}
                  {spec.dispatch?.keepgoing ? ', keep going' : ''}
                </dd>
                {spec.concurrency && (
                  <>
                    <dt>Concurrency</dt>
                    <dd>{spec.concurrency}</dd>
                  </>
                )}
                {spec.timeout !== undefined && (
                  <>
                    <dt>Timeout</dt>
                    <dd>{typeof spec.timeout === 'number' ? formatDuration(spec.timeout) : spec.timeout}</dd>
                  </>
                )}
              </dl>
              {(spec.schedules ?? []).length > 0 && (
                <>
                  <h2 className="card__title">Schedules</h2>
                  <ul className="schedule-list">
                    {(spec.schedules ?? []).map((s) => {
                      const next = nextBySchedule.get(s.name);
                      return (
                        <li key={s.name} className={s.enabled === false ? 'muted' : ''}>
                          <div>
                            <strong>{s.name}</strong> <code>{s.cron}</code>
                            {s.timezone && <span className="muted small"> {s.timezone}</span>}{' '}
                            <EnvBadge
                              name={s.environment}
                              color={envs.data?.find((x) => x.metadata.name === s.environment)?.spec.color}
                            />
                          </div>
                          <div className="small muted">
                            {s.enabled === false
                              ? 'disabled'
                              : next
                                ? `next ${relativeTime(next)} (${formatTime(next)})`
                                : ''}
                          </div>
                        </li>
                      );
                    })}
                  </ul>
                </>
              )}
            </section>
          )}
        </aside>
      </div>
    </>
  );
}
