import type { Artifact, DeploymentRecord, DeploymentStatus, DeploymentTarget } from './deployment.js';

export interface DeploymentQuery {
  project: string;
  app?: string;
  environment?: string;
  status?: DeploymentStatus;
  /** Only deployments with an id below this (the cursor of the previous page). */
  before?: string;
  limit: number;
}

export interface DeploymentStore {
  insert(deployment: DeploymentRecord): Promise<void>;
  /** Bulk insert of finished records (imports, benchmarks); targets are not touched. */
  insertMany(deployments: DeploymentRecord[]): Promise<void>;
  get(id: string): Promise<DeploymentRecord | undefined>;
  /** Newest first. */
  list(query: DeploymentQuery): Promise<DeploymentRecord[]>;
  /** Updates fields; with `from`, only when the current status is one of them. Returns success. */
  update(id: string, fields: Partial<DeploymentRecord>, from?: DeploymentStatus[]): Promise<boolean>;
  /** Queued deployments, oldest first. */
  queued(limit: number): Promise<DeploymentRecord[]>;
  /** Running deployments whose heartbeat is older than `staleBefore` (or every running one). */
  running(staleBefore?: string): Promise<DeploymentRecord[]>;
  /** Did this version succeed in this environment at least once? */
  succeededIn(project: string, app: string, environment: string, version: string): Promise<boolean>;
  /** The newest succeeded deployment there, optionally of a version other than `notVersion` or before an id. */
  lastSucceeded(
    project: string,
    app: string,
    environment: string,
    options?: { notVersion?: string; before?: string },
  ): Promise<DeploymentRecord | undefined>;
  /** Pending (queued or waiting-approval) deployments per app and environment. */
  pendingCounts(project: string): Promise<Array<{ app: string; environment: string; count: number }>>;
  /** Versions retention must keep: current and rollback targets everywhere, and pending ones. */
  versionsInUse(project: string, app: string): Promise<Set<string>>;

  ensureTarget(project: string, app: string, environment: string): Promise<void>;
  target(project: string, app: string, environment: string): Promise<DeploymentTarget | undefined>;
  targets(project: string): Promise<DeploymentTarget[]>;
  /** Targets some deployment holds (recovery checks the holder still runs). */
  lockedTargets(): Promise<DeploymentTarget[]>;
  /** Takes the one running slot of an app in an environment; false when another deployment holds it. */
  claim(project: string, app: string, environment: string, id: string): Promise<boolean>;
  release(project: string, app: string, environment: string, id: string): Promise<void>;
  /** Records the latest deployment there (running or finished), and on success what runs there now. */
  recordOutcome(deployment: DeploymentRecord): Promise<void>;

  insertArtifact(artifact: Artifact): Promise<boolean>;
  artifact(project: string, app: string, version: string): Promise<Artifact | undefined>;
  /** Newest first. */
  artifacts(project: string, app?: string, limit?: number): Promise<Artifact[]>;
  deleteArtifact(project: string, app: string, version: string): Promise<boolean>;
}
