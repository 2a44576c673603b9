/** Shapes of the pont API as the console uses them (the server's OpenAPI is the reference). */

export interface ErrorDetail {
  path?: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  document?: number;
  expected?: string;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

export interface ResourceMetadata {
  name: string;
  project?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface Resource<Spec = Record<string, unknown>> {
  apiVersion: string;
  kind: string;
  metadata: ResourceMetadata;
  spec: Spec;
  status?: Record<string, unknown>;
}

export interface List<T> {
  items: T[];
  continue?: string;
}

export type KindScope = 'project' | 'cluster' | 'both';

export interface KindInfo {
  kind: string;
  plural: string;
  scope: KindScope;
  description: string;
}

export interface EnvironmentSpec {
  order: number;
  protected?: boolean;
  color?: string;
  description?: string;
}

export interface NodeSpec {
  environment: string;
  hostname: string;
  port?: number;
  username?: string;
  executor: 'local' | 'ssh';
  tags?: string[];
  attributes?: Record<string, string>;
  description?: string;
}

export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'deleted';

export interface ApplyResult {
  kind: string;
  project?: string;
  name: string;
  action: ApplyAction;
  resourceVersion?: string;
  changes: FieldChange[];
  after?: Resource;
}

export type RoleName = 'admin' | 'ops' | 'dev' | 'viewer' | 'none';
export const ROLE_NAMES: readonly RoleName[] = ['admin', 'ops', 'dev', 'viewer', 'none'];

export interface WhoAmI {
  type: 'user' | 'token' | 'system';
  name: string;
  username: string;
  role: RoleName;
  groups: string[];
  csrfToken?: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: RoleName;
  groups: string[];
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type TokenType = 'api' | 'client' | 'frontend';

export interface ApiToken {
  id: string;
  name: string;
  type: TokenType;
  role: RoleName;
  owner?: string;
  project?: string;
  environment?: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

export interface CreatedToken extends ApiToken {
  /** The secret value: the server shows it in this answer only. */
  token: string;
}

export interface AuditEvent {
  id: string;
  time: string;
  actor: string;
  actorType: string;
  action: string;
  kind: string;
  project: string;
  name: string;
  environment?: string;
  sourceIp?: string;
  changes: FieldChange[];
  message?: string;
}

export interface AuditPage {
  items: AuditEvent[];
  nextBefore?: string;
}

/** The subset of JSON Schema the server's kind schemas use (TypeBox output). */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

/* ---------- jobs ---------- */

export type OptionType = 'string' | 'number' | 'boolean' | 'enum' | 'secret' | 'date';

/** One option of a Job, as the run form builds its field from it (the server's `JobOption`). */
export interface JobOption {
  name: string;
  label?: string;
  description?: string;
  type?: OptionType;
  required?: boolean;
  default?: string | number | boolean | string[];
  /** Allowed values: enforced (only these) or suggested. */
  values?: string[];
  enforced?: boolean;
  regex?: string;
  multiValued?: boolean;
  delimiter?: string;
  dateFormat?: string;
  secretRef?: { secret: string; key: string };
}

export interface JobStepSpec {
  id: string;
  description?: string;
  exec?: string | string[];
  shell?: boolean;
  script?: { interpreter?: string; body: string; args?: string[] };
  copy?: { file?: string; path?: string; destination: string; mode?: string };
  job?: { name: string; options?: Record<string, string> };
  when?: string;
  onError?: Record<string, unknown>;
  retry?: { count: number; delay?: number | string };
  timeout?: number | string;
}

export interface JobScheduleSpec {
  name: string;
  cron: string;
  timezone?: string;
  environment: string;
  options?: Record<string, unknown>;
  enabled?: boolean;
}

export interface JobSpec {
  description?: string;
  group?: string;
  options?: JobOption[];
  nodes?: { filter?: string; local?: boolean };
  dispatch?: { threadcount?: number; keepgoing?: boolean; rankAttribute?: string; rankOrder?: string };
  strategy?: 'node-first' | 'step-first' | 'parallel';
  steps: JobStepSpec[];
  timeout?: number | string;
  concurrency?: 'allow' | 'queue' | 'forbid';
  schedules?: JobScheduleSpec[];
}

export const EXECUTION_STATES = [
  'queued',
  'waiting-approval',
  'running',
  'succeeded',
  'failed',
  'aborted',
  'timed-out',
  'incomplete',
] as const;
export type ExecutionState = (typeof EXECUTION_STATES)[number];
export const FINAL_STATES: ReadonlySet<string> = new Set([
  'succeeded',
  'failed',
  'aborted',
  'timed-out',
  'incomplete',
]);

export type StepStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'recovered'
  | 'skipped'
  | 'aborted'
  | 'timed-out'
  | 'not-run'
  | 'incomplete';

export interface Execution {
  id: string;
  project: string;
  job?: string;
  type: 'job' | 'adhoc';
  environment: string;
  state: ExecutionState;
  /** Secret option values come back as *****. */
  options: Record<string, string>;
  requestedBy: string;
  trigger: 'user' | 'schedule' | 'job' | 'api' | 'retry';
  schedule?: string;
  parentId?: string;
  attempt: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** For ad-hoc executions: the command. Otherwise why it ended (killed by, rejected by…). */
  message?: string;
  /** node → step id → output name → value */
  outputs: Record<string, Record<string, Record<string, string>>>;
  logLines: number;
}

export interface StepResult {
  node: string;
  stepIndex: number;
  stepId: string;
  status: StepStatus;
  exitCode?: number;
  attempts: number;
  startedAt?: string;
  durationMs?: number;
  message?: string;
  outputs: Record<string, string>;
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

export interface Approval {
  id: string;
  project: string;
  environment: string;
  subjectType: 'execution' | 'flag-change' | 'deployment';
  subjectId: string;
  subjectName: string;
  summary: string;
  requestedBy: string;
  requestedAt: string;
  status: ApprovalStatus;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
}

export interface PlanStep {
  id: string;
  description?: string;
  kind: string;
}

export interface ExecutionDetail {
  execution: Execution;
  steps: StepResult[];
  approvals: Approval[];
  plan: PlanStep[];
}

export interface ExecutionPage {
  items: Execution[];
  nextBefore?: string;
}

export interface JobSummary {
  name: string;
  group?: string;
  description?: string;
  options: number;
  schedules: Array<{
    name: string;
    cron: string;
    environment: string;
    enabled: boolean;
    next: string | null;
  }>;
  lastExecution?: Execution;
}

export type LogStream = 'stdout' | 'stderr' | 'system';

export interface LogLine {
  seq: number;
  time: string;
  node: string;
  step: string;
  stream: LogStream;
  line: string;
}

/** The node of workflow rows (job references) and of system lines. */
export const WORKFLOW_NODE = '-';
