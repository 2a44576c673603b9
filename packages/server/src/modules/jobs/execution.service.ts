import type { Transactor } from '../../db/transactor.js';
import { PontError } from '../../errors/index.js';
import { type Clock, isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { ApprovalService } from '../approvals/index.js';
import type { AuditStore } from '../audit/audit.store.js';
import { type Actor, actorLabel, actorTypeLabel } from '../auth/actor.js';
import type { NodeSpec } from '../core/index.js';
import type { Authorizer } from '../policies/authorizer.js';
import type { Resource } from '../resources/resource.js';
import type { ResourceService } from '../resources/resource.service.js';
import type { SecretBox } from '../secrets/index.js';
import {
  type Execution,
  type ExecutionState,
  FINAL_STATES,
  type LogLine,
  type StepResult,
  type Trigger,
} from './execution.js';
import type { ExecutionQuery, ExecutionRecord, ExecutionStore, LogQuery } from './execution.store.js';
import type { ExecutionEngine } from './execution-engine.js';
import type { JobSpec, Schedule } from './job.js';
import type { LiveEvent, LiveLogs } from './live-logs.js';
import { MASK } from './log-sink.js';
import { filterableNode, selectNodes } from './node-filter.js';
import { type RawOptions, resolveOptions } from './options.js';

export interface ExecutionServiceDeps {
  store: ExecutionStore;
  transactor: Transactor<{ executions: ExecutionStore }>;
  resources: ResourceService;
  authorizer: Authorizer;
  approvals: ApprovalService;
  audit: AuditStore;
  live: LiveLogs;
  secretBox: SecretBox;
  clock: Clock;
  engine: () => ExecutionEngine;
}

export interface ExecutionDetail {
  execution: Execution;
  /** Every node of the run: those with results, and while it has not ended those it will run on. */
  nodes: string[];
  steps: StepResult[];
  approvals: Awaited<ReturnType<ApprovalService['forSubject']>>;
  /** The job's steps as they were frozen for this run: ids and what they do, for the matrix. */
  plan: Array<{ id: string; description?: string; kind: string }>;
}

export interface AdhocRequest {
  environment: string;
  filter?: string;
  command: string;
  shell?: boolean;
  threadcount?: number;
}

export type ExecutionService = ReturnType<typeof createExecutionService>;

export function createExecutionService(deps: ExecutionServiceDeps) {
  const { store, resources, authorizer, approvals, clock, secretBox } = deps;

  /** What readers see: secret option values never leave the server. */
  function present(record: ExecutionRecord): Execution {
    const { definition: _d, sealedOptions, worker: _w, heartbeatAt: _h, ...rest } = record;
    const options = { ...rest.options };
    for (const name of Object.keys(sealedOptions)) options[name] = MASK;
    const execution: Execution = { ...rest, options };
    if (record.type === 'adhoc') {
      const spec = JSON.parse(record.definition) as JobSpec;
      const exec = spec.steps[0]?.exec;
      if (exec !== undefined) execution.command = Array.isArray(exec) ? exec.join(' ') : exec;
      if (spec.nodes?.filter) execution.nodeFilter = spec.nodes.filter;
    }
    return execution;
  }

  async function environmentOf(project: string, name: string): Promise<Resource> {
    const env = await resources.getStored('Environment', project, name);
    if (env) return env;
    const known = (await resources.listStored('Environment', project)).map((e) => e.metadata.name);
    throw new PontError('VALIDATION_FAILED', `environment "${name}" does not exist in project ${project}`, [
      {
        path: 'environment',
        message: `unknown environment "${name}"`,
        expected: known.join(', ') || 'create an Environment first',
      },
    ]);
  }

  async function jobOf(project: string, name: string): Promise<Resource> {
    const job = await resources.getStored('Job', project, name);
    if (!job)
      throw new PontError(
        'NOT_FOUND',
        `job ${name} not found in project ${project}; list jobs with pont get jobs -p ${project}`,
      );
    return job;
  }

  function revealSecret(project: string) {
    return async (ref: { secret: string; key: string }) => {
      const secret = await resources.getStored('Secret', project, ref.secret);
      const sealed = (secret?.spec as { data?: Record<string, string> } | undefined)?.data?.[ref.key];
      return sealed ? secretBox.open(sealed) : undefined;
    };
  }

  /** Checks options and builds the record; secret option values are sealed before storage. */
  async function buildRecord(
    job: Resource,
    input: {
      environment: string;
      options: RawOptions;
      requestedBy: string;
      trigger: Trigger;
      schedule?: string;
      parentId?: string;
    },
  ): Promise<ExecutionRecord> {
    const spec = job.spec as unknown as JobSpec;
    const project = job.metadata.project ?? '';
    const { resolved, problems } = await resolveOptions(spec.options, input.options, revealSecret(project));
    if (problems.length > 0) {
      throw new PontError(
        'VALIDATION_FAILED',
        `invalid options for job ${job.metadata.name}: ${problems.map((p) => p.message).join('; ')}`,
        problems,
      );
    }
    const options: Record<string, string> = {};
    const sealedOptions: Record<string, string> = {};
    for (const [name, value] of Object.entries(resolved.values)) {
      if (resolved.secrets.includes(name)) sealedOptions[name] = secretBox.seal(value);
      else options[name] = value;
    }
    const record: ExecutionRecord = {
      id: newId(),
      project,
      job: job.metadata.name,
      type: 'job',
      environment: input.environment,
      state: 'queued',
      options,
      sealedOptions,
      definition: JSON.stringify(spec),
      requestedBy: input.requestedBy,
      trigger: input.trigger,
      attempt: 1,
      createdAt: isoNow(clock),
      outputs: {},
      logLines: 0,
    };
    if (input.schedule) record.schedule = input.schedule;
    if (input.parentId) record.parentId = input.parentId;
    return record;
  }

  async function auditRun(
    actor: Actor,
    action: string,
    record: ExecutionRecord,
    message: string,
  ): Promise<void> {
    await deps.audit.append({
      id: newId(),
      time: isoNow(clock),
      actor: actorLabel(actor),
      actorType: actorTypeLabel(actor),
      action,
      kind: 'Job',
      project: record.project,
      name: record.job ?? 'adhoc',
      environment: record.environment,
      ...(actor.sourceIp ? { sourceIp: actor.sourceIp } : {}),
      changes: [],
      message,
    });
  }

  /** Queues the record, or parks it for approval when its environment is protected. */
  async function submit(
    actor: Actor,
    record: ExecutionRecord,
    env: Resource,
    what: string,
  ): Promise<Execution> {
    if (env.spec.protected === true) {
      record.state = 'waiting-approval';
      await store.insert(record);
      await approvals.request(actor, {
        project: record.project,
        environment: record.environment,
        subjectType: 'execution',
        subjectId: record.id,
        subjectName: record.job ?? 'adhoc',
        summary: `${what} in ${record.environment} (execution ${record.id})`,
      });
    } else {
      await store.insert(record);
      deps.engine().wake(record);
    }
    await auditRun(
      actor,
      record.type === 'adhoc' ? 'exec' : 'run',
      record,
      `${what}: execution ${record.id} ${record.state}`,
    );
    return present(record);
  }

  async function nodesIn(project: string, environment: string): Promise<Resource[]> {
    return (await resources.listStored('Node', project)).filter(
      (n) => (n.spec as unknown as NodeSpec).environment === environment,
    );
  }

  /** The nodes a job would run on now, in its rank order. */
  async function plannedNodes(project: string, environment: string, spec: JobSpec): Promise<string[]> {
    if (spec.nodes?.local) return ['pont'];
    return selectNodes((await nodesIn(project, environment)).map(filterableNode), spec.nodes?.filter, {
      ...(spec.dispatch?.rankAttribute ? { attribute: spec.dispatch.rankAttribute } : {}),
      ...(spec.dispatch?.rankOrder ? { order: spec.dispatch.rankOrder } : {}),
    }).map((n) => n.name);
  }

  async function readable(actor: Actor, record: ExecutionRecord): Promise<void> {
    await authorizer.require(actor, 'read', {
      kind: 'Job',
      project: record.project,
      name: record.job ?? 'adhoc',
      environment: record.environment,
    });
  }

  async function load(actor: Actor, project: string, id: string): Promise<ExecutionRecord> {
    const record = await store.get(id);
    if (!record || record.project !== project)
      throw new PontError('NOT_FOUND', `execution ${id} not found in project ${project}`);
    await readable(actor, record);
    return record;
  }

  return {
    present,
    buildRecord,

    async run(
      actor: Actor,
      project: string,
      jobName: string,
      input: { environment: string; options?: RawOptions; trigger?: Trigger },
    ): Promise<Execution> {
      const job = await jobOf(project, jobName);
      const env = await environmentOf(project, input.environment);
      await authorizer.require(actor, 'run', {
        kind: 'Job',
        project,
        name: jobName,
        environment: input.environment,
      });
      const spec = job.spec as unknown as JobSpec;
      if (spec.concurrency === 'forbid') {
        const active = await store.active(project, jobName);
        if (active.length > 0) {
          throw new PontError(
            'INVALID_STATE',
            `job ${jobName} is already running (execution ${active[0]?.id}); it says concurrency: forbid`,
            [{ path: 'job', message: 'wait for it to finish, or kill it with pont kill' }],
          );
        }
      }
      const record = await buildRecord(job, {
        environment: input.environment,
        options: input.options ?? {},
        requestedBy: actorLabel(actor),
        trigger: input.trigger ?? (actor.type === 'token' ? 'api' : 'user'),
      });
      return submit(actor, record, env, `run job ${jobName}`);
    },

    /**
     * For other modules (deployments): runs a job on behalf of a request they already authorised
     * and approved, optionally narrowed to some nodes (a rolling batch). Queued at once.
     */
    async runFor(
      actor: Actor,
      project: string,
      jobName: string,
      input: { environment: string; options: RawOptions; nodeFilter?: string; trigger: Trigger },
    ): Promise<Execution> {
      const job = await jobOf(project, jobName);
      await environmentOf(project, input.environment);
      const record = await buildRecord(job, {
        environment: input.environment,
        options: input.options,
        requestedBy: actorLabel(actor),
        trigger: input.trigger,
      });
      if (input.nodeFilter !== undefined) {
        const spec = JSON.parse(record.definition) as JobSpec;
        const own = spec.nodes?.filter?.trim();
        // The batch narrows the job's own filter: both must match.
        spec.nodes = { ...spec.nodes, filter: own ? `${own} ${input.nodeFilter}` : input.nodeFilter };
        record.definition = JSON.stringify(spec);
      }
      await store.insert(record);
      deps.engine().wake(record);
      await auditRun(actor, 'run', record, `run job ${jobName} for ${input.trigger}: execution ${record.id}`);
      return present(record);
    },

    /** The nodes of an environment a job would run on, for planning batches. */
    async nodesFor(project: string, jobName: string, environment: string): Promise<string[]> {
      const job = await jobOf(project, jobName);
      return plannedNodes(project, environment, job.spec as unknown as JobSpec);
    },

    /** An ad-hoc command on the matching nodes, under the `exec` action, node by node. */
    async exec(actor: Actor, project: string, request: AdhocRequest): Promise<Execution> {
      const env = await environmentOf(project, request.environment);
      const nodes = selectNodes(
        (await nodesIn(project, request.environment)).map(filterableNode),
        request.filter,
      );
      if (nodes.length === 0) {
        throw new PontError(
          'VALIDATION_FAILED',
          `no node of environment ${request.environment} matches "${request.filter ?? ''}"`,
          [{ path: 'nodes', message: 'check the filter: pont get nodes lists the nodes with their tags' }],
        );
      }
      for (const node of nodes) {
        await authorizer.require(actor, 'exec', {
          kind: 'Node',
          project,
          name: node.name,
          environment: request.environment,
        });
      }
      const spec: JobSpec = {
        description: 'ad-hoc command',
        nodes: { filter: `name: ${nodes.map((n) => n.name).join(',')}` },
        dispatch: { threadcount: request.threadcount ?? Math.min(nodes.length, 32), keepgoing: true },
        steps: [{ id: 'command', exec: request.command, shell: request.shell ?? true }],
      };
      const record: ExecutionRecord = {
        id: newId(),
        project,
        type: 'adhoc',
        environment: request.environment,
        state: 'queued',
        options: {},
        sealedOptions: {},
        definition: JSON.stringify(spec),
        requestedBy: actorLabel(actor),
        trigger: actor.type === 'token' ? 'api' : 'user',
        attempt: 1,
        createdAt: isoNow(clock),
        outputs: {},
        logLines: 0,
        message: request.command.slice(0, 500),
      };
      return submit(actor, record, env, `run "${request.command.slice(0, 80)}" on ${nodes.length} node(s)`);
    },

    /** A schedule firing: the fire record and the execution are written together, or neither. */
    async fire(
      job: Resource,
      schedule: Schedule,
      fireTime: string,
      missed = false,
    ): Promise<'fired' | 'duplicate'> {
      const record = await buildRecord(job, {
        environment: schedule.environment,
        options: schedule.options ?? {},
        requestedBy: `schedule:${schedule.name}`,
        trigger: 'schedule',
        schedule: schedule.name,
      });
      if (missed) record.message = `missed at ${fireTime} while pont was down; run once at start (runMissed)`;
      const fired = await deps.transactor.run(async ({ executions }) => {
        const fresh = await executions.recordFire({
          project: record.project,
          job: record.job ?? '',
          schedule: schedule.name,
          fireTime,
          executionId: record.id,
        });
        if (fresh) await executions.insert(record);
        return fresh;
      });
      if (fired) deps.engine().wake();
      return fired ? 'fired' : 'duplicate';
    },

    async get(actor: Actor, project: string, id: string): Promise<ExecutionDetail> {
      const record = await load(actor, project, id);
      const spec = JSON.parse(record.definition) as JobSpec;
      const steps = await store.steps(id);
      const nodes = new Set(steps.map((st) => st.node));
      if (!FINAL_STATES.has(record.state)) {
        for (const node of await plannedNodes(project, record.environment, spec).catch(() => []))
          nodes.add(node);
      }
      return {
        execution: present(record),
        nodes: [...nodes],
        steps,
        approvals: await approvals.forSubject('execution', id),
        plan: spec.steps.map((s) => ({
          id: s.id,
          ...(s.description ? { description: s.description } : {}),
          kind: s.exec !== undefined ? 'exec' : s.script ? 'script' : s.copy ? 'copy' : 'job',
        })),
      };
    },

    async list(
      actor: Actor,
      project: string,
      query: ExecutionQuery,
    ): Promise<{ items: Execution[]; nextBefore?: string }> {
      await authorizer.require(actor, 'read', { kind: 'Job', project, name: query.job ?? '*' });
      const limit = Math.min(query.limit ?? 50, 500);
      const records = await store.list({ ...query, project, limit });
      const items = records.map(present);
      const last = items[items.length - 1];
      return items.length === limit && last ? { items, nextBefore: last.id } : { items };
    },

    async logs(
      actor: Actor,
      project: string,
      id: string,
      query: LogQuery,
    ): Promise<{ lines: LogLine[]; state: ExecutionState }> {
      const record = await load(actor, project, id);
      return { lines: await store.logs(id, query), state: record.state };
    },

    /**
     * Streams the log from `from`: stored lines first, then live ones, until the execution ends.
     * Subscribing before reading means no line can fall between the two.
     */
    async follow(
      actor: Actor,
      project: string,
      id: string,
      query: LogQuery,
      emit: (event: LiveEvent) => void,
    ): Promise<() => void> {
      await load(actor, project, id);
      let next = query.from ?? 0;
      let caughtUp = false;
      const early: LiveEvent[] = [];
      const deliver = (event: LiveEvent) => {
        const lines = event.lines.filter(
          (l) =>
            l.seq >= next && (!query.node || l.node === query.node) && (!query.step || l.step === query.step),
        );
        const last = event.lines[event.lines.length - 1];
        if (last && last.seq >= next) next = last.seq + 1;
        if (lines.length > 0 || event.finished)
          emit(event.finished ? { lines, finished: event.finished } : { lines });
      };
      const unsubscribe = deps.live.subscribe(id, (event) => (caughtUp ? deliver(event) : early.push(event)));
      for (;;) {
        const batch = await store.logs(id, { ...query, from: next, limit: 5000 });
        if (batch.length === 0) break;
        const last = batch[batch.length - 1];
        if (last) next = last.seq + 1;
        emit({ lines: batch });
      }
      caughtUp = true;
      for (const event of early) deliver(event);
      const current = await store.get(id);
      if (current && FINAL_STATES.has(current.state) && !early.some((e) => e.finished)) {
        // Finished before we listened: send what is left and the end.
        const rest = await store.logs(id, { ...query, from: next });
        emit({ lines: rest, finished: { state: current.state } });
      }
      return unsubscribe;
    },

    async kill(actor: Actor, project: string, id: string): Promise<Execution> {
      const record = await load(actor, project, id);
      await authorizer.require(actor, 'run', {
        kind: 'Job',
        project,
        name: record.job ?? 'adhoc',
        environment: record.environment,
      });
      if (FINAL_STATES.has(record.state))
        throw new PontError('INVALID_STATE', `execution ${id} already ended: ${record.state}`);
      const by = actorLabel(actor);
      const finishedAt = isoNow(clock);
      const notStarted = await store.update(
        id,
        { state: 'aborted', finishedAt, message: `killed by ${by} before it started` },
        ['queued', 'waiting-approval'],
      );
      if (notStarted) {
        await approvals.cancelFor('execution', id, by);
        deps.live.publish(id, { lines: [], finished: { state: 'aborted' } });
      } else if (!deps.engine().kill(id)) {
        // Running in another process: its heartbeat picks this up.
        await store.update(id, { message: `kill requested by ${by}` }, ['running']);
      }
      await auditRun(actor, 'kill', record, `kill execution ${id}`);
      return present((await store.get(id)) ?? record);
    },

    /** `pont approve EXEC`: decides the pending approval of an execution. */
    async decide(
      actor: Actor,
      project: string,
      id: string,
      decision: 'approved' | 'rejected',
      comment?: string,
    ): Promise<Execution> {
      const record = await load(actor, project, id);
      await approvals.decidePendingFor(actor, 'execution', id, decision, comment, record.state);
      return present((await store.get(id)) ?? record);
    },

    /** The approvals module tells us a decision; the execution moves on or ends. */
    async onDecision(
      approvalSubjectId: string,
      decision: 'approved' | 'rejected',
      by: string,
      comment?: string,
    ): Promise<void> {
      if (decision === 'approved') {
        if (await store.update(approvalSubjectId, { state: 'queued' }, ['waiting-approval']))
          deps.engine().wake();
      } else {
        const finishedAt = isoNow(clock);
        await store.update(
          approvalSubjectId,
          { state: 'aborted', finishedAt, message: `rejected by ${by}${comment ? `: ${comment}` : ''}` },
          ['waiting-approval'],
        );
        deps.live.publish(approvalSubjectId, { lines: [], finished: { state: 'aborted' } });
      }
    },
  };
}
