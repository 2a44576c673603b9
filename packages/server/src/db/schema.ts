import type { ColumnType, Generated } from 'kysely';

/** Timestamps are ISO 8601 UTC strings on both databases so ordering and comparison agree. */
type Iso = string;

export interface ResourcesTable {
  kind: string;
  /** '' for cluster-wide resources (Project, cluster Policy). */
  project: string;
  name: string;
  uid: string;
  api_version: string;
  labels: string;
  spec: string;
  status: string;
  resource_version: number;
  created_at: Iso;
  updated_at: Iso;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  groups: string;
  disabled: number;
  created_at: Iso;
  updated_at: Iso;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Iso;
  expires_at: Iso;
}

export interface TokensTable {
  id: string;
  name: string;
  token_hash: string;
  /** api | client | frontend */
  type: string;
  role: string;
  owner_user_id: string;
  project: string | null;
  environment: string | null;
  created_at: Iso;
  expires_at: Iso | null;
  revoked_at: Iso | null;
  last_used_at: Iso | null;
}

export interface AuditEventsTable {
  id: string;
  time: Iso;
  actor: string;
  actor_type: string;
  action: string;
  kind: string;
  project: string;
  name: string;
  environment: string | null;
  source_ip: string | null;
  diff: string;
  message: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface ApprovalsTable {
  id: string;
  project: string;
  environment: string;
  subject_type: string;
  subject_id: string;
  summary: string;
  requested_by: string;
  requested_at: Iso;
  status: string;
  decided_by: string | null;
  decided_at: Iso | null;
  comment: string | null;
}

export interface ExecutionsTable {
  id: string;
  project: string;
  job: string | null;
  /** job | adhoc */
  type: string;
  environment: string;
  state: string;
  /** Option values as JSON; secret values sealed. */
  options: string;
  /** The job spec (or ad-hoc command) as it was when the run was requested. */
  definition: string;
  requested_by: string;
  /** user | schedule | job | api */
  trigger: string;
  schedule: string | null;
  parent_id: string | null;
  attempt: number;
  created_at: Iso;
  started_at: Iso | null;
  finished_at: Iso | null;
  duration_ms: number | null;
  worker: string | null;
  heartbeat_at: Iso | null;
  message: string | null;
  outputs: string;
  log_lines: number;
  /** allow | queue | forbid, copied from the job at request time (null before migration 0007). */
  concurrency: string | null;
}

export interface ExecutionStepsTable {
  execution_id: string;
  node: string;
  step_index: number;
  step_id: string;
  status: string;
  exit_code: number | null;
  attempts: number;
  started_at: Iso | null;
  duration_ms: number | null;
  message: string | null;
  outputs: string;
}

export interface ExecutionLogsTable {
  execution_id: string;
  seq: number;
  time: Iso;
  node: string;
  step: string;
  stream: string;
  line: string;
}

export interface ScheduleFiresTable {
  project: string;
  job: string;
  schedule: string;
  fire_time: Iso;
  execution_id: string;
}

export interface FilesTable {
  project: string;
  name: string;
  size: number;
  sha256: string;
  uploaded_by: string;
  uploaded_at: Iso;
}

export interface FlagChangesTable {
  id: string;
  project: string;
  flag: string;
  /** JSON list of the environments the change touches. */
  environments: string;
  /** JSON FlagOperation. */
  operation: string;
  summary: string;
  requested_by: string;
  /** JSON snapshot of the requesting actor, who the change is applied as. */
  requester: string;
  requested_at: Iso;
  run_at: Iso | null;
  /** pending-approval | scheduled | applying | applied | rejected | cancelled | failed */
  status: string;
  base_version: string | null;
  finished_at: Iso | null;
  message: string | null;
}

export interface FlagMetricsTable {
  project: string;
  environment: string;
  flag: string;
  app_name: string;
  /** minute | hour */
  period: string;
  bucket: Iso;
  /** '' for the yes/no totals, else a variant name (its count is in yes). */
  variant: string;
  yes: ColumnType<number, number, number>;
  no: ColumnType<number, number, number>;
}

export interface FlagSeenTable {
  project: string;
  environment: string;
  flag: string;
  last_seen_at: Iso;
}

export interface FlagClientsTable {
  project: string;
  environment: string;
  app_name: string;
  instance_id: string;
  sdk_version: string | null;
  /** client | frontend */
  source: string;
  started_at: Iso | null;
  interval_ms: number | null;
  first_seen_at: Iso;
  last_seen_at: Iso;
}

export interface ArtifactsTable {
  project: string;
  app: string;
  version: string;
  /** The project file holding the bytes (what copy steps name). */
  file: string;
  size: ColumnType<number, number, number>;
  sha256: string;
  /** JSON labels given at push (commit, build URL, …). */
  labels: string;
  uploaded_by: string;
  uploaded_at: Iso;
}

export interface DeploymentsTable {
  id: string;
  project: string;
  app: string;
  environment: string;
  version: string;
  previous_version: string | null;
  /** JSON {file, sha256, size}. */
  artifact: string;
  /** deploy | promote | rollback */
  kind: string;
  /** user | api | auto-deploy | auto-rollback */
  trigger: string;
  source_environment: string | null;
  rollback_of: string | null;
  rolled_back_by: string | null;
  requested_by: string;
  requested_at: Iso;
  started_at: Iso | null;
  finished_at: Iso | null;
  duration_ms: number | null;
  status: string;
  message: string | null;
  /** JSON {by, reason} when an admin forced a deployment through a freeze window. */
  forced: string | null;
  /** JSON lists: executions per batch, health check results, timeline events. */
  executions: string;
  health: string;
  events: string;
  worker: string | null;
  heartbeat_at: Iso | null;
}

export interface DeploymentTargetsTable {
  project: string;
  app: string;
  environment: string;
  current_version: string | null;
  current_deployment_id: string | null;
  current_since: Iso | null;
  last_deployment_id: string | null;
  last_version: string | null;
  last_status: string | null;
  last_at: Iso | null;
  active_id: string | null;
}

export interface Database {
  resources: ResourcesTable;
  counters: CountersTable;
  users: UsersTable;
  sessions: SessionsTable;
  tokens: TokensTable;
  audit_events: AuditEventsTable;
  meta: MetaTable;
  approvals: ApprovalsTable;
  executions: ExecutionsTable;
  execution_steps: ExecutionStepsTable;
  execution_logs: ExecutionLogsTable;
  schedule_fires: ScheduleFiresTable;
  files: FilesTable;
  flag_changes: FlagChangesTable;
  flag_metrics: FlagMetricsTable;
  flag_seen: FlagSeenTable;
  flag_clients: FlagClientsTable;
  artifacts: ArtifactsTable;
  deployments: DeploymentsTable;
  deployment_targets: DeploymentTargetsTable;
}

// Re-exported so later tables can use them without importing kysely directly.
export type { ColumnType, Generated };
