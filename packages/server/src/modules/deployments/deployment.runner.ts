import type { Logger } from 'pino';
import { type Clock, isoNow } from '../../lib/clock.js';
import { durationMs } from '../../lib/durations.js';
import { newId } from '../../lib/ids.js';
import { sleep } from '../../lib/limiter.js';
import type { Topic } from '../../lib/topic.js';
import type { Actor } from '../auth/index.js';
import type { NodeSpec } from '../core/index.js';
import type { JobSpec } from '../jobs/index.js';
import type { ResourceService } from '../resources/index.js';
import {
  type AppSpec,
  batchesOf,
  type EffectiveRule,
  type EnvironmentInfo,
  expandTemplate,
  type FreezeWindow,
  ruleFor,
} from './app-spec.js';
import type {
  Deployment,
  DeploymentEvent,
  DeploymentRecord,
  DeploymentStatus,
  HealthResult,
} from './deployment.js';
import type { DeploymentStore } from './deployment.store.js';
import { healthTargets, runHealthCheck } from './health-check.js';

const FINAL_EXECUTION_STATES = new Set(['succeeded', 'failed', 'aborted', 'timed-out', 'incomplete']);

/** What deployments need of the jobs engine. */
export interface JobsPort {
  runFor(
    actor: Actor,
    project: string,
    job: string,
    input: { environment: string; options: Record<string, string>; nodeFilter?: string; trigger: 'deploy' },
  ): Promise<{ id: string; state: string }>;
  nodesFor(project: string, job: string, environment: string): Promise<string[]>;
  execution(id: string): Promise<{ id: string; state: string; message?: string } | undefined>;
  /** Every execution that reached a final state. */
  finished: Topic<{ id: string; state: string; message?: string }>;
}

export interface RunnerDeps {
  store: DeploymentStore;
  jobs: JobsPort;
  resources: ResourceService;
  clock: Clock;
  logger: Logger;
  /** Where the bytes of a project file are on this server (for `${artifact.path}`). */
  filePath(project: string, file: string): string;
  actorFor(requestedBy: string): Actor;
  /** After a success: auto-deploys (returns what it did, for the timeline) and retention. */
  onSucceeded(deployment: DeploymentRecord): Promise<string[]>;
  /** Every change of a deployment, for live followers. */
  updates: Topic<Deployment>;
  /** SQLite means one server process: every running deployment at start is an orphan. */
  singleProcess: boolean;
  heartbeatMs?: number;
  pollMs?: number;
}

export type DeploymentRunner = ReturnType<typeof createDeploymentRunner>;

/**
 * Runs deployments: takes queued ones oldest first, one at a time per app and environment, runs
 * the deploy job batch by batch, checks health, rolls back on failure, and records the outcome.
 */
