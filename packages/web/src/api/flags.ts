import { request } from './client';
import type { Approval, AuditPage, FieldChange, Resource } from './types';

/** Types and calls of the flags management API (server: modules/flags, README "Feature flags"). */

export interface Constraint {
  contextName: string;
  operator: string;
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

export interface Payload {
  type: 'string' | 'json' | 'csv' | 'number';
  value: string;
}

export interface FlagVariant {
  name: string;
  weight?: number;
  weightType?: 'variable' | 'fix';
  stickiness?: string;
  payload?: Payload;
  overrides?: Array<{ contextName: string; values: string[] }>;
}

export interface FlagStrategy {
  name: string;
  title?: string;
  disabled?: boolean;
  parameters?: Record<string, string | number>;
  constraints?: Constraint[];
  segments?: string[];
  variants?: FlagVariant[];
}

export interface FlagEnvironment {
  enabled: boolean;
  strategies?: FlagStrategy[];
  variants?: FlagVariant[];
}

export interface FlagDependency {
  flag: string;
  enabled?: boolean;
  variants?: string[];
}

export interface FlagSpec {
  key?: string;
  description?: string;
  type?: string;
  lifetimeDays?: number;
  stale?: boolean;
  impressionData?: boolean;
  dependencies?: FlagDependency[];
  environments?: Record<string, FlagEnvironment>;
}

export type FlagResource = Resource<FlagSpec>;

export interface SegmentSpec {
  key?: string;
  description?: string;
  constraints: Constraint[];
}

export interface OverviewEnvironment {
  name: string;
  order: number;
  protected: boolean;
  color?: string;
}

export interface OverviewCell {
  enabled: boolean;
  strategies: number;
  variants: number;
  rollout?: number;
  lastSeenAt?: string;
}

export interface OverviewFlag {
  name: string;
  key: string;
  type: string;
  description?: string;
  labels: Record<string, string>;
  createdAt?: string;
  lifetimeDays: number | null;
  stale: boolean;
  lastSeenAt?: string;
  resourceVersion?: string;
  pendingChanges: number;
  environments: Record<string, OverviewCell>;
}

export interface FlagOverview {
  project: string;
  environments: OverviewEnvironment[];
  flags: OverviewFlag[];
}

export type FlagOperation =
  | { type: 'toggle'; environment: string; enabled: boolean }
  | { type: 'set-rollout'; environment: string; percent: number; strategy?: number }
  | { type: 'set-environment'; environment: string; config: FlagEnvironment }
  | { type: 'promote'; from: string; to: string }
  | { type: 'apply'; spec: FlagSpec; labels?: Record<string, string> }
  | { type: 'apply-segment'; spec: SegmentSpec };

export type FlagChangeStatus =
  | 'pending-approval'
  | 'scheduled'
  | 'applying'
  | 'applied'
  | 'rejected'
  | 'cancelled'
  | 'failed';

export const WAITING_STATUSES: readonly FlagChangeStatus[] = ['pending-approval', 'scheduled'];

export interface FlagChange {
  id: string;
  project: string;
  flag: string;
  environments: string[];
  operation: FlagOperation;
  summary: string;
  requestedBy: string;
  requestedAt: string;
  runAt?: string;
  status: FlagChangeStatus;
  baseVersion?: string;
  finishedAt?: string;
  message?: string;
}

export type ChangeStatus = 'applied' | 'unchanged' | 'pending-approval' | 'scheduled' | 'dry-run';

/** What a change did, or would do on a dry run (200), or that it waits for approval (202). */
export interface ChangeOutcome {
  kind: 'Flag' | 'Segment';
  status: ChangeStatus;
  project: string;
  flag: string;
  environments: string[];
  approvalRequired: string[];
  killSwitch: boolean;
  summary: string;
  changes: FieldChange[];
  before?: FlagResource;
  after?: FlagResource;
  resourceVersion?: string;
  change?: FlagChange;
  approvals?: Approval[];
}

export interface EvaluationContext {
  userId?: string;
  sessionId?: string;
  remoteAddress?: string;
  appName?: string;
  environment?: string;
  currentTime?: string;
  properties?: Record<string, string>;
}

export interface Evaluation {
  flag: string;
  key: string;
  environment: string;
  enabled: boolean;
  variant: {
    name: string;
    enabled: boolean;
    payload?: { type: string; value: string };
    feature_enabled: boolean;
  };
  explanation: {
    reason?: { kind: string };
    variantReason?: { source: string; how?: string; override?: string; stickiness?: string };
  };
  text: string;
}

export type MetricPeriod = 'minute' | 'hour';

export interface MetricPoint {
  time: string;
  environment: string;
  yes: number;
  no: number;
  variants: Record<string, number>;
}

export interface FlagMetrics {
  flag: string;
  key: string;
  period: MetricPeriod;
  since: string;
  apps: string[];
  totals: { yes: number; no: number; variants: Record<string, number> };
  items: MetricPoint[];
}

const enc = encodeURIComponent;
const base = (project: string) => `/api/v1/projects/${enc(project)}`;
const flagPath = (project: string, name: string) => `${base(project)}/flags/${enc(name)}`;

export const getOverview = (project: string) => request<FlagOverview>(`${base(project)}/flag-overview`);

export const getFlag = (project: string, name: string) => request<FlagResource>(flagPath(project, name));

export const listSegments = (project: string) =>
  request<{ items: Resource<SegmentSpec>[] }>(`${base(project)}/segments`);

/** Enable or disable: applied at once, or stored for approval in a protected environment (202). */
export const toggleFlag = (project: string, name: string, environment: string, enabled: boolean) =>
  request<ChangeOutcome>(
    `${flagPath(project, name)}/environments/${enc(environment)}/${enabled ? 'enable' : 'disable'}`,
    { method: 'POST', body: {} },
  );

/** The editor's save: one environment's whole configuration, approval-aware. */
export const putEnvironment = (
  project: string,
  name: string,
  environment: string,
  config: FlagEnvironment,
  options: { dryRun?: boolean; ifMatch?: string } = {},
) =>
  request<ChangeOutcome>(`${flagPath(project, name)}/environments/${enc(environment)}`, {
    method: 'PUT',
    body: config,
    ...(options.ifMatch ? { headers: { 'If-Match': `"${options.ifMatch}"` } } : {}),
    query: { dryRun: options.dryRun ? 'true' : undefined },
  });

export const promoteFlag = (project: string, name: string, from: string, to: string, dryRun: boolean) =>
  request<ChangeOutcome>(`${flagPath(project, name)}/promote`, {
    method: 'POST',
    body: { from, to, ...(dryRun ? { dryRun: true } : {}) },
  });

/** Approval-aware apply of whole Flag resources (creation, settings, dependencies). */
export const applyFlags = (project: string, items: FlagResource[], dryRun = false) =>
  request<{ results: ChangeOutcome[] }>(`${base(project)}/flag-changes`, {
    method: 'POST',
    body: { items, ...(dryRun ? { dryRun: true } : {}) },
  });

export const listFlagChanges = (
  project: string,
  query: { status?: readonly FlagChangeStatus[]; flag?: string; limit?: number } = {},
) =>
  request<{ items: FlagChange[] }>(`${base(project)}/flag-changes`, {
    query: { status: query.status?.join(','), flag: query.flag, limit: query.limit },
  });

export const getFlagChange = (project: string, id: string) =>
  request<FlagChange & { approvals: Approval[] }>(`${base(project)}/flag-changes/${enc(id)}`);

export const cancelFlagChange = (project: string, id: string) =>
  request<FlagChange>(`${base(project)}/flag-changes/${enc(id)}/cancel`, { method: 'POST', body: {} });

export const evaluateFlag = (
  project: string,
  name: string,
  input: { environment: string; context: EvaluationContext; spec?: FlagSpec },
  signal?: AbortSignal,
) =>
  request<Evaluation>(`${flagPath(project, name)}/evaluate`, {
    method: 'POST',
    body: input,
    ...(signal ? { signal } : {}),
  });

export const getMetrics = (
  project: string,
  name: string,
  query: { period: MetricPeriod; since: string; environment?: string },
) => request<FlagMetrics>(`${flagPath(project, name)}/metrics`, { query });

export const getHistory = (project: string, name: string, query: { before?: string; limit?: number } = {}) =>
  request<AuditPage>(`${flagPath(project, name)}/history`, { query });
