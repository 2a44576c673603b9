import { request } from '../../api/client';
import type { Approval } from '../../api/types';

/** Types and calls of the deployments API (server: modules/deployments). */

export type DeploymentStatus =
  | 'waiting-approval'
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'rolled-back'
  | 'rejected'
  | 'cancelled'
  | 'incomplete';

export const FINAL_DEPLOYMENT_STATUSES: ReadonlySet<string> = new Set([
  'succeeded',
  'failed',
  'rolled-back',
  'rejected',
  'cancelled',
  'incomplete',
]);

export interface DeploymentExecution {
  id: string;
  batch: number;
  nodes: string[];
  state: string;
  message?: string;
}

export interface HealthResult {
  time: string;
  url: string;
  node?: string;
  attempt: number;
  ok: boolean;
  status?: number;
  error?: string;
  durationMs: number;
}

export interface DeploymentEvent {
  time: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface Deployment {
  id: string;
  project: string;
  app: string;
  environment: string;
  version: string;
  previousVersion?: string;
  artifact: { file: string; sha256: string; size: number };
  kind: 'deploy' | 'promote' | 'rollback';
  trigger: 'user' | 'api' | 'auto-deploy' | 'auto-rollback';
  sourceEnvironment?: string;
  rollbackOf?: string;
  rolledBackBy?: string;
  requestedBy: string;
  requestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  status: DeploymentStatus;
  message?: string;
  forced?: { by: string; reason: string; window: string };
  executions: DeploymentExecution[];
  health: HealthResult[];
  events: DeploymentEvent[];
}

export interface Artifact {
  app: string;
  version: string;
  file: string;
  size: number;
  sha256: string;
  labels: Record<string, string>;
  uploadedBy: string;
  uploadedAt: string;
}

export interface FlagChange {
  time: string;
  flag: string;
  actor: string;
  action: string;
  message?: string;
  changes: Array<{ path: string; before?: unknown; after?: unknown }>;
}

export interface DeploymentDetail {
  deployment: Deployment;
  approvals: Approval[];
  artifact?: Artifact;
  previousArtifact?: Artifact;
  previousDeployment?: Deployment;
  flagChanges: FlagChange[];
  flagChangesHidden?: boolean;
}

export interface MatrixCell {
  version?: string;
  since?: string;
  deploymentId?: string;
  last?: { id: string; version: string; status: DeploymentStatus; at?: string };
  pending: number;
  frozen?: string;
  from: string | null;
  approval: boolean;
}

export interface EnvironmentMatrix {
  environments: Array<{ name: string; order: number; protected: boolean; color?: string; frozen?: string }>;
  apps: Array<{ name: string; description?: string; cells: Record<string, MatrixCell> }>;
}

const enc = encodeURIComponent;
const base = (project: string) => `/api/v1/projects/${enc(project)}`;

export const getMatrix = (project: string) =>
  request<EnvironmentMatrix>(`${base(project)}/environment-matrix`);

export const listDeployments = (
  project: string,
  query: { app?: string; environment?: string; status?: string; before?: string; limit?: number } = {},
) => request<{ items: Deployment[]; nextBefore?: string }>(`${base(project)}/deployments`, { query });

export const getDeployment = (project: string, id: string) =>
  request<DeploymentDetail>(`${base(project)}/deployments/${enc(id)}`);

export const listArtifacts = (project: string, app: string) =>
  request<{ items: Artifact[] }>(`${base(project)}/artifacts`, { query: { app } });

export type DeployAction =
  | { kind: 'deploy'; app: string; environment: string; version: string }
  | { kind: 'promote'; app: string; from: string; environment: string }
  | { kind: 'rollback'; app: string; environment: string };

/** Deploy, promote or roll back; `force` is an admin's reason to break a freeze window. */
export function startDeployment(project: string, action: DeployAction, force?: string): Promise<Deployment> {
  const forced = force ? { force: { reason: force } } : {};
  if (action.kind === 'promote')
    return request<Deployment>(`${base(project)}/deployments/promote`, {
      method: 'POST',
      body: { app: action.app, from: action.from, to: action.environment, ...forced },
    });
  if (action.kind === 'rollback')
    return request<Deployment>(`${base(project)}/deployments/rollback`, {
      method: 'POST',
      body: { app: action.app, environment: action.environment },
    });
  return request<Deployment>(`${base(project)}/deployments`, {
    method: 'POST',
    body: { app: action.app, environment: action.environment, version: action.version, ...forced },
  });
}

export const decideDeployment = (
  project: string,
  id: string,
  decision: 'approve' | 'reject',
  comment: string,
) =>
  request<Deployment>(`${base(project)}/deployments/${enc(id)}/${decision}`, {
    method: 'POST',
    body: comment ? { comment } : {},
  });

export const cancelDeployment = (project: string, id: string) =>
  request<Deployment>(`${base(project)}/deployments/${enc(id)}/cancel`, { method: 'POST', body: {} });
