import type { Logger } from 'pino';
import { PontError } from '../../errors/index.js';
import { type Clock, isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Approval, ApprovalService } from '../approvals/index.js';
import type { AuditEvent, AuditStore } from '../audit/index.js';
import { type Actor, actorLabel, actorTypeLabel, systemActor } from '../auth/index.js';
import type { Authorizer } from '../policies/index.js';
import type { FieldChange, Resource, ResourceService } from '../resources/index.js';
import {
  type AppSpec,
  autoDeployTargets,
  type EffectiveRule,
  type EnvironmentInfo,
  type FreezeWindow,
  ruleFor,
} from './app-spec.js';
import type { ArtifactService } from './artifact.service.js';
import {
  type Artifact,
  type Deployment,
  type DeploymentKind,
  type DeploymentRecord,
  type DeploymentStatus,
  type DeploymentTarget,
  type DeploymentTrigger,
  FINAL_DEPLOYMENT_STATUSES,
} from './deployment.js';
import type { DeploymentStore } from './deployment.store.js';
import { activeFreeze, checkFreezeWindows, describeFreeze } from './freeze.js';

export interface DeploymentServiceDeps {
  store: DeploymentStore;
  artifacts: ArtifactService;
  resources: ResourceService;
  authorizer: Authorizer;
  approvals: ApprovalService;
  audit: AuditStore;
  clock: Clock;
  logger: Logger;
  /** Tells the dispatcher a deployment may be ready to run. */
  wake(): void;
}

export interface DeployRequest {
  app: string;
  environment: string;
  /** For `deploy`; promotions take the version running in `from`, rollbacks the previous one. */
  version?: string;
  kind?: DeploymentKind;
  /** For promotions: the environment whose current version is deployed. */
  from?: string;
  /** An admin deploying through a freeze window says why. */
  force?: { reason: string };
}

export interface FlagChangeSummary {
  time: string;
  flag: string;
  actor: string;
  action: string;
  message?: string;
  changes: FieldChange[];
}

export interface DeploymentDetail {
  deployment: Deployment;
  approvals: Approval[];
  /** The artifact deployed, and the one that ran before: the versions compared. */
  artifact?: Artifact;
  previousArtifact?: Artifact;
  /** The deployment that made the previous version current there. */
  previousDeployment?: Deployment;
  /** Feature flags changed in this environment since that deployment (from the audit trail). */
  flagChanges: FlagChangeSummary[];
  /** Set when flag changes are hidden from the caller (no read on Flag there). */
  flagChangesHidden?: boolean;
}

export interface MatrixCell {
  version?: string;
  since?: string;
  deploymentId?: string;
  /** The latest deployment that ran there, when it is not the current one (running, failed, rolled back). */
  last?: { id: string; version: string; status: DeploymentStatus; at?: string };
  /** Deployments queued or waiting for approval. */
  pending: number;
  /** The freeze window (of the environment or of this app there) in force now. */
  frozen?: string;
  /** Where versions come from (the promotion path); null: any version may be deployed here. */
  from: string | null;
  /** Deployments here wait for another user's approval. */
  approval: boolean;
}

export interface EnvironmentMatrix {
  environments: Array<{ name: string; order: number; protected: boolean; color?: string; frozen?: string }>;
  apps: Array<{ name: string; description?: string; cells: Record<string, MatrixCell> }>;
}

export type DeploymentService = ReturnType<typeof createDeploymentService>;

const presentRecord = (record: DeploymentRecord): Deployment => {
  const { worker: _w, heartbeatAt: _h, ...rest } = record;
  return rest;
};

/** An actor to act as for work requested earlier (runs after an approval, automatic follow-ups). */
export function requesterActor(requestedBy: string): Actor {
  if (requestedBy === systemActor.name) return systemActor;
  return { type: 'user', id: '', name: requestedBy, role: 'none', groups: [] };
}

