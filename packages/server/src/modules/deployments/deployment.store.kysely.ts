import type { Kysely, Selectable } from 'kysely';
import type { Database, DeploymentsTable, DeploymentTargetsTable } from '../../db/schema.js';
import {
  type Artifact,
  type DeploymentRecord,
  type DeploymentStatus,
  type DeploymentTarget,
  PENDING_STATUSES,
} from './deployment.js';
import type { DeploymentStore } from './deployment.store.js';

type Row = Selectable<DeploymentsTable>;

function toRow(d: DeploymentRecord): Row {
  return {
    id: d.id,
    project: d.project,
    app: d.app,
    environment: d.environment,
    version: d.version,
    previous_version: d.previousVersion ?? null,
    artifact: JSON.stringify(d.artifact),
    kind: d.kind,
    trigger: d.trigger,
    source_environment: d.sourceEnvironment ?? null,
    rollback_of: d.rollbackOf ?? null,
    rolled_back_by: d.rolledBackBy ?? null,
    requested_by: d.requestedBy,
    requested_at: d.requestedAt,
    started_at: d.startedAt ?? null,
    finished_at: d.finishedAt ?? null,
    duration_ms: d.durationMs ?? null,
    status: d.status,
    message: d.message ?? null,
    forced: d.forced ? JSON.stringify(d.forced) : null,
    executions: JSON.stringify(d.executions),
    health: JSON.stringify(d.health),
    events: JSON.stringify(d.events),
    worker: d.worker ?? null,
    heartbeat_at: d.heartbeatAt ?? null,
  };
}

function fromRow(r: Row): DeploymentRecord {
  const d: DeploymentRecord = {
    id: r.id,
    project: r.project,
    app: r.app,
    environment: r.environment,
    version: r.version,
    artifact: JSON.parse(r.artifact),
    kind: r.kind as DeploymentRecord['kind'],
    trigger: r.trigger as DeploymentRecord['trigger'],
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    status: r.status as DeploymentStatus,
    executions: JSON.parse(r.executions),
    health: JSON.parse(r.health),
    events: JSON.parse(r.events),
  };
  if (r.previous_version !== null) d.previousVersion = r.previous_version;
  if (r.source_environment !== null) d.sourceEnvironment = r.source_environment;
  if (r.rollback_of !== null) d.rollbackOf = r.rollback_of;
  if (r.rolled_back_by !== null) d.rolledBackBy = r.rolled_back_by;
  if (r.started_at !== null) d.startedAt = r.started_at;
  if (r.finished_at !== null) d.finishedAt = r.finished_at;
  if (r.duration_ms !== null) d.durationMs = Number(r.duration_ms);
  if (r.message !== null) d.message = r.message;
  if (r.forced !== null) d.forced = JSON.parse(r.forced);
  if (r.worker !== null) d.worker = r.worker;
  if (r.heartbeat_at !== null) d.heartbeatAt = r.heartbeat_at;
  return d;
}

function targetFromRow(r: Selectable<DeploymentTargetsTable>): DeploymentTarget {
  const t: DeploymentTarget = { project: r.project, app: r.app, environment: r.environment };
  if (r.current_version !== null) t.currentVersion = r.current_version;
  if (r.current_deployment_id !== null) t.currentDeploymentId = r.current_deployment_id;
  if (r.current_since !== null) t.currentSince = r.current_since;
  if (r.last_deployment_id !== null) t.lastDeploymentId = r.last_deployment_id;
  if (r.last_version !== null) t.lastVersion = r.last_version;
  if (r.last_status !== null) t.lastStatus = r.last_status as DeploymentStatus;
  if (r.last_at !== null) t.lastAt = r.last_at;
  if (r.active_id !== null) t.activeId = r.active_id;
  return t;
}

function artifactFromRow(r: Selectable<Database['artifacts']>): Artifact {
  return {
    project: r.project,
    app: r.app,
    version: r.version,
    file: r.file,
    size: Number(r.size),
    sha256: r.sha256,
    labels: JSON.parse(r.labels),
    uploadedBy: r.uploaded_by,
    uploadedAt: r.uploaded_at,
  };
}

