import type { Execution, ExecutionState, LogLine, StepResult } from './execution.js';

/** What is stored of an execution besides its public fields. */
export interface ExecutionRecord extends Execution {
  /** JSON: the job spec (or ad-hoc definition) frozen at request time. */
  definition: string;
  /** Sealed values of secret options, by name. */
  sealedOptions: Record<string, string>;
  worker?: string;
  heartbeatAt?: string;
}

export interface QueuedExecution {
  id: string;
  project: string;
  job?: string;
  concurrency: 'allow' | 'queue' | 'forbid';
}

export interface ExecutionQuery {
  project?: string;
  job?: string;
  state?: ExecutionState;
  environment?: string;
  type?: 'job' | 'adhoc';
  /** Only executions with an id below this (the cursor of the previous page). */
  before?: string;
  since?: string;
  limit?: number;
}

export interface LogQuery {
  /** First sequence number to return (0-based). */
  from?: number;
  limit?: number;
  node?: string;
  step?: string;
}

export interface ExecutionStore {
  insert(execution: ExecutionRecord): Promise<void>;
  get(id: string): Promise<ExecutionRecord | undefined>;
  list(query: ExecutionQuery): Promise<ExecutionRecord[]>;
  /** Updates fields; with `from`, only when the current state is one of them. Returns success. */
  update(id: string, fields: Partial<ExecutionRecord>, from?: ExecutionState[]): Promise<boolean>;
  /** Queued executions, oldest first: just what the dispatcher decides on. */
  queued(limit: number): Promise<QueuedExecution[]>;
  countRunning(project: string, job: string): Promise<number>;
  /** Running executions whose heartbeat is older than `staleBefore` (or every running one). */
  running(staleBefore?: string): Promise<ExecutionRecord[]>;
  /** Executions with an active or waiting state of one job. */
  active(project: string, job: string): Promise<ExecutionRecord[]>;

  saveStep(result: StepResult): Promise<void>;
  steps(executionId: string): Promise<StepResult[]>;

  appendLogs(executionId: string, lines: LogLine[]): Promise<void>;
  logs(executionId: string, query: LogQuery): Promise<LogLine[]>;

  /** Records a schedule firing; false when that fire time was already recorded (fired elsewhere). */
  recordFire(fire: {
    project: string;
    job: string;
    schedule: string;
    fireTime: string;
    executionId: string;
  }): Promise<boolean>;
  lastFire(project: string, job: string, schedule: string): Promise<string | undefined>;

  /** Deletes executions with their steps and logs. */
  deleteExecutions(ids: string[]): Promise<void>;
  /** Ids of finished executions of a job (undefined: ad-hoc ones) beyond the newest `keep`, or older than `before`. */
  expired(
    project: string,
    job: string | undefined,
    keep: number | undefined,
    before: string | undefined,
  ): Promise<string[]>;
}