export function createDeploymentService(deps: DeploymentServiceDeps) {
  const { store, resources, authorizer, approvals, clock } = deps;

  async function environments(project: string): Promise<Array<EnvironmentInfo & { resource: Resource }>> {
    return (await resources.listStored('Environment', project)).map((e) => ({
      name: e.metadata.name,
      order: Number(e.spec.order ?? 0),
      protected: e.spec.protected === true,
      freezeWindows: (e.spec.freezeWindows as FreezeWindow[] | undefined) ?? [],
      resource: e,
    }));
  }

  async function appOf(project: string, app: string): Promise<{ resource: Resource; spec: AppSpec }> {
    const resource = await resources.getStored('App', project, app);
    if (!resource)
      throw new PontError(
        'NOT_FOUND',
        `app ${app} not found in project ${project}; list apps with pont get apps -p ${project}`,
      );
    return { resource, spec: resource.spec as unknown as AppSpec };
  }

  function environmentIn(
    envs: EnvironmentInfo[],
    name: string,
    project: string,
    path: string,
  ): EnvironmentInfo {
    const env = envs.find((e) => e.name === name);
    if (env) return env;
    throw new PontError('VALIDATION_FAILED', `environment "${name}" does not exist in project ${project}`, [
      { path, message: `unknown environment "${name}"`, expected: envs.map((e) => e.name).join(', ') },
    ]);
  }

  async function auditDeployment(
    actor: Actor,
    action: string,
    d: Deployment,
    message: string,
  ): Promise<void> {
    await deps.audit.append({
      id: newId(),
      time: isoNow(clock),
      actor: actorLabel(actor),
      actorType: actorTypeLabel(actor),
      action,
      kind: 'App',
      project: d.project,
      name: d.app,
      environment: d.environment,
      ...(actor.sourceIp ? { sourceIp: actor.sourceIp } : {}),
      changes: [],
      message,
    });
  }

  async function load(actor: Actor, project: string, id: string): Promise<DeploymentRecord> {
    const record = await store.get(id);
    if (!record || record.project !== project)
      throw new PontError('NOT_FOUND', `deployment ${id} not found in project ${project}`);
    await authorizer.require(actor, 'read', {
      kind: 'App',
      project,
      name: record.app,
      environment: record.environment,
    });
    return record;
  }

  /** The version a rollback returns to: the newest successful one there other than what runs now. */
  async function rollbackTarget(
    project: string,
    app: string,
    environment: string,
    current: string | undefined,
  ): Promise<string | undefined> {
    const back = await store.lastSucceeded(
      project,
      app,
      environment,
      current === undefined ? {} : { notVersion: current },
    );
    return back?.version;
  }

  function summaryOf(d: DeploymentRecord): string {
    const what = d.kind === 'rollback' ? 'roll back' : d.kind === 'promote' ? 'promote' : 'deploy';
    const from = d.sourceEnvironment ? ` from ${d.sourceEnvironment}` : '';
    const was = d.previousVersion ? ` (was ${d.previousVersion})` : '';
    return `${what} ${d.app} ${d.version}${from} to ${d.environment}${was}`;
  }

  /**
   * Checks every rule and records the deployment: queued, or waiting for an approval. The checks
   * run in the order a user fixes them: who may, what exists, where it comes from, when.
   */
  async function request(
    actor: Actor,
    project: string,
    input: DeployRequest,
    trigger: DeploymentTrigger,
  ): Promise<Deployment> {
    const kind = input.kind ?? 'deploy';
    const { spec } = await appOf(project, input.app);
    const envs = await environments(project);
    const env = environmentIn(envs, input.environment, project, 'environment');
    await authorizer.require(actor, 'run', {
      kind: 'App',
      project,
      name: input.app,
      environment: env.name,
    });
    const rule = ruleFor(spec, env.name, envs);
    const target = await store.target(project, input.app, env.name);

    let version: string;
    let sourceEnvironment: string | undefined;
    if (kind === 'promote') {
      const from = input.from ?? rule.from;
      if (!from)
        throw new PontError(
          'PROMOTION_REFUSED',
          `${env.name} has no environment to promote from; deploy a version with pont deploy ${input.app} VERSION --env ${env.name}`,
        );
      environmentIn(envs, from, project, 'from');
      if (rule.from !== null && from !== rule.from)
        throw new PontError(
          'PROMOTION_REFUSED',
          `${input.app} reaches ${env.name} from ${rule.from}, not from ${from}`,
          [{ path: 'from', message: `promote from ${rule.from}`, expected: rule.from }],
        );
      const source = await store.target(project, input.app, from);
      if (!source?.currentVersion)
        throw new PontError(
          'PROMOTION_REFUSED',
          `no version of ${input.app} runs in ${from} yet: nothing to promote`,
        );
      version = source.currentVersion;
      sourceEnvironment = from;
    } else if (kind === 'rollback') {
      const back = await rollbackTarget(project, input.app, env.name, target?.currentVersion);
      if (!back)
        throw new PontError(
          'INVALID_STATE',
          `${input.app} has no earlier successful version in ${env.name} to roll back to`,
        );
      version = back;
    } else {
      if (!input.version)
        throw new PontError('VALIDATION_FAILED', 'a version is required', [
          { path: 'version', message: 'required' },
        ]);
      version = input.version;
    }

    const artifact = await deps.artifacts.find(project, input.app, version);
    if (!artifact)
      throw new PontError(
        'NOT_FOUND',
        `artifact ${input.app} ${version} was never pushed (or was deleted); push it with pont artifacts push ${input.app} ${version} FILE`,
      );

    if (kind !== 'rollback') {
      await checkPromotionPath(
        project,
        input.app,
        env.name,
        version,
        rule,
        kind === 'promote' ? sourceEnvironment : undefined,
      );
    }

    let forced: Deployment['forced'];
    if (kind !== 'rollback' && trigger !== 'auto-rollback') {
      const problems = checkFreezeWindows(rule.freezeWindows, `environments.${env.name}.freezeWindows`);
      if (problems.length > 0)
        throw new PontError(
          'VALIDATION_FAILED',
          `invalid freeze window in ${env.name}: ${problems[0]?.message}`,
          problems,
        );
      const freeze = activeFreeze(rule.freezeWindows, clock.now());
      if (freeze) {
        if (!input.force)
          throw new PontError(
            'DEPLOYMENT_FROZEN',
            `${env.name} is frozen: ${describeFreeze(freeze)}; deployments are refused unless an admin forces one with a reason (--force --reason TEXT)`,
            [{ path: 'environment', message: describeFreeze(freeze) }],
          );
        await authorizer.require(actor, 'admin', {
          kind: 'App',
          project,
          name: input.app,
          environment: env.name,
        });
        const reason = input.force.reason.trim();
        if (reason.length < 3)
          throw new PontError('VALIDATION_FAILED', 'forcing a deployment through a freeze needs a reason', [
            { path: 'force.reason', message: 'say why (at least 3 characters)' },
          ]);
        forced = { by: actorLabel(actor), reason, window: describeFreeze(freeze) };
      }
    }

    const needsApproval = rule.approval;
    const record: DeploymentRecord = {
      id: newId(),
      project,
      app: input.app,
      environment: env.name,
      version,
      artifact: { file: artifact.file, sha256: artifact.sha256, size: artifact.size },
      kind,
      trigger,
      requestedBy: actorLabel(actor),
      requestedAt: isoNow(clock),
      status: needsApproval ? 'waiting-approval' : 'queued',
      executions: [],
      health: [],
      events: [],
    };
    if (target?.currentVersion) record.previousVersion = target.currentVersion;
    if (sourceEnvironment) record.sourceEnvironment = sourceEnvironment;
    if (kind === 'rollback' && target?.currentDeploymentId) record.rollbackOf = target.currentDeploymentId;
    if (forced) record.forced = forced;
    const event = (message: string, level: 'info' | 'warn' = 'info') =>
      record.events.push({ time: record.requestedAt, level, message });
    event(`${summaryOf(record)} requested by ${record.requestedBy}`);
    if (forced) event(`forced through the ${forced.window} by ${forced.by}: ${forced.reason}`, 'warn');
    if (needsApproval) event(`waiting for another user's approval in ${env.name}`);

    await store.ensureTarget(project, input.app, env.name);
    await store.insert(record);
    if (needsApproval) {
      await approvals.request(actor, {
        project,
        environment: env.name,
        subjectType: 'deployment',
        subjectId: record.id,
        subjectName: input.app,
        summary: `${summaryOf(record)} (deployment ${record.id})`,
      });
    }
    await auditDeployment(
      actor,
      kind,
      record,
      `${summaryOf(record)}: deployment ${record.id} ${record.status}${forced ? ` (forced: ${forced.reason})` : ''}`,
    );
    deps.wake();
    return presentRecord(record);
  }

  async function checkPromotionPath(
    project: string,
    app: string,
    environment: string,
    version: string,
    rule: EffectiveRule,
    promotedFrom: string | undefined,
  ): Promise<void> {
    const from = rule.from;
    if (!from) return;
    if (promotedFrom === from) return; // the version runs there now
    if (await store.succeededIn(project, app, from, version)) return;
    throw new PontError(
      'PROMOTION_REFUSED',
      `${app} ${version} never ran successfully in ${from}, and ${environment} takes versions from ${from}; deploy it there first (pont deploy ${app} ${version} --env ${from})`,
      [
        {
          path: 'version',
          message: `not deployed to ${from}`,
          expected: `a version that succeeded in ${from}`,
        },
      ],
    );
  }

  /** Flags changed in an environment between two times, from the audit trail (whatever the flags module stores). */
  async function flagChangesBetween(
    project: string,
    environment: string,
    since: string | undefined,
    until: string,
  ): Promise<FlagChangeSummary[]> {
    const events = await deps.audit.query({
      kind: 'Flag',
      project,
      ...(since ? { since } : {}),
      until,
      limit: 500,
    });
    const out: FlagChangeSummary[] = [];
    for (const event of events) {
      const changes = event.changes.filter((c) => touches(c, environment));
      if (event.environment !== environment && changes.length === 0) continue;
      out.push(flagSummary(event, changes));
    }
    return out;
  }

  const service = {
    present: presentRecord,
    rollbackTarget,

    deploy: (actor: Actor, project: string, input: DeployRequest) =>
      request(actor, project, { ...input, kind: 'deploy' }, actor.type === 'token' ? 'api' : 'user'),
    promote: (actor: Actor, project: string, input: Omit<DeployRequest, 'version'> & { from: string }) =>
      request(actor, project, { ...input, kind: 'promote' }, actor.type === 'token' ? 'api' : 'user'),
    rollback: (actor: Actor, project: string, input: Omit<DeployRequest, 'version' | 'from'>) =>
      request(actor, project, { ...input, kind: 'rollback' }, actor.type === 'token' ? 'api' : 'user'),

    /**
     * After a success: environments that take versions from this one automatically get the same
     * version (unless it already runs there, or they are frozen: then the deployment says so).
     */
    async autoDeploy(d: DeploymentRecord): Promise<string[]> {
      const app = await resources.getStored('App', d.project, d.app);
      if (!app) return [];
      const spec = app.spec as unknown as AppSpec;
      const envs = await environments(d.project);
      const notes: string[] = [];
      for (const environment of autoDeployTargets(spec, d.environment, envs)) {
        const target = await store.target(d.project, d.app, environment);
        if (target?.currentVersion === d.version) continue;
        try {
          const next = await request(
            systemActor,
            d.project,
            { app: d.app, environment, kind: 'promote', from: d.environment },
            'auto-deploy',
          );
          notes.push(`auto-deploy to ${environment}: deployment ${next.id} ${next.status}`);
        } catch (error) {
          notes.push(`auto-deploy to ${environment} skipped: ${(error as Error).message}`);
        }
      }
      return notes;
    },

    async get(actor: Actor, project: string, id: string): Promise<DeploymentDetail> {
      const record = await load(actor, project, id);
      const previousDeployment = await store.lastSucceeded(project, record.app, record.environment, {
        before: record.id,
      });
      const until = record.finishedAt ?? isoNow(clock);
      const since = previousDeployment?.finishedAt ?? previousDeployment?.requestedAt;
      const detail: DeploymentDetail = {
        deployment: presentRecord(record),
        approvals: await approvals.forSubject('deployment', id),
        flagChanges: [],
      };
      const flagsVisible = (
        await authorizer.decide(actor, 'read', {
          kind: 'Flag',
          project,
          name: '*',
          environment: record.environment,
        })
      ).allowed;
      if (flagsVisible)
        detail.flagChanges = await flagChangesBetween(project, record.environment, since, until);
      else detail.flagChangesHidden = true;
      const artifact = await deps.artifacts.find(project, record.app, record.version);
      if (artifact) detail.artifact = artifact;
      if (record.previousVersion) {
        const previous = await deps.artifacts.find(project, record.app, record.previousVersion);
        if (previous) detail.previousArtifact = previous;
      }
      if (previousDeployment) detail.previousDeployment = presentRecord(previousDeployment);
      return detail;
    },

    async list(
      actor: Actor,
      project: string,
      query: {
        app?: string;
        environment?: string;
        status?: DeploymentStatus;
        before?: string;
        limit?: number;
      },
    ): Promise<{ items: Deployment[]; nextBefore?: string }> {
      // One environment asked: refused outright if it is not readable. Otherwise the rows are filtered.
      if (query.environment)
        await authorizer.require(actor, 'read', {
          kind: 'App',
          project,
          name: query.app ?? '*',
          environment: query.environment,
        });
      const limit = Math.min(query.limit ?? 50, 500);
      const records = await store.list({ ...query, project, limit });
      const items: Deployment[] = [];
      for (const r of records) {
        const target = { kind: 'App', project, name: r.app, environment: r.environment };
        if ((await authorizer.decide(actor, 'read', target)).allowed) items.push(presentRecord(r));
      }
      const last = records[records.length - 1];
      return records.length === limit && last ? { items, nextBefore: last.id } : { items };
    },

    /** Apps × environments: what runs where, since when, and how the latest deployment went. */
    async matrix(actor: Actor, project: string): Promise<EnvironmentMatrix> {
      // A reader limited to some environments sees their columns; nobody sees what no rule grants.
      const everything = { kind: 'App', project, name: '*' };
      const readsAll = (await authorizer.decide(actor, 'read', everything)).allowed;
      const [apps, envs, targets, pending] = await Promise.all([
        resources.listStored('App', project),
        environments(project),
        store.targets(project),
        store.pendingCounts(project),
      ]);
      envs.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
      const now = clock.now();
      const byKey = new Map<string, DeploymentTarget>(targets.map((t) => [`${t.app}/${t.environment}`, t]));
      const pendingByKey = new Map(pending.map((p) => [`${p.app}/${p.environment}`, p.count]));
      const out: EnvironmentMatrix = {
        environments: envs.map((e) => {
          const color = e.resource.spec.color as string | undefined;
          const freeze = safeFreeze(e.freezeWindows, now);
          return {
            name: e.name,
            order: e.order,
            protected: e.protected,
            ...(color ? { color } : {}),
            ...(freeze ? { frozen: freeze } : {}),
          };
        }),
        apps: [],
      };
      apps.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      for (const app of apps) {
        const name = app.metadata.name;
        const spec = app.spec as unknown as AppSpec;
        const cells: Record<string, MatrixCell> = {};
        for (const env of envs) {
          const target = { kind: 'App', project, name, environment: env.name };
          if (!(await authorizer.decide(actor, 'read', target)).allowed) continue;
          const t = byKey.get(`${name}/${env.name}`);
          const rule = ruleFor(spec, env.name, envs);
          const cell: MatrixCell = {
            pending: pendingByKey.get(`${name}/${env.name}`) ?? 0,
            from: rule.from,
            approval: rule.approval,
          };
          if (t?.currentVersion) cell.version = t.currentVersion;
          if (t?.currentSince) cell.since = t.currentSince;
          if (t?.currentDeploymentId) cell.deploymentId = t.currentDeploymentId;
          if (
            t?.lastDeploymentId &&
            t.lastVersion &&
            t.lastStatus &&
            t.lastDeploymentId !== t.currentDeploymentId
          )
            cell.last = {
              id: t.lastDeploymentId,
              version: t.lastVersion,
              status: t.lastStatus,
              ...(t.lastAt ? { at: t.lastAt } : {}),
            };
          const frozen = rule.freezeWindows.length > 0 ? safeFreeze(rule.freezeWindows, now) : undefined;
          if (frozen) cell.frozen = frozen;
          cells[env.name] = cell;
        }
        const description = spec.description;
        if (readsAll || Object.keys(cells).length > 0)
          out.apps.push({ name, ...(description ? { description } : {}), cells });
      }
      if (!readsAll && out.apps.length === 0 && apps.length > 0)
        await authorizer.require(actor, 'read', everything);
      return out;
    },

    async decide(
      actor: Actor,
      project: string,
      id: string,
      decision: 'approved' | 'rejected',
      comment?: string,
    ): Promise<Deployment> {
      const record = await load(actor, project, id);
      await approvals.decidePendingFor(actor, 'deployment', id, decision, comment, record.status);
      return presentRecord((await store.get(id)) ?? record);
    },

    /** The approvals module tells us a decision: the deployment queues or ends. */
    async onDecision(approval: Approval, decision: 'approved' | 'rejected'): Promise<void> {
      const record = await store.get(approval.subjectId);
      if (record?.status !== 'waiting-approval') return;
      const by = approval.decidedBy ?? '?';
      const time = isoNow(clock);
      const comment = approval.comment ? `: ${approval.comment}` : '';
      const events = [
        ...record.events,
        {
          time,
          level: decision === 'approved' ? ('info' as const) : ('warn' as const),
          message: `${decision} by ${by}${comment}`,
        },
      ];
      if (decision === 'approved') {
        if (await store.update(record.id, { status: 'queued', events }, ['waiting-approval'])) deps.wake();
      } else {
        const finished = {
          ...record,
          status: 'rejected' as const,
          finishedAt: time,
          events,
          message: `rejected by ${by}${comment}`,
        };
        if (await store.update(record.id, finished, ['waiting-approval']))
          await store.recordOutcome(finished);
      }
    },

    async cancel(actor: Actor, project: string, id: string): Promise<Deployment> {
      const record = await load(actor, project, id);
      await authorizer.require(actor, 'run', {
        kind: 'App',
        project,
        name: record.app,
        environment: record.environment,
      });
      if (FINAL_DEPLOYMENT_STATUSES.has(record.status))
        throw new PontError('INVALID_STATE', `deployment ${id} already ended: ${record.status}`);
      if (record.status === 'running')
        throw new PontError(
          'INVALID_STATE',
          `deployment ${id} is running; kill its execution (pont kill ${record.executions.at(-1)?.id ?? 'EXECUTION'}) to stop it, which fails it and rolls it back`,
        );
      const by = actorLabel(actor);
      const time = isoNow(clock);
      const updated = {
        ...record,
        status: 'cancelled' as const,
        finishedAt: time,
        message: `cancelled by ${by}`,
        events: [...record.events, { time, level: 'warn' as const, message: `cancelled by ${by}` }],
      };
      if (!(await store.update(id, updated, ['queued', 'waiting-approval'])))
        throw new PontError(
          'INVALID_STATE',
          `deployment ${id} started meanwhile; it can no longer be cancelled`,
        );
      await approvals.cancelFor('deployment', id, by);
      await auditDeployment(actor, 'cancel', record, `cancel deployment ${id}`);
      return presentRecord(updated);
    },
  };
  return service;
}