/** Record fields → the columns an update touches. */
function patchOf(fields: Partial<DeploymentRecord>): Partial<Row> {
  const full = toRow({
    id: '',
    project: '',
    app: '',
    environment: '',
    version: '',
    artifact: { file: '', sha256: '', size: 0 },
    kind: 'deploy',
    trigger: 'user',
    requestedBy: '',
    requestedAt: '',
    status: 'queued',
    executions: [],
    health: [],
    events: [],
    ...fields,
  });
  const keys: Record<string, keyof Row> = {
    previousVersion: 'previous_version',
    artifact: 'artifact',
    status: 'status',
    startedAt: 'started_at',
    finishedAt: 'finished_at',
    durationMs: 'duration_ms',
    message: 'message',
    forced: 'forced',
    executions: 'executions',
    health: 'health',
    events: 'events',
    worker: 'worker',
    heartbeatAt: 'heartbeat_at',
    rolledBackBy: 'rolled_back_by',
    version: 'version',
  };
  const patch: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(keys)) {
    if (field in fields) patch[column] = full[column];
  }
  return patch as Partial<Row>;
}

export function createKyselyDeploymentStore(db: Kysely<Database>): DeploymentStore {
  const targetKey = (project: string, app: string, environment: string) =>
    db
      .selectFrom('deployment_targets')
      .selectAll()
      .where('project', '=', project)
      .where('app', '=', app)
      .where('environment', '=', environment);

  const store: DeploymentStore = {
    async insert(deployment) {
      await db.insertInto('deployments').values(toRow(deployment)).execute();
    },

    async insertMany(deployments) {
      for (let i = 0; i < deployments.length; i += 500) {
        await db
          .insertInto('deployments')
          .values(deployments.slice(i, i + 500).map(toRow))
          .execute();
      }
    },

    async get(id) {
      const row = await db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async list(q) {
      let query = db.selectFrom('deployments').selectAll().where('project', '=', q.project);
      if (q.app) query = query.where('app', '=', q.app);
      if (q.environment) query = query.where('environment', '=', q.environment);
      if (q.status) query = query.where('status', '=', q.status);
      if (q.before) query = query.where('id', '<', q.before);
      const rows = await query.orderBy('id', 'desc').limit(q.limit).execute();
      return rows.map(fromRow);
    },

    async update(id, fields, from) {
      const patch = patchOf(fields);
      if (Object.keys(patch).length === 0) return true;
      let query = db.updateTable('deployments').set(patch).where('id', '=', id);
      if (from) query = query.where('status', 'in', from);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async queued(limit) {
      const rows = await db
        .selectFrom('deployments')
        .selectAll()
        .where('status', '=', 'queued')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },

    async running(staleBefore) {
      let query = db.selectFrom('deployments').selectAll().where('status', '=', 'running');
      if (staleBefore) query = query.where('heartbeat_at', '<', staleBefore);
      return (await query.orderBy('id').execute()).map(fromRow);
    },

    async succeededIn(project, app, environment, version) {
      const row = await db
        .selectFrom('deployments')
        .select('id')
        .where('project', '=', project)
        .where('app', '=', app)
        .where('environment', '=', environment)
        .where('version', '=', version)
        .where('status', '=', 'succeeded')
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async lastSucceeded(project, app, environment, options = {}) {
      let query = db
        .selectFrom('deployments')
        .selectAll()
        .where('project', '=', project)
        .where('app', '=', app)
        .where('environment', '=', environment)
        .where('status', '=', 'succeeded');
      if (options.notVersion !== undefined) query = query.where('version', '<>', options.notVersion);
      if (options.before !== undefined) query = query.where('id', '<', options.before);
      const row = await query.orderBy('id', 'desc').limit(1).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },

    async pendingCounts(project) {
      // Driven by the status index: the queue is short whatever the history holds.
      const rows = await db
        .selectFrom('deployments')
        .select(['project', 'app', 'environment'])
        .where('status', 'in', PENDING_STATUSES)
        .execute();
      const counts = new Map<string, { app: string; environment: string; count: number }>();
      for (const r of rows) {
        if (r.project !== project) continue;
        const key = `${r.app}/${r.environment}`;
        const entry = counts.get(key) ?? { app: r.app, environment: r.environment, count: 0 };
        entry.count++;
        counts.set(key, entry);
      }
      return [...counts.values()];
    },

    async versionsInUse(project, app) {
      const inUse = new Set<string>();
      const targets = await db
        .selectFrom('deployment_targets')
        .selectAll()
        .where('project', '=', project)
        .where('app', '=', app)
        .execute();
      for (const t of targets) {
        if (t.current_version === null) continue;
        inUse.add(t.current_version);
        const back = await store.lastSucceeded(project, app, t.environment, {
          notVersion: t.current_version,
        });
        if (back) inUse.add(back.version);
      }
      const pending = await db
        .selectFrom('deployments')
        .select('version')
        .distinct()
        .where('project', '=', project)
        .where('app', '=', app)
        .where('status', 'in', [...PENDING_STATUSES, 'running'])
        .execute();
      for (const p of pending) inUse.add(p.version);
      return inUse;
    },

    async ensureTarget(project, app, environment) {
      await db
        .insertInto('deployment_targets')
        .values({
          project,
          app,
          environment,
          current_version: null,
          current_deployment_id: null,
          current_since: null,
          last_deployment_id: null,
          last_version: null,
          last_status: null,
          last_at: null,
          active_id: null,
        })
        .onConflict((oc) => oc.columns(['project', 'app', 'environment']).doNothing())
        .execute();
    },

    async target(project, app, environment) {
      const row = await targetKey(project, app, environment).executeTakeFirst();
      return row ? targetFromRow(row) : undefined;
    },

    async targets(project) {
      const rows = await db
        .selectFrom('deployment_targets')
        .selectAll()
        .where('project', '=', project)
        .execute();
      return rows.map(targetFromRow);
    },

    async lockedTargets() {
      const rows = await db
        .selectFrom('deployment_targets')
        .selectAll()
        .where('active_id', 'is not', null)
        .execute();
      return rows.map(targetFromRow);
    },

    async claim(project, app, environment, id) {
      const result = await db
        .updateTable('deployment_targets')
        .set({ active_id: id })
        .where('project', '=', project)
        .where('app', '=', app)
        .where('environment', '=', environment)
        .where((eb) => eb.or([eb('active_id', 'is', null), eb('active_id', '=', id)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async release(project, app, environment, id) {
      await db
        .updateTable('deployment_targets')
        .set({ active_id: null })
        .where('project', '=', project)
        .where('app', '=', app)
        .where('environment', '=', environment)
        .where('active_id', '=', id)
        .execute();
    },

    async recordOutcome(d) {
      const at = d.finishedAt ?? d.startedAt ?? d.requestedAt;
      await db
        .updateTable('deployment_targets')
        .set({
          last_deployment_id: d.id,
          last_version: d.version,
          last_status: d.status,
          last_at: at,
          ...(d.status === 'succeeded'
            ? { current_version: d.version, current_deployment_id: d.id, current_since: at }
            : {}),
        })
        .where('project', '=', d.project)
        .where('app', '=', d.app)
        .where('environment', '=', d.environment)
        .execute();
    },

    async insertArtifact(artifact) {
      const result = await db
        .insertInto('artifacts')
        .values({
          project: artifact.project,
          app: artifact.app,
          version: artifact.version,
          file: artifact.file,
          size: artifact.size,
          sha256: artifact.sha256,
          labels: JSON.stringify(artifact.labels),
          uploaded_by: artifact.uploadedBy,
          uploaded_at: artifact.uploadedAt,
        })
        .onConflict((oc) => oc.columns(['project', 'app', 'version']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async artifact(project, app, version) {
      const row = await db
        .selectFrom('artifacts')
        .selectAll()
        .where('project', '=', project)
        .where('app', '=', app)
        .where('version', '=', version)
        .executeTakeFirst();
      return row ? artifactFromRow(row) : undefined;
    },

    async artifacts(project, app, limit = 1000) {
      let query = db.selectFrom('artifacts').selectAll().where('project', '=', project);
      if (app) query = query.where('app', '=', app);
      const rows = await query
        .orderBy('uploaded_at', 'desc')
        .orderBy('version', 'desc')
        .limit(limit)
        .execute();
      return rows.map(artifactFromRow);
    },

    async deleteArtifact(project, app, version) {
      const result = await db
        .deleteFrom('artifacts')
        .where('project', '=', project)
        .where('app', '=', app)
        .where('version', '=', version)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
  return store;
}
