/** Runtime records of deployments and artifacts. Pure types, no I/O. */

export const DEPLOYMENT_STATUSES = [
  'waiting-approval',
  'queued',
  'running',
  'succeeded',
  'failed',
  'rolled-back',
  'rejected',
  'cancelled',
  'incomplete',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const FINAL_DEPLOYMENT_STATUSES: ReadonlySet<DeploymentStatus> = new Set([
  'succeeded',
  'failed',
  'rolled-back',
  'rejected',
  'cancelled',
  'incomplete',
]);

/** Waiting to run: what the queue and the matrix's pending count hold. */
export const PENDING_STATUSES: DeploymentStatus[] = ['waiting-approval', 'queued'];

export type DeploymentKind = 'deploy' | 'promote' | 'rollback';
export type DeploymentTrigger = 'user' | 'api' | 'auto-deploy' | 'auto-rollback';

export interface ArtifactRef {
  file: string;
  sha256: string;
  size: number;
}

/** One run of the deploy job: a batch of a rolling rollout, or every node at once. */
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
  /** What ran there before (the version a rollback returns to). */
  previousVersion?: string;
  artifact: ArtifactRef;
  kind: DeploymentKind;
  trigger: DeploymentTrigger;
  /** For promotions: the environment the version came from. */
  sourceEnvironment?: string;
  /** For rollbacks: the deployment being undone. */
  rollbackOf?: string;
  /** The automatic rollback that undid this deployment. */
  rolledBackBy?: string;
  requestedBy: string;
  requestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  status: DeploymentStatus;
  message?: string;
  /** An admin deployed through a freeze window. */
  forced?: { by: string; reason: string; window: string };
  executions: DeploymentExecution[];
  health: HealthResult[];
  events: DeploymentEvent[];
}

export interface DeploymentRecord extends Deployment {
  worker?: string;
  heartbeatAt?: string;
}

export interface Artifact {
  project: string;
  app: string;
  version: string;
  file: string;
  size: number;
  sha256: string;
  labels: Record<string, string>;
  uploadedBy: string;
  uploadedAt: string;
}

/** What runs where: one app in one environment. */
export interface DeploymentTarget {
  project: string;
  app: string;
  environment: string;
  currentVersion?: string;
  currentDeploymentId?: string;
  currentSince?: string;
  lastDeploymentId?: string;
  lastVersion?: string;
  lastStatus?: DeploymentStatus;
  lastAt?: string;
  activeId?: string;
}
