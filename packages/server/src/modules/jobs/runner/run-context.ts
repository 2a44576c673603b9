import type { ExecNode, Executor, NodeSession } from '../../../executors/index.js';
import type { Clock } from '../../../lib/clock.js';
import type { ExecutionState, StepResult } from '../execution.js';
import type { ExecutionRecord, ExecutionStore } from '../execution.store.js';
import type { CopySpec, JobSpec } from '../job.js';
import type { LogSink } from '../log-sink.js';

/** What the runner needs from the rest of pont, passed in so the runner stays testable. */
export interface RunnerDeps {
  store: ExecutionStore;
  clock: Clock;
  executorFor(node: ExecNode): Executor;
  /** The nodes of an environment matching a filter, credentials revealed, ranked. */
  resolveNodes(
    execution: ExecutionRecord,
    filter: string | undefined,
    rank: { attribute?: string; order?: 'ascending' | 'descending' },
  ): Promise<ExecNode[]>;
  /** The pont host itself, for `nodes.local` and jobs of projects without nodes. */
  localNode(): ExecNode;
  /** A copy step's source file on the server and its checksum. */
  fileSource(project: string, copy: CopySpec): Promise<{ path: string; sha256: string; size: number }>;
  /** Runs another job as a child execution and waits for its final state. */
  runChild(
    parent: ExecutionRecord,
    job: string,
    options: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ id: string; state: ExecutionState }>;
  /** Called when a node's host key was trusted on first use, to record it on the node. */
  onHostKeyTrusted(execution: ExecutionRecord, node: string, fingerprint: string): Promise<void>;
}

/** One node's share of an execution: its connection (opened once, reused) and its outputs. */
export interface NodeRun {
  node: ExecNode;
  session(): Promise<NodeSession>;
  outputs: Record<string, Record<string, string>>;
  failed: boolean;
  close(): Promise<void>;
}

export interface RunContext {
  deps: RunnerDeps;
  execution: ExecutionRecord;
  spec: JobSpec;
  /** Option values, secret ones revealed (only ever sent to commands). */
  options: Record<string, string>;
  /** PONT_* variables, options and job secrets: every command gets them. */
  env: Record<string, string>;
  log: LogSink;
  signal: AbortSignal;
  /** Why the execution is being stopped, once it is. */
  stopReason(): 'killed' | 'timeout' | undefined;
  saveStep(result: StepResult): Promise<void>;
}