function safeFreeze(windows: FreezeWindow[], now: Date): string | undefined {
  try {
    const freeze = activeFreeze(windows, now);
    return freeze ? describeFreeze(freeze) : undefined;
  } catch {
    return undefined;
  }
}

/** Does a field change of a Flag touch this environment (`spec.environments.<env>…`)? */
function touches(change: FieldChange, environment: string): boolean {
  const prefix = `spec.environments.${environment}`;
  if (change.path === prefix || change.path.startsWith(`${prefix}.`) || change.path.startsWith(`${prefix}[`))
    return true;
  const under = (value: unknown, path: string[]): boolean => {
    let current = value;
    for (const key of path) {
      if (typeof current !== 'object' || current === null) return false;
      current = (current as Record<string, unknown>)[key];
    }
    return current !== undefined;
  };
  // A whole flag or its environments map created, replaced or deleted at once.
  const rest =
    change.path === 'spec'
      ? ['environments', environment]
      : change.path === 'spec.environments'
        ? [environment]
        : undefined;
  return rest !== undefined && (under(change.before, rest) || under(change.after, rest));
}

function flagSummary(event: AuditEvent, changes: FieldChange[]): FlagChangeSummary {
  return {
    time: event.time,
    flag: event.name,
    actor: event.actor,
    action: event.action,
    ...(event.message ? { message: event.message } : {}),
    changes,
  };
}
