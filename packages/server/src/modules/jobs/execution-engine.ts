import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { durationMs } from '../../lib/durations.js';
import { newId } from '../../lib/ids.js';
import { sleep } from '../../lib/limiter.js';
import { type Execution, type ExecutionState, WORKFLOW_NODE } from './execution.js';
import type { ExecutionRecord, ExecutionStore } from './execution.store.js';
import type { JobSpec } from './job.js';
import type { LiveLogs } from './live-logs.js';
import { createLogSink } from './log-sink.js';
import { runExecution } from './runner/execution-runner.js';
import type { RunContext, RunnerDeps } from './runner/run-context.js';

/** What an execution needs at start: its frozen spec, revealed values and the values to mask. */
export interface PreparedRun {
  spec: JobSpec;
  options: Record<string, string>;
  env: Record<string, string>;
  secrets: string[];
}

export interface EngineDeps {
  store: ExecutionStore;
  live: LiveLogs;
  clock: Clock;
  logger: Logger;
  runner: Omit<RunnerDeps, 'runChild'>;
  prepare(execution: ExecutionRecord): Promise<PreparedRun>;
  /** Builds a child execution record for a job reference (options checked, secrets sealed). */
  createChild(
    parent: ExecutionRecord,
    job: string,
    options: Record<string, string>,
  ): Promise<ExecutionRecord>;
  /** After a final state: notifications, retention, deployment bookkeeping. */
  onFinished(execution: ExecutionRecord): void;
  onStarted(execution: ExecutionRecord): void;
  /** SQLite has one server process: every running execution at start is an orphan. */
  singleProcess: boolean;
  maxRunning?: number;
  heartbeatMs?: number;
}

export type ExecutionEngine = ReturnType<typeof createExecutionEngine>;

/**
 * Owns the executions this process runs: claims queued ones (oldest first, `queue` jobs one at a
 * time), runs them, keeps a heartbeat, ends them on kill or timeout, and on start marks the
 * executions a crashed process left behind as `incomplete`.
 */
