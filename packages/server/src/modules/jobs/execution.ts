/** Runtime records of runs: executions, their per-node step results and log lines. */

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

export const FINAL_STATES: ReadonlySet<ExecutionState> = new Set([
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

export type ExecutionType = 'job' | 'adhoc';
export type Trigger = 'user' | 'schedule' | 'job' | 'api' | 'retry' | 'deploy';

/** An ad-hoc command: run once on the matching nodes, outside any job. */
export interface AdhocDefinition {
  command: string;
  shell: boolean;
  filter: string;
  threadcount: number;
  keepgoing: boolean;
}

export interface Execution {
  id: string;
  project: string;
  job?: string;
  type: ExecutionType;
  environment: string;
  state: ExecutionState;
  /** Option values as given; secret ones appear as ***** outside the runner. */
  options: Record<string, string>;
  requestedBy: string;
  trigger: Trigger;
  schedule?: string;
  parentId?: string;
  attempt: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  message?: string;
  /** Ad-hoc executions: the command and the node filter it ran with. */
  command?: string;
  nodeFilter?: string;
  /** node → step id → output name → value */
  outputs: Record<string, Record<string, Record<string, string>>>;
  logLines: number;
}

export interface StepResult {
  executionId: string;
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

export type LogStream = 'stdout' | 'stderr' | 'system';

export interface LogLine {
  seq: number;
  time: string;
  node: string;
  step: string;
  stream: LogStream;
  line: string;
}

/** The node column of steps that run once per execution (job references) and of system lines. */
export const WORKFLOW_NODE = '-';
