export type {
  AdhocDefinition,
  Execution,
  ExecutionState,
  LogLine,
  StepResult,
  StepStatus,
} from './execution.js';
export { EXECUTION_STATES, FINAL_STATES } from './execution.js';
export type { ExecutionService } from './execution.service.js';
export type { ExecutionRecord, ExecutionStore } from './execution.store.js';
export type { JobOption, JobSpec, Schedule, Step } from './job.js';
export { checkJobSpec, jobKind } from './job.kind.js';
export { JobSpecSchema } from './job.schema.js';
export { createJobsModule, type JobsModule } from './jobs.module.js';
export { parseNodeFilter, selectNodes } from './node-filter.js';