export function createExecutionEngine(deps: EngineDeps) {
  const { store, clock, logger } = deps;
  const workerId = newId();
  const running = new Map<
    string,
    { controller: AbortController; reason?: 'killed' | 'timeout'; done: Promise<void> }
  >();
  const maxRunning = deps.maxRunning ?? 32;
  const heartbeatMs = deps.heartbeatMs ?? 5000;
  let stopped = false;
  /** Records queued by this process, so starting them needs no read back. */
  const recent = new Map<string, ExecutionRecord>();
  let pumping = false;
  let pumpAgain = false;
  let poller: NodeJS.Timeout | undefined;
  const now = () => clock.now().toISOString();

  async function recover(): Promise<void> {
    const stale = new Date(clock.now().getTime() - heartbeatMs * 4).toISOString();
    for (const orphan of await store.running(deps.singleProcess ? undefined : stale)) {
      if (running.has(orphan.id)) continue;
      const message = 'the server stopped while this execution was running; its log holds what ran before';
      const finishedAt = now();
      if (
        await store.update(
          orphan.id,
          { state: 'incomplete', message, finishedAt, ...durationOf(orphan, finishedAt) },
          ['running'],
        )
      ) {
        for (const step of await store.steps(orphan.id)) {
          if (step.status === 'running')
            await store.saveStep({ ...step, status: 'incomplete', message: 'interrupted' });
        }
        logger.warn({ execution: orphan.id }, 'marked incomplete after a restart');
        deps.onFinished({ ...orphan, state: 'incomplete', message, finishedAt });
      }
    }
  }

  function durationOf(e: Execution, finishedAt: string): { durationMs?: number } {
    return e.startedAt ? { durationMs: Date.parse(finishedAt) - Date.parse(e.startedAt) } : {};
  }

  /** Starts as many queued executions as the limits allow; re-entrant calls coalesce. */
  async function pump(): Promise<void> {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        if (stopped) return;
        const free = maxRunning - running.size;
        if (free <= 0) return;
        // A wider window than the free slots lets other jobs pass a `queue` job that must wait.
        const candidates = await store.queued(free * 4 + 10);
        const startedJobs = new Set<string>();
        for (const candidate of candidates) {
          if (running.size >= maxRunning) break;
          if (candidate.job && candidate.concurrency === 'queue') {
            const key = `${candidate.project}/${candidate.job}`;
            if (startedJobs.has(key) || (await store.countRunning(candidate.project, candidate.job)) > 0)
              continue;
            startedJobs.add(key);
          }
          const startedAt = now();
          const claimed = await store.update(
            candidate.id,
            { state: 'running', startedAt, worker: workerId, heartbeatAt: startedAt },
            ['queued'],
          );
          const known = recent.get(candidate.id);
          recent.delete(candidate.id);
          const record = !claimed
            ? undefined
            : known
              ? { ...known, state: 'running' as const, startedAt, worker: workerId, heartbeatAt: startedAt }
              : await store.get(candidate.id);
          if (record) start(record);
        }
      } while (pumpAgain);
    } catch (error) {
      logger.error({ err: error }, 'dispatching executions failed');
    } finally {
      pumping = false;
    }
  }

  function start(execution: ExecutionRecord): { controller: AbortController; done: Promise<void> } {
    const controller = new AbortController();
    // Every node step listens to the execution's signal: fan-out to many nodes is expected.
    setMaxListeners(0, controller.signal);
    const entry: { controller: AbortController; reason?: 'killed' | 'timeout'; done: Promise<void> } = {
      controller,
      done: Promise.resolve(),
    };
    running.set(execution.id, entry);
    entry.done = execute(execution, entry)
      .catch((error) => logger.error({ err: error, execution: execution.id }, 'execution crashed'))
      .finally(() => {
        running.delete(execution.id);
        void pump();
      });
    return entry;
  }

  async function execute(
    execution: ExecutionRecord,
    entry: { controller: AbortController; reason?: 'killed' | 'timeout' },
  ): Promise<void> {
    const log = createLogSink({
      executionId: execution.id,
      store,
      live: deps.live,
      clock,
      secrets: [],
      startSeq: execution.logLines,
      onFlushError: (error) =>
        logger.error({ err: error, execution: execution.id }, 'storing log lines failed'),
    });
    let outcome: { state: ExecutionState; message?: string; outputs: Execution['outputs'] } = {
      state: 'failed',
      outputs: {},
    };
    const heartbeat = setInterval(() => void beat(execution.id, entry), heartbeatMs);
    let timer: NodeJS.Timeout | undefined;
    try {
      const prepared = await deps.prepare(execution);
      log.addSecrets(prepared.secrets);
      const what = execution.type === 'adhoc' ? 'ad-hoc command' : `job ${execution.job}`;
      log.system(
        WORKFLOW_NODE,
        '-',
        `${what} started by ${execution.requestedBy} in ${execution.environment} (${execution.trigger})`,
      );
      deps.onStarted(execution);
      const timeout = durationMs(prepared.spec.timeout);
      if (timeout !== undefined) {
        timer = setTimeout(() => {
          entry.reason = 'timeout';
          log.system(WORKFLOW_NODE, '-', `the job timed out after ${timeout} ms: stopping it`);
          entry.controller.abort();
        }, timeout);
      }
      const tries = 1 + (prepared.spec.retry?.count ?? 0);
      for (let attempt = execution.attempt; ; attempt++) {
        const rc: RunContext = {
          deps: {
            ...deps.runner,
            runChild: (parent, job, options, signal) => runChild(parent, job, options, signal),
          },
          execution: { ...execution, attempt },
          spec: prepared.spec,
          options: prepared.options,
          env: prepared.env,
          log,
          signal: entry.controller.signal,
          stopReason: () => entry.reason,
          saveStep: (result) => store.saveStep(result),
        };
        outcome = await runExecution(rc);
        if (outcome.state !== 'failed' || attempt >= tries || entry.controller.signal.aborted) break;
        const delay = durationMs(prepared.spec.retry?.delay) ?? 0;
        log.system(
          WORKFLOW_NODE,
          '-',
          `execution failed (${outcome.message ?? ''}); retrying the job (attempt ${attempt + 1} of ${tries}) in ${delay} ms`,
        );
        await store.update(execution.id, { attempt: attempt + 1 });
        await sleep(delay, entry.controller.signal);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.system(WORKFLOW_NODE, '-', `error: ${message}`);
      outcome = { state: entry.reason === 'killed' ? 'aborted' : 'failed', message, outputs: {} };
    } finally {
      clearInterval(heartbeat);
      if (timer) clearTimeout(timer);
    }
    log.system(
      WORKFLOW_NODE,
      '-',
      `finished: ${outcome.state}${outcome.message ? ` (${outcome.message})` : ''}`,
    );
    await log.flush();
    const finishedAt = now();
    const final: Partial<ExecutionRecord> = {
      state: outcome.state,
      finishedAt,
      outputs: outcome.outputs,
      logLines: log.count,
      ...durationOf(execution, finishedAt),
      ...(outcome.message ? { message: outcome.message } : {}),
    };
    await store.update(execution.id, final);
    deps.live.publish(execution.id, { lines: [], finished: { state: outcome.state } });
    deps.onFinished({ ...execution, ...final } as ExecutionRecord);
  }

  /** Keeps the execution visibly alive and picks up a kill asked through another process. */
  async function beat(
    id: string,
    entry: { controller: AbortController; reason?: 'killed' | 'timeout' },
  ): Promise<void> {
    try {
      await store.update(id, { heartbeatAt: now() });
      const current = await store.get(id);
      if (current?.message?.startsWith('kill requested') && !entry.controller.signal.aborted) {
        entry.reason = 'killed';
        entry.controller.abort();
      }
    } catch (error) {
      logger.warn({ err: error, execution: id }, 'heartbeat failed');
    }
  }

  async function runChild(
    parent: ExecutionRecord,
    job: string,
    options: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ id: string; state: ExecutionState }> {
    const child = await deps.createChild(parent, job, options);
    const startedAt = now();
    await store.insert({ ...child, state: 'running', startedAt, worker: workerId, heartbeatAt: startedAt });
    // A child runs inline, outside the queue: waiting in the queue behind its parent could deadlock.
    const entry = start({ ...child, state: 'running', startedAt, worker: workerId });
    const forward = () => {
      const own = running.get(child.id);
      if (own) {
        own.reason = 'killed';
        own.controller.abort();
      }
    };
    signal.addEventListener('abort', forward, { once: true });
    await entry.done;
    signal.removeEventListener('abort', forward);
    const final = await store.get(child.id);
    return { id: child.id, state: final?.state ?? 'failed' };
  }

  return {
    workerId,
    async start(): Promise<void> {
      await recover();
      await pump();
      // Other processes (or a restart) may queue work: a slow poll is the safety net for wake().
      poller = setInterval(() => {
        void pump();
        if (!deps.singleProcess) void recover();
      }, 1000);
    },
    /** Something was queued; pass the record when this process wrote it. */
    wake(queued?: ExecutionRecord): void {
      if (queued) {
        if (recent.size > 10_000) recent.clear();
        recent.set(queued.id, queued);
      }
      void pump();
    },
    /** Ends a running execution of this process; false when it runs elsewhere or not at all. */
    kill(id: string): boolean {
      const entry = running.get(id);
      if (!entry) return false;
      entry.reason = 'killed';
      entry.controller.abort();
      return true;
    },
    /** Stops dispatching; running executions get `graceMs` to finish, then are stopped. */
    async stop(graceMs = 10_000): Promise<void> {
      stopped = true;
      if (poller) clearInterval(poller);
      const all = [...running.values()];
      const finished = Promise.all(all.map((e) => e.done));
      const timedOut = await Promise.race([finished.then(() => false), sleep(graceMs).then(() => true)]);
      if (timedOut) {
        for (const entry of running.values()) {
          entry.reason = 'killed';
          entry.controller.abort();
        }
        await finished;
      }
    },
  };
}
