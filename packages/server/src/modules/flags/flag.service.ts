// Flag use cases beyond plain apply: toggles, rollouts, promotion and approval-aware applies
// (a protected environment changes only after another user approved), scheduled changes,
// evaluation with explanations, the flags × environments overview, metrics and history.
import {
  buildClientFeatures,
  type Context,
  createEngine,
  type FlagResource,
  type FlagSpec,
  flagKey,
  formatExplanation,
  isStale,
  lifetimeDays,
  normalizedEnvironment,
  type SegmentResource,
  type SegmentSpec,
  segmentIds,
} from '@pont/sdk';
import type { Logger } from 'pino';
import { PontError } from '../../errors/index.js';
import { type Clock, isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Topic } from '../../lib/topic.js';
import type { Approval, ApprovalDecision, ApprovalService } from '../approvals/index.js';
import type { AuditService } from '../audit/index.js';
import { type Actor, actorLabel } from '../auth/index.js';
import type { Authorizer } from '../policies/index.js';
import {
  API_VERSION,
  type ApplyResult,
  type FieldChange,
  type Resource,
  type ResourceService,
} from '../resources/index.js';
import { flagEnvironmentsOf, flagNotFound, segmentChanged, segmentEnvironments } from './flag.kind.js';
import {
  type FlagChange,
  type FlagChangeStatus,
  publicChange,
  type StoredFlagChange,
} from './flag-change.js';
import type { FlagChangeStore } from './flag-change.store.js';
import type { FlagMetricsService } from './flag-metrics.service.js';
import type { MetricPeriod } from './flag-metrics.store.js';
import {
  applyOperation,
  describeOperation,
  environmentsChanged,
  type FlagOperation,
  isKill,
  ROLLOUT_STRATEGIES,
} from './flag-operations.js';

export interface FlagServiceDeps {
  resources: ResourceService;
  authorizer: Authorizer;
  approvals: ApprovalService;
  approvalDecisions: Topic<ApprovalDecision>;
  audit: AuditService;
  changes: FlagChangeStore;
  metrics: FlagMetricsService;
  approvedWrites: WeakSet<object>;
  clock: Clock;
  logger: Logger;
  schedulerIntervalMs: number;
}

export type ChangeStatus = 'applied' | 'unchanged' | 'pending-approval' | 'scheduled' | 'dry-run';

/** What a flag change did or would do. */
export interface ChangeOutcome {
  /** Flag, or Segment for a segment edit (then `flag` is the segment's name). */
  kind: 'Flag' | 'Segment';
  status: ChangeStatus;
  project: string;
  flag: string;
  /** Environments whose configuration changes. */
  environments: string[];
  /** Protected environments among them that wait for an approval. */
  approvalRequired: string[];
  /** True when a protected environment was switched off at once (kill switch). */
  killSwitch: boolean;
  summary: string;
  changes: FieldChange[];
  before?: Resource;
  after?: Resource;
  resourceVersion?: string;
  change?: FlagChange;
  approvals?: Approval[];
}

export interface ChangeOptions {
  dryRun?: boolean;
  /** ISO time: apply then instead of now. */
  at?: string;
  /** The flag's resourceVersion the caller edited (If-Match): a newer flag refuses the change. */
  ifMatch?: string;
}

export type FlagService = ReturnType<typeof createFlagService>;

const asFlag = (r: Resource) => r as unknown as FlagResource;

/** Actor fields worth keeping to apply a change later in the requester's name. */
function snapshot(actor: Actor): Actor {
  const { sourceIp: _ip, ...rest } = actor;
  return rest;
}