export function createDeploymentRunner(deps: RunnerDeps) {
  const { store, jobs, resources, clock, logger } = deps;
  const workerId = newId();
  const heartbeatMs = deps.heartbeatMs ?? 5000;
  const active = new Map<string, Promise<void>>();
  const waiters = new Map<string, (e: { state: string; message?: string }) => void>();
  const controller = new AbortController();
  let stopped = false;
  let pumping = false;
  let pumpAgain = false;
  let poller: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const now = () => isoNow(clock);

  class Stopped extends Error {}

  async function save(d: DeploymentRecord, fields: Partial<DeploymentRecord>): Promise<void> {
    Object.assign(d, fields);
    await store.update(d.id, fields);
    deps.updates.publish(strip(d));
  }

  async function event(d: DeploymentRecord, level: DeploymentEvent['level'], message: string): Promise<void> {
    d.events = [...d.events, { time: now(), level, message }];
    await save(d, { events: d.events });
  }

  function strip(d: DeploymentRecord): Deployment {
    const { worker: _w, heartbeatAt: _h, ...rest } = d;
    return rest;
  }

  /** Resolves when the execution reaches a final state (published here, or seen by polling: other replicas). */
  function waitExecution(id: string): Promise<{ state: string; message?: string }> {
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (result: { state: string; message?: string } | Error) => {
        if (done) return;
        done = true;
        waiters.delete(id);
        clearInterval(poll);
        controller.signal.removeEventListener('abort', onAbort);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const check = async () => {
        const e = await jobs.execution(id).catch(() => undefined);
        if (e && FINAL_EXECUTION_STATES.has(e.state))
          finish({ state: e.state, ...(e.message ? { message: e.message } : {}) });
      };
      const onAbort = () => finish(new Stopped('server stopping'));
      waiters.set(id, (e) => finish(e));
      controller.signal.addEventListener('abort', onAbort, { once: true });
      const poll = setInterval(() => void check(), deps.pollMs ?? 2000);
      // It may have ended before we listened.
      void check();
    });
  }

  async function environmentsOf(project: string): Promise<EnvironmentInfo[]> {
    return (await resources.listStored('Environment', project)).map((e) => ({
      name: e.metadata.name,
      order: Number(e.spec.order ?? 0),
      protected: e.spec.protected === true,
      freezeWindows: (e.spec.freezeWindows as FreezeWindow[] | undefined) ?? [],
    }));
  }

  /** Job options: the conventional names get the artifact, then the App's mapping (references expanded) wins. */
  async function optionsFor(
    d: DeploymentRecord,
    spec: AppSpec,
    rule: EffectiveRule,
  ): Promise<Record<string, string>> {
    const values: Record<string, string> = {
      'artifact.version': d.version,
      'artifact.file': d.artifact.file,
      'artifact.sha256': d.artifact.sha256,
      'artifact.size': String(d.artifact.size),
      'artifact.path': deps.filePath(d.project, d.artifact.file),
      app: d.app,
      environment: d.environment,
      'deployment.id': d.id,
    };
    const mapping: Record<string, string> = {};
    const job = await resources.getStored('Job', d.project, spec.deploy.job);
    const declared = new Set(
      ((job?.spec as unknown as JobSpec | undefined)?.options ?? []).map((o) => o.name),
    );
    if (declared.has('version')) mapping.version = '${artifact.version}';
    if (declared.has('artifact')) mapping.artifact = '${artifact.file}';
    else if (declared.has('file')) mapping.file = '${artifact.file}';
    if (declared.has('sha256')) mapping.sha256 = '${artifact.sha256}';
    Object.assign(mapping, rule.options);
    return Object.fromEntries(Object.entries(mapping).map(([k, v]) => [k, expandTemplate(v, values)]));
  }

  /** Installs `d.version` batch by batch; stops at the first failed batch or health check. */
  async function install(d: DeploymentRecord): Promise<{ ok: boolean; failure?: string }> {
    const app = await resources.getStored('App', d.project, d.app);
    if (!app) return { ok: false, failure: `app ${d.app} no longer exists` };
    const spec = app.spec as unknown as AppSpec;
    const rule = ruleFor(spec, d.environment, await environmentsOf(d.project));
    const job = spec.deploy.job;
    const nodes = await jobs.nodesFor(d.project, job, d.environment);
    if (nodes.length === 0)
      return { ok: false, failure: `no node of ${d.environment} matches the nodes of job ${job}` };
    const jobSpec = (await resources.getStored('Job', d.project, job))?.spec as unknown as
      | JobSpec
      | undefined;
    const batches = jobSpec?.nodes?.local ? [nodes] : batchesOf(nodes, rule.rollout);
    const options = await optionsFor(d, spec, rule);
    const pause = durationMs(rule.rollout.pause) ?? 0;
    const rolling = batches.length > 1;
    await event(
      d,
      'info',
      `${rolling ? `rolling out in ${batches.length} batches` : 'deploying all at once'} to ${nodes.join(', ')} with job ${job}`,
    );
    for (const [i, batch] of batches.entries()) {
      if (controller.signal.aborted) throw new Stopped('server stopping');
      const label = rolling
        ? `batch ${i + 1}/${batches.length} (${batch.join(', ')})`
        : `${batch.join(', ')}`;
      const execution = await jobs.runFor(deps.actorFor(d.requestedBy), d.project, job, {
        environment: d.environment,
        options,
        trigger: 'deploy',
        ...(rolling ? { nodeFilter: `name: ${batch.join(',')}` } : {}),
      });
      const entry = { id: execution.id, batch: i + 1, nodes: batch, state: execution.state };
      d.executions = [...d.executions, entry];
      await save(d, { executions: d.executions });
      await event(d, 'info', `${label}: execution ${execution.id} started`);
      const result = await waitExecution(execution.id);
      d.executions = d.executions.map((e) =>
        e.id === execution.id
          ? { ...e, state: result.state, ...(result.message ? { message: result.message } : {}) }
          : e,
      );
      await save(d, { executions: d.executions });
      if (result.state !== 'succeeded') {
        const failure = `${label}: execution ${execution.id} ${result.state}${result.message ? ` (${result.message})` : ''}`;
        return { ok: false, failure };
      }
      await event(d, 'info', `${label}: execution ${execution.id} succeeded`);
      if (rule.healthCheck) {
        const health = await checkHealth(d, rule, rolling ? batch : nodes);
        if (!health.ok) return { ok: false, failure: `${label}: health check failed: ${health.failure}` };
      }
      if (rolling && i < batches.length - 1 && pause > 0) {
        await event(d, 'info', `pausing ${pause} ms before the next batch`);
        await sleep(pause, controller.signal);
      }
    }
    return { ok: true };
  }

  async function checkHealth(
    d: DeploymentRecord,
    rule: EffectiveRule,
    nodeNames: string[],
  ): Promise<{ ok: boolean; failure?: string }> {
    const check = rule.healthCheck;
    if (!check) return { ok: true };
    const nodes: Array<{ name: string; hostname: string }> = [];
    for (const name of nodeNames) {
      const node = await resources.getStored('Node', d.project, name);
      nodes.push({ name, hostname: node ? (node.spec as unknown as NodeSpec).hostname : name });
    }
    const targets = healthTargets(
      check,
      { environment: d.environment, app: d.app, version: d.version },
      nodes,
    );
    await event(
      d,
      'info',
      `health check: ${targets.map((t) => t.url).join(', ')} (expecting ${check.expectedStatus ?? 200})`,
    );
    const outcome = await runHealthCheck(check, targets, {
      clock,
      signal: controller.signal,
      onResult: async (result: HealthResult) => {
        d.health = [...d.health, result];
        await save(d, { health: d.health });
      },
    });
    await event(
      d,
      outcome.ok ? 'info' : 'error',
      outcome.ok ? 'health check passed' : `health check failed: ${outcome.failure}`,
    );
    return outcome;
  }

  /**
   * Ends a deployment. What runs where is recorded first, then follow-ups (auto-deploys) run, and
   * only then the record turns final with them in its timeline: whoever sees it final sees it all.
   */
  async function finish(
    d: DeploymentRecord,
    status: DeploymentStatus,
    message: string,
    followUps?: (final: DeploymentRecord) => Promise<string[]>,
  ): Promise<void> {
    const finishedAt = now();
    const fields: Partial<DeploymentRecord> = {
      status,
      finishedAt,
      message,
      ...(d.startedAt ? { durationMs: Date.parse(finishedAt) - Date.parse(d.startedAt) } : {}),
    };
    const final = { ...d, ...fields };
    await store.recordOutcome(final);
    const notes = followUps
      ? await followUps(final).catch((error) => [`follow-up failed: ${(error as Error).message}`])
      : [];
    d.events = [
      ...d.events,
      { time: finishedAt, level: status === 'succeeded' ? 'info' : 'error', message },
      ...notes.map((note) => ({ time: now(), level: 'info' as const, message: note })),
    ];
    fields.events = d.events;
    await save(d, fields);
  }

  async function execute(d: DeploymentRecord): Promise<void> {
    const heartbeat = setInterval(
      () => void store.update(d.id, { heartbeatAt: now() }).catch(() => undefined),
      heartbeatMs,
    );
    heartbeat.unref();
    try {
      await event(
        d,
        'info',
        `started on ${d.environment}${d.previousVersion ? ` (running ${d.previousVersion})` : ''}`,
      );
      const outcome = await install(d);
      if (outcome.ok) {
        await finish(d, 'succeeded', `${d.app} ${d.version} runs in ${d.environment}`, deps.onSucceeded);
        return;
      }
      const failure = outcome.failure ?? 'failed';
      await event(d, 'error', failure);
      const back = await rollbackVersion(d);
      if (!back) {
        await finish(d, 'failed', failure);
        return;
      }
      await rollBack(d, back, failure);
    } catch (error) {
      if (error instanceof Stopped) return;
      logger.error({ err: error, deployment: d.id }, 'deployment crashed');
      await finish(d, 'failed', `error: ${(error as Error).message}`).catch(() => undefined);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** The version to return to after a failure, when the App allows it and something was changed. */
  async function rollbackVersion(d: DeploymentRecord): Promise<string | undefined> {
    if (d.kind === 'rollback' || d.executions.length === 0) return undefined;
    const app = await resources.getStored('App', d.project, d.app);
    if ((app?.spec as unknown as AppSpec | undefined)?.autoRollback === false) return undefined;
    if (!d.previousVersion || d.previousVersion === d.version) return undefined;
    return d.previousVersion;
  }

  /** Redeploys the previous version at once, under the same lock, and says so on both records. */
  async function rollBack(d: DeploymentRecord, version: string, failure: string): Promise<void> {
    const artifact = await store.artifact(d.project, d.app, version);
    if (!artifact) {
      await finish(d, 'failed', `${failure}; no rollback: the artifact of ${version} is gone`);
      return;
    }
    const startedAt = now();
    const rollback: DeploymentRecord = {
      id: newId(),
      project: d.project,
      app: d.app,
      environment: d.environment,
      version,
      previousVersion: d.version,
      artifact: { file: artifact.file, sha256: artifact.sha256, size: artifact.size },
      kind: 'rollback',
      trigger: 'auto-rollback',
      rollbackOf: d.id,
      requestedBy: 'pont',
      requestedAt: startedAt,
      startedAt,
      status: 'running',
      executions: [],
      health: [],
      events: [
        { time: startedAt, level: 'warn', message: `automatic rollback of deployment ${d.id}: ${failure}` },
      ],
      worker: workerId,
      heartbeatAt: startedAt,
    };
    await store.insert(rollback);
    await store.recordOutcome(rollback);
    await save(d, { rolledBackBy: rollback.id });
    await event(d, 'warn', `rolling back to ${version} automatically (deployment ${rollback.id})`);
    const outcome = await install(rollback);
    if (outcome.ok) {
      await finish(rollback, 'succeeded', `rolled back: ${d.app} ${version} runs in ${d.environment}`);
      await finish(
        d,
        'rolled-back',
        `${failure}; rolled back automatically to ${version} (deployment ${rollback.id})`,
      );
    } else {
      await finish(rollback, 'failed', `rollback failed: ${outcome.failure}`);
      await finish(
        d,
        'failed',
        `${failure}; the automatic rollback to ${version} failed too: ${outcome.failure}`,
      );
    }
  }

  /** Starts what can start: the oldest queued deployment of each app and environment that is free. */
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
        const queued = await store.queued(500);
        const seen = new Set<string>();
        for (const d of queued) {
          const key = `${d.project}/${d.app}/${d.environment}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (!(await store.claim(d.project, d.app, d.environment, d.id))) continue;
          const startedAt = now();
          const claimed = await store.update(
            d.id,
            { status: 'running', startedAt, worker: workerId, heartbeatAt: startedAt },
            ['queued'],
          );
          if (!claimed) {
            await store.release(d.project, d.app, d.environment, d.id);
            continue;
          }
          const record: DeploymentRecord = { ...d, status: 'running', startedAt, worker: workerId };
          await store.recordOutcome(record);
          const done = execute(record)
            .catch((error) => logger.error({ err: error, deployment: d.id }, 'deployment failed to run'))
            .finally(async () => {
              active.delete(d.id);
              if (!stopped) {
                await store.release(d.project, d.app, d.environment, d.id).catch(() => undefined);
                void pump();
              }
            });
          active.set(d.id, done);
        }
      } while (pumpAgain);
    } catch (error) {
      logger.error({ err: error }, 'dispatching deployments failed');
    } finally {
      pumping = false;
    }
  }

  /** Deployments a stopped or crashed process left running end as incomplete, and free their slot. */
  async function recover(): Promise<void> {
    const stale = new Date(clock.now().getTime() - heartbeatMs * 6).toISOString();
    for (const orphan of await store.running(deps.singleProcess ? undefined : stale)) {
      if (active.has(orphan.id)) continue;
      const finishedAt = now();
      const message =
        'the server stopped while this deployment ran; check what runs on the nodes and deploy again';
      const fields = {
        status: 'incomplete' as const,
        finishedAt,
        message,
        events: [...orphan.events, { time: finishedAt, level: 'error' as const, message }],
      };
      if (await store.update(orphan.id, fields, ['running'])) {
        await store.recordOutcome({ ...orphan, ...fields });
        logger.warn({ deployment: orphan.id }, 'deployment marked incomplete after a restart');
      }
      await store.release(orphan.project, orphan.app, orphan.environment, orphan.id);
    }
    for (const t of await store.lockedTargets()) {
      if (!t.activeId || active.has(t.activeId)) continue;
      const holder = await store.get(t.activeId);
      if (holder?.status !== 'running') await store.release(t.project, t.app, t.environment, t.activeId);
    }
  }

  return {
    wake(): void {
      void pump();
    },
    async start(): Promise<void> {
      unsubscribe = jobs.finished.subscribe((e) => waiters.get(e.id)?.(e));
      await recover();
      poller = setInterval(() => {
        void pump();
        if (!deps.singleProcess)
          void recover().catch((error) => logger.warn({ err: error }, 'recovery failed'));
      }, deps.pollMs ?? 2000);
      poller.unref();
      void pump();
    },
    /** Stops dispatching; running deployments stop following (they end as incomplete at the next start). */
    async stop(): Promise<void> {
      stopped = true;
      if (poller) clearInterval(poller);
      controller.abort();
      await Promise.allSettled([...active.values()]);
      unsubscribe?.();
    },
    /** Resolves when nothing runs (tests, benchmarks). */
    async idle(): Promise<void> {
      while (active.size > 0 || pumping) await Promise.allSettled([...active.values(), sleep(5)]);
    },
  };
}
