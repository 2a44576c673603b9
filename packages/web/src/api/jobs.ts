import { request, withQuery } from './client';
import type {
  Approval,
  ApprovalStatus,
  Execution,
  ExecutionDetail,
  ExecutionPage,
  ExecutionState,
  JobSummary,
  List,
  LogLine,
} from './types';

const enc = encodeURIComponent;
const base = (project: string) => `/api/v1/projects/${enc(project)}`;

export const listJobSummaries = (project: string) =>
  request<List<JobSummary>>(`${base(project)}/job-summaries`);

/** Option values as the run form sends them: text, or a list for multi-valued options. */
export type OptionValues = Record<string, string | string[]>;

export const runJob = (project: string, job: string, environment: string, options: OptionValues) =>
  request<Execution>(`${base(project)}/jobs/${enc(job)}/run`, {
    method: 'POST',
    body: { environment, options },
  });

export const runCommand = (project: string, input: { environment: string; nodes: string; command: string }) =>
  request<Execution>(`${base(project)}/exec`, { method: 'POST', body: input });

export interface ExecutionFilter {
  job?: string;
  state?: ExecutionState | '';
  environment?: string;
  /** ISO time or a duration back from now: 1h, 7d. */
  since?: string;
  before?: string;
  limit?: number;
}

export const listExecutions = (project: string, filter: ExecutionFilter = {}) =>
  request<ExecutionPage>(`${base(project)}/executions`, { query: { ...filter } });

export const getExecution = (project: string, id: string) =>
  request<ExecutionDetail>(`${base(project)}/executions/${enc(id)}`);

export const getLog = (project: string, id: string, query: { from?: number; limit?: number }) =>
  request<{ lines: LogLine[]; state: ExecutionState }>(`${base(project)}/executions/${enc(id)}/log`, {
    query,
  });

export function logUrl(
  project: string,
  id: string,
  query: { format?: 'text'; follow?: boolean; from?: number; node?: string; step?: string } = {},
): string {
  return withQuery(`${base(project)}/executions/${enc(id)}/log`, {
    ...query,
    follow: query.follow ? '1' : undefined,
  });
}

export const killExecution = (project: string, id: string) =>
  request<Execution>(`${base(project)}/executions/${enc(id)}/kill`, { method: 'POST', body: {} });

export const decideExecution = (
  project: string,
  id: string,
  decision: 'approve' | 'reject',
  comment: string,
) =>
  request<Execution>(`${base(project)}/executions/${enc(id)}/${decision}`, {
    method: 'POST',
    body: comment ? { comment } : {},
  });

export const listApprovals = (project: string, status?: ApprovalStatus) =>
  request<List<Approval>>(`${base(project)}/approvals`, { query: { status } });

export const decideApproval = (
  project: string,
  id: string,
  decision: 'approve' | 'reject',
  comment: string,
) =>
  request<Approval>(`${base(project)}/approvals/${enc(id)}/${decision}`, {
    method: 'POST',
    body: comment ? { comment } : {},
  });