export function createFlagService(deps: FlagServiceDeps) {
  const { resources, authorizer, approvals, changes, clock, logger } = deps;
  let schedulerTimer: ReturnType<typeof setInterval> | undefined;
  let unsubscribe: (() => void) | undefined;
  /** Approval decisions being acted on, so tests and shutdown can wait for them. */
  const inFlight = new Set<Promise<unknown>>();

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => {});
    return promise;
  }

  async function protectedSet(project: string, envs: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const env of envs) {
      const environment = await resources.getStored('Environment', project, env);
      if (environment?.spec.protected === true) out.push(env);
    }
    return out;
  }

  async function requireEnvironments(project: string, envs: string[], path: string): Promise<void> {
    for (const env of envs) {
      if (!(await resources.getStored('Environment', project, env))) {
        throw new PontError('NOT_FOUND', `environment ${env} does not exist in project ${project}`, [
          { path, message: `no environment "${env}"` },
        ]);
      }
    }
  }

  function documentOf(
    project: string,
    name: string,
    spec: FlagSpec,
    base: Resource | undefined,
    op: FlagOperation,
  ): Resource {
    const labels = op.type === 'apply' && op.labels ? op.labels : (base?.metadata.labels ?? {});
    const annotations = op.type === 'apply' && op.annotations ? op.annotations : base?.metadata.annotations;
    return {
      apiVersion: API_VERSION,
      kind: 'Flag',
      metadata: {
        project,
        name,
        labels,
        ...(annotations ? { annotations } : {}),
        ...(base?.metadata.resourceVersion ? { resourceVersion: base.metadata.resourceVersion } : {}),
      },
      spec: spec as unknown as Record<string, unknown>,
    };
  }

  function parseAt(at: string | undefined): string | undefined {
    if (at === undefined) return undefined;
    const time = Date.parse(at);
    if (Number.isNaN(time)) {
      throw new PontError('BAD_REQUEST', `invalid time "${at}"`, [
        { path: 'at', message: 'expected an ISO 8601 time' },
      ]);
    }
    return new Date(time).toISOString();
  }

  /**
   * Validates and authorises the change as apply would (a dry run with the caller's rights), then
   * applies it, stores it for approval, or schedules it.
   */
  async function change(
    actor: Actor,
    project: string,
    name: string,
    op: FlagOperation,
    options: ChangeOptions = {},
  ): Promise<ChangeOutcome> {
    if (op.type === 'apply-segment')
      throw new PontError('INTERNAL', 'segment edits go through changeSegment');
    const current = await resources.getStored('Flag', project, name);
    if (!current && op.type !== 'apply') throw flagNotFound(project, name);
    if (options.ifMatch !== undefined && current?.metadata.resourceVersion !== options.ifMatch) {
      throw new PontError(
        'RESOURCE_CONFLICT',
        `flag ${name} changed since you read it (you edited version ${options.ifMatch}, it is now ${current?.metadata.resourceVersion ?? 'gone'}); reload it and redo your change`,
        [{ path: 'headers.if-match', message: `stale resourceVersion ${options.ifMatch}` }],
      );
    }
    await authorizer.require(actor, 'read', { kind: 'Flag', project, name });
    if (op.type === 'promote') await requireEnvironments(project, [op.from, op.to], 'to');
    else if (op.type !== 'apply') await requireEnvironments(project, [op.environment], 'environment');
    const runAt = parseAt(options.at);

    const before = current ? asFlag(current).spec : undefined;
    const afterSpec = applyOperation(before ?? {}, op, name);
    const doc = documentOf(project, name, afterSpec, current, op);
    const touched = current ? environmentsChanged(before, afterSpec) : flagEnvironmentsOf(doc, undefined);

    const protectedEnvs = await protectedSet(project, touched);
    const approvalRequired = protectedEnvs.filter((env) => !isKill(before, afterSpec, env));
    const killSwitch = protectedEnvs.length > 0 && approvalRequired.length === 0;
    const summary = describeOperation(op, name, touched);
    const outcome: ChangeOutcome = {
      kind: 'Flag',
      status: 'dry-run',
      project,
      flag: name,
      environments: touched,
      approvalRequired,
      killSwitch,
      summary,
      changes: [],
    };

    if (!options.dryRun && runAt === undefined && approvalRequired.length === 0) {
      // The common case, a change that applies now: one apply, guard included.
      const [result] = await resources.apply(actor, [doc]);
      if (!result || result.action === 'unchanged') {
        return { ...outcome, status: 'unchanged', approvalRequired: [], killSwitch: false };
      }
      return {
        ...outcome,
        status: 'applied',
        changes: result.changes,
        ...(result.before ? { before: result.before } : {}),
        ...(result.after ? { after: result.after } : {}),
        ...(result.resourceVersion ? { resourceVersion: result.resourceVersion } : {}),
      };
    }

    // Otherwise the same validation and authorization as a real apply (without the guard), then
    // the preview, or a change stored for its approval or its time.
    const draft = documentOf(project, name, afterSpec, current, op);
    deps.approvedWrites.add(draft);
    const [preview] = await resources.apply(actor, [draft], { dryRun: true });
    if (!preview) throw new PontError('INTERNAL', 'dry run returned nothing');
    outcome.changes = preview.changes;
    if (preview.before) outcome.before = preview.before;
    if (preview.after) outcome.after = preview.after;
    if (preview.action === 'unchanged')
      return { ...outcome, status: 'unchanged', approvalRequired: [], killSwitch: false };
    if (options.dryRun) return outcome;

    const baseVersion = op.type === 'apply' ? current?.metadata.resourceVersion : undefined;
    return {
      ...outcome,
      ...(await store(actor, project, name, op, touched, approvalRequired, summary, runAt, baseVersion)),
    };
  }

  /** Stores a change for its approvals (one per protected environment) or its time. */
  async function store(
    actor: Actor,
    project: string,
    name: string,
    op: FlagOperation,
    touched: string[],
    approvalRequired: string[],
    summary: string,
    runAt: string | undefined,
    baseVersion: string | undefined,
  ): Promise<Pick<ChangeOutcome, 'status' | 'change' | 'approvals'>> {
    const stored: StoredFlagChange = {
      id: newId(),
      project,
      flag: name,
      environments: touched,
      operation: op,
      summary: runAt ? `${summary} at ${runAt}` : summary,
      requestedBy: actorLabel(actor),
      requester: snapshot(actor),
      requestedAt: isoNow(clock),
      status: approvalRequired.length > 0 ? 'pending-approval' : 'scheduled',
      ...(runAt ? { runAt } : {}),
      ...(baseVersion ? { baseVersion } : {}),
    };
    await changes.insert(stored);
    const requested: Approval[] = [];
    for (const environment of approvalRequired) {
      requested.push(
        await approvals.request(actor, {
          project,
          environment,
          subjectType: 'flag-change',
          subjectId: stored.id,
          subjectName: name,
          summary: stored.summary,
        }),
      );
    }
    return {
      status: stored.status === 'scheduled' ? 'scheduled' : 'pending-approval',
      change: publicChange(stored),
      approvals: requested,
    };
  }

  /**
   * A Segment edit: applied at once, unless flags enabled in a protected environment use it; then it
   * waits for approval there like a flag change.
   */
  async function changeSegment(
    actor: Actor,
    project: string,
    doc: Resource,
    options: { dryRun?: boolean },
  ): Promise<ChangeOutcome> {
    const name = doc.metadata.name;
    const current = await resources.getStored('Segment', project, name);
    const used = segmentChanged(current, doc)
      ? segmentEnvironments(await resources.listStored('Flag', project), name)
      : [];
    const approvalRequired = await protectedSet(project, used);
    const outcome: ChangeOutcome = {
      kind: 'Segment',
      status: 'dry-run',
      project,
      flag: name,
      environments: used,
      approvalRequired,
      killSwitch: false,
      summary: approvalRequired.length
        ? describeOperation({ type: 'apply-segment', spec: doc.spec as unknown as SegmentSpec }, name, used)
        : `apply segment ${name}`,
      changes: [],
    };
    if (approvalRequired.length > 0) deps.approvedWrites.add(doc);
    const dryRun = options.dryRun === true || approvalRequired.length > 0;
    const [result] = await resources.apply(actor, [doc], { dryRun });
    if (!result) throw new PontError('INTERNAL', 'apply returned nothing');
    outcome.changes = result.changes;
    if (result.before) outcome.before = result.before;
    if (result.after) outcome.after = result.after;
    if (result.action === 'unchanged') return { ...outcome, status: 'unchanged', approvalRequired: [] };
    if (options.dryRun) return outcome;
    if (approvalRequired.length === 0) {
      return {
        ...outcome,
        status: 'applied',
        ...(result.resourceVersion ? { resourceVersion: result.resourceVersion } : {}),
      };
    }
    const op: FlagOperation = {
      type: 'apply-segment',
      spec: doc.spec as unknown as SegmentSpec,
      ...(doc.metadata.labels ? { labels: doc.metadata.labels } : {}),
      ...(doc.metadata.annotations ? { annotations: doc.metadata.annotations } : {}),
    };
    return {
      ...outcome,
      ...(await store(
        actor,
        project,
        name,
        op,
        used,
        approvalRequired,
        outcome.summary,
        undefined,
        current?.metadata.resourceVersion,
      )),
    };
  }

  /** Applies an approved or due change with the requester's rights. */
  async function execute(stored: StoredFlagChange): Promise<ApplyResult | undefined> {
    const finish = (status: FlagChangeStatus, message: string) =>
      changes.transition(stored.id, ['applying'], status, { finishedAt: isoNow(clock), message });
    try {
      const op = stored.operation;
      if (op.type === 'apply-segment') {
        const segment = await resources.getStored('Segment', stored.project, stored.flag);
        if ((segment?.metadata.resourceVersion ?? undefined) !== stored.baseVersion) {
          await finish(
            'failed',
            `segment ${stored.flag} changed since the request; request the change again`,
          );
          return undefined;
        }
        const doc: Resource = {
          apiVersion: API_VERSION,
          kind: 'Segment',
          metadata: {
            project: stored.project,
            name: stored.flag,
            labels: op.labels ?? segment?.metadata.labels ?? {},
            ...(op.annotations ? { annotations: op.annotations } : {}),
            ...(segment?.metadata.resourceVersion
              ? { resourceVersion: segment.metadata.resourceVersion }
              : {}),
          },
          spec: op.spec as unknown as Record<string, unknown>,
        };
        deps.approvedWrites.add(doc);
        const [result] = await resources.apply(stored.requester, [doc]);
        await finish('applied', `applied (${result?.action})`);
        return result;
      }
      const current = await resources.getStored('Flag', stored.project, stored.flag);
      if (!current && op.type !== 'apply') {
        await finish('failed', `flag ${stored.flag} no longer exists`);
        return undefined;
      }
      if (op.type === 'apply' && (current?.metadata.resourceVersion ?? undefined) !== stored.baseVersion) {
        await finish(
          'failed',
          `flag ${stored.flag} changed since the request (version ${stored.baseVersion ?? 'none'}, now ${current?.metadata.resourceVersion ?? 'deleted'}); request the change again`,
        );
        return undefined;
      }
      const spec = applyOperation(current ? asFlag(current).spec : {}, op, stored.flag);
      const doc = documentOf(stored.project, stored.flag, spec, current, op);
      deps.approvedWrites.add(doc);
      const [result] = await resources.apply(stored.requester, [doc]);
      await finish(
        'applied',
        result?.action === 'unchanged' ? 'nothing left to change' : `applied (${result?.action})`,
      );
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn({ err: error, change: stored.id }, 'flag change could not be applied');
      await finish('failed', message);
      return undefined;
    }
  }

  async function onDecision(decision: ApprovalDecision): Promise<void> {
    const { approval } = decision;
    if (approval.subjectType !== 'flag-change') return;
    const stored = await changes.get(approval.subjectId);
    if (stored?.status !== 'pending-approval') return;
    if (decision.decision === 'rejected') {
      const message = `rejected by ${approval.decidedBy ?? '?'}${approval.comment ? `: ${approval.comment}` : ''}`;
      if (
        await changes.transition(stored.id, ['pending-approval'], 'rejected', {
          finishedAt: isoNow(clock),
          message,
        })
      ) {
        await approvals.cancelFor('flag-change', stored.id, approval.decidedBy ?? 'pont');
      }
      return;
    }
    const all = await approvals.forSubject('flag-change', stored.id);
    if (all.some((a) => a.status !== 'approved')) return;
    const by = [...new Set(all.map((a) => a.decidedBy).filter(Boolean))].join(', ');
    if (stored.runAt && stored.runAt > isoNow(clock)) {
      await changes.transition(stored.id, ['pending-approval'], 'scheduled', {
        message: `approved by ${by}`,
      });
      return;
    }
    if (
      await changes.transition(stored.id, ['pending-approval'], 'applying', { message: `approved by ${by}` })
    ) {
      await execute(stored);
    }
  }

  async function runDue(): Promise<number> {
    let applied = 0;
    for (const stored of await changes.due(isoNow(clock))) {
      // Only one replica wins the transition.
      if (await changes.transition(stored.id, ['scheduled'], 'applying')) {
        await execute(stored);
        applied++;
      }
    }
    return applied;
  }

  async function projectFlags(project: string) {
    const [flags, segments, environments] = await Promise.all([
      resources.listStored('Flag', project),
      resources.listStored('Segment', project),
      resources.listStored('Environment', project),
    ]);
    return {
      flags: flags as unknown as FlagResource[],
      segments: segments as unknown as SegmentResource[],
      environments: environments.sort(
        (a, b) =>
          Number(a.spec.order ?? 0) - Number(b.spec.order ?? 0) ||
          a.metadata.name.localeCompare(b.metadata.name),
      ),
    };
  }

  async function requireFlag(actor: Actor, project: string, name: string): Promise<FlagResource> {
    const flag = await resources.getStored('Flag', project, name);
    if (!flag) throw flagNotFound(project, name);
    await authorizer.require(actor, 'read', { kind: 'Flag', project, name });
    return asFlag(flag);
  }

  return {
    change,

    /**
     * Applies Flags and Segments like `pont apply`, except that flags touching a protected environment
     * become pending changes instead of being refused. Segments first, parents before children.
     */
    async applyDocuments(
      actor: Actor,
      project: string,
      documents: Resource[],
      options: { dryRun?: boolean } = {},
    ): Promise<ChangeOutcome[]> {
      for (const [i, doc] of documents.entries()) {
        if (doc?.metadata?.project !== undefined && doc.metadata.project !== project) {
          throw new PontError(
            'VALIDATION_FAILED',
            `document ${i} belongs to project ${doc.metadata.project}, not ${project}`,
            [{ document: i, path: 'metadata.project', message: `must be ${project}` }],
          );
        }
        if (doc?.kind !== 'Flag' && doc?.kind !== 'Segment') {
          throw new PontError(
            'VALIDATION_FAILED',
            `document ${i} is a ${String(doc?.kind)}; only Flag and Segment go through flag changes`,
            [{ document: i, path: 'kind', message: 'expected Flag or Segment', expected: 'Flag, Segment' }],
          );
        }
      }
      const problems = documents.flatMap((doc, document) =>
        resources.kinds
          .require(doc.kind)
          .validate(doc)
          .map((p) => ({ ...p, document })),
      );
      if (problems.length > 0) {
        throw new PontError('VALIDATION_FAILED', problems[0]?.message ?? 'invalid resource', problems);
      }
      const segments = documents.filter((d) => d.kind === 'Segment');
      const flags = documents.filter((d) => d.kind === 'Flag');
      const out: ChangeOutcome[] = [];
      for (const doc of segments) out.push(await changeSegment(actor, project, doc, options));
      const names = new Set(flags.map((f) => f.metadata.name));
      const parentsFirst = [...flags].sort((a, b) => {
        const aDeps = (asFlag(a).spec.dependencies ?? []).some((d) => names.has(d.flag)) ? 1 : 0;
        const bDeps = (asFlag(b).spec.dependencies ?? []).some((d) => names.has(d.flag)) ? 1 : 0;
        return aDeps - bDeps;
      });
      for (const doc of parentsFirst) {
        const op: FlagOperation = {
          type: 'apply',
          spec: asFlag(doc).spec ?? {},
          ...(doc.metadata.labels ? { labels: doc.metadata.labels } : {}),
          ...(doc.metadata.annotations ? { annotations: doc.metadata.annotations } : {}),
        };
        const current = await resources.getStored('Flag', project, doc.metadata.name);
        const sent = doc.metadata.resourceVersion;
        if (sent && current && sent !== current.metadata.resourceVersion) {
          throw new PontError(
            'RESOURCE_CONFLICT',
            `Flag ${project}/${doc.metadata.name} changed since you read it (you sent resourceVersion ${sent}, it is now ${current.metadata.resourceVersion}); get it again and retry`,
            [{ path: 'metadata.resourceVersion', message: `stale resourceVersion ${sent}` }],
          );
        }
        out.push(await change(actor, project, doc.metadata.name, op, options));
      }
      return out;
    },

    async listChanges(
      actor: Actor,
      project: string,
      query: { statuses?: FlagChangeStatus[]; flag?: string; limit?: number } = {},
    ): Promise<FlagChange[]> {
      await authorizer.require(actor, 'read', { kind: 'Flag', project, name: query.flag ?? '*' });
      return (await changes.list({ project, ...query })).map(publicChange);
    },

    async getChange(
      actor: Actor,
      project: string,
      id: string,
    ): Promise<FlagChange & { approvals: Approval[] }> {
      const stored = await changes.get(id);
      if (!stored || stored.project !== project)
        throw new PontError('NOT_FOUND', `flag change ${id} not found`);
      await authorizer.require(actor, 'read', { kind: 'Flag', project, name: stored.flag });
      return { ...publicChange(stored), approvals: await approvals.forSubject('flag-change', id) };
    },

    /** The requester, or anyone who may change the flag in its environments, cancels a waiting change. */
    async cancel(actor: Actor, project: string, id: string): Promise<FlagChange> {
      const stored = await changes.get(id);
      if (!stored || stored.project !== project)
        throw new PontError('NOT_FOUND', `flag change ${id} not found`);
      if (stored.requestedBy !== actorLabel(actor)) {
        for (const environment of stored.environments.length ? stored.environments : ['*']) {
          await authorizer.require(actor, 'apply', { kind: 'Flag', project, name: stored.flag, environment });
        }
      }
      const at = isoNow(clock);
      if (
        !(await changes.transition(id, ['pending-approval', 'scheduled'], 'cancelled', {
          finishedAt: at,
          message: `cancelled by ${actorLabel(actor)}`,
        }))
      ) {
        throw new PontError(
          'INVALID_STATE',
          `flag change ${id} is ${stored.status}; only waiting changes can be cancelled`,
        );
      }
      await approvals.cancelFor('flag-change', id, actorLabel(actor));
      return publicChange((await changes.get(id)) ?? stored);
    },

    /** Evaluates a flag (or a draft of it) for a context and says why, with the engine's explain(). */
    async evaluate(
      actor: Actor,
      project: string,
      name: string,
      input: { environment: string; context?: Context; spec?: FlagSpec },
    ) {
      await authorizer.require(actor, 'read', { kind: 'Flag', project, name });
      const { flags, segments } = await projectFlags(project);
      let target = flags.find((f) => f.metadata.name === name);
      if (input.spec) {
        target = {
          apiVersion: API_VERSION,
          kind: 'Flag',
          metadata: { ...(target?.metadata ?? { name }), project, name },
          spec: input.spec,
        };
      }
      if (!target) throw flagNotFound(project, name);
      const others = flags.filter((f) => f.metadata.name !== name);
      const response = buildClientFeatures({
        project,
        environment: input.environment,
        flags: [...others, target],
        segments,
        now: clock.now().getTime(),
      });
      const key = flagKey(target);
      const engine = createEngine(response);
      const context = input.context ?? {};
      const explanation = engine.explain(key, context);
      const names = new Map([...segmentIds(segments)].map(([n, id]) => [id, n]));
      const text = formatExplanation(explanation).replace(/of segment (\d+)/g, (m, id: string) => {
        const segment = names.get(Number(id));
        return segment ? `of segment ${segment}` : m;
      });
      return {
        flag: name,
        key,
        environment: input.environment,
        enabled: explanation.enabled,
        variant: explanation.variant,
        explanation,
        text,
        feature: response.features.find((f) => f.name === key),
      };
    },

    /** Every flag × environment of a project with what the console grid shows. */
    async overview(actor: Actor, project: string) {
      await authorizer.require(actor, 'read', { kind: 'Flag', project, name: '*' });
      const { flags, environments } = await projectFlags(project);
      const seen = await deps.metrics.lastSeen(project);
      const waiting = await changes.list({
        project,
        statuses: ['pending-approval', 'scheduled'],
        limit: 1000,
      });
      const now = clock.now().getTime();
      return {
        project,
        environments: environments.map((e) => ({
          name: e.metadata.name,
          order: Number(e.spec.order ?? 0),
          protected: e.spec.protected === true,
          ...(typeof e.spec.color === 'string' ? { color: e.spec.color } : {}),
        })),
        flags: [...flags]
          .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
          .map((flag) => {
            const key = flagKey(flag);
            const perEnv: Record<string, unknown> = {};
            for (const env of environments) {
              const n = normalizedEnvironment(flag.spec.environments?.[env.metadata.name]);
              const rollout = n.strategies.find((s) => ROLLOUT_STRATEGIES.has(s.name) && !s.disabled);
              const lastSeen = seen.find((s) => s.flag === key && s.environment === env.metadata.name)?.at;
              perEnv[env.metadata.name] = {
                enabled: n.enabled,
                strategies: n.strategies.filter((s) => !s.disabled).length,
                variants: n.variants.length,
                ...(rollout
                  ? { rollout: Number(rollout.parameters?.rollout ?? rollout.parameters?.percentage ?? 100) }
                  : {}),
                ...(lastSeen ? { lastSeenAt: lastSeen } : {}),
              };
            }
            const lastSeenAt = seen
              .filter((s) => s.flag === key)
              .map((s) => s.at)
              .sort()
              .pop();
            return {
              name: flag.metadata.name,
              key,
              type: flag.spec.type ?? 'release',
              ...(flag.spec.description ? { description: flag.spec.description } : {}),
              labels: flag.metadata.labels ?? {},
              createdAt: flag.metadata.createdAt,
              lifetimeDays: lifetimeDays(flag.spec),
              stale: isStale(flag, now),
              ...(lastSeenAt ? { lastSeenAt } : {}),
              resourceVersion: flag.metadata.resourceVersion,
              pendingChanges: waiting.filter((c) => c.flag === flag.metadata.name).length,
              environments: perEnv,
            };
          }),
      };
    },

    async metrics(
      actor: Actor,
      project: string,
      name: string,
      query: { environment?: string; period?: MetricPeriod; since?: string; appName?: string },
    ) {
      const flag = await requireFlag(actor, project, name);
      const key = flagKey(flag);
      const period = query.period ?? 'minute';
      const since =
        query.since ??
        new Date(clock.now().getTime() - (period === 'minute' ? 3_600_000 : 7 * 86_400_000)).toISOString();
      const rows = await deps.metrics.query({
        project,
        flag: key,
        period,
        since,
        ...(query.environment ? { environment: query.environment } : {}),
        ...(query.appName ? { appName: query.appName } : {}),
      });
      const points = new Map<
        string,
        { time: string; environment: string; yes: number; no: number; variants: Record<string, number> }
      >();
      const totals = { yes: 0, no: 0, variants: {} as Record<string, number> };
      const apps = new Set<string>();
      for (const row of rows) {
        apps.add(row.appName);
        const id = `${row.bucket}\u0000${row.environment}`;
        let point = points.get(id);
        if (!point) {
          point = { time: row.bucket, environment: row.environment, yes: 0, no: 0, variants: {} };
          points.set(id, point);
        }
        if (row.variant === '') {
          point.yes += row.yes;
          point.no += row.no;
          totals.yes += row.yes;
          totals.no += row.no;
        } else {
          point.variants[row.variant] = (point.variants[row.variant] ?? 0) + row.yes;
          totals.variants[row.variant] = (totals.variants[row.variant] ?? 0) + row.yes;
        }
      }
      return { flag: name, key, period, since, apps: [...apps].sort(), totals, items: [...points.values()] };
    },

    async history(
      actor: Actor,
      project: string,
      name: string,
      query: { limit?: number; before?: string } = {},
    ) {
      await authorizer.require(actor, 'read', { kind: 'Flag', project, name });
      return deps.audit.query(actor, { kind: 'Flag', project, name, ...query });
    },

    async clients(actor: Actor, project: string, environment?: string) {
      await authorizer.require(actor, 'read', { kind: 'Flag', project, name: '*' });
      return { items: await deps.metrics.clients(project, environment) };
    },

    runDue,
    onDecision,

    /** Resolves when approval decisions being acted on are done (tests, shutdown). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },

    start(): void {
      unsubscribe = deps.approvalDecisions.subscribe((decision) => {
        void track(onDecision(decision)).catch((error) =>
          logger.warn({ err: error }, 'flag approval handling failed'),
        );
      });
      schedulerTimer = setInterval(() => {
        void track(runDue()).catch((error) => logger.warn({ err: error }, 'scheduled flag changes failed'));
      }, deps.schedulerIntervalMs);
      schedulerTimer.unref();
    },

    async stop(): Promise<void> {
      unsubscribe?.();
      if (schedulerTimer) clearInterval(schedulerTimer);
      await this.idle();
    },
  };
}
