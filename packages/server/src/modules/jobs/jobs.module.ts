import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { kyselyTransactor } from '../../db/transactor.js';
import { PontError } from '../../errors/index.js';
import { createLocalExecutor, type ExecNode, sha256File } from '../../executors/index.js';
import { createSshExecutor } from '../../executors/ssh-executor.js';
import type { Clock } from '../../lib/clock.js';
import type { Topic } from '../../lib/topic.js';
import type { ApprovalDecision, ApprovalService } from '../approvals/index.js';
import type { AuditStore } from '../audit/audit.store.js';
import type { NodeSpec } from '../core/index.js';
import type { FilesService } from '../files/index.js';
import type { Authorizer } from '../policies/authorizer.js';
import type { KindRegistry } from '../resources/kind-registry.js';
import type { Resource } from '../resources/resource.js';
import type { ResourceChange, ResourceService } from '../resources/resource.service.js';
import type { SecretBox, StoredSecretSpec } from '../secrets/index.js';
import { executionRoutes } from './execution.routes.js';
import { createExecutionService } from './execution.service.js';
import type { ExecutionRecord } from './execution.store.js';
import { createKyselyExecutionStore } from './execution.store.kysely.js';
import { createExecutionEngine, type PreparedRun } from './execution-engine.js';
import type { JobSpec } from './job.js';
import { jobKind } from './job.kind.js';
import { jobRoutes } from './job.routes.js';
import { createLiveLogs } from './live-logs.js';
import { filterableNode, selectNodes } from './node-filter.js';
import { createNotifier } from './notifier.js';
import { optionEnvName } from './options.js';
import { createRetention } from './retention.js';
import { createScheduler } from './scheduler.js';

export interface JobsModuleDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  kinds: KindRegistry;
  resources: ResourceService;
  resourceChanges: Topic<ResourceChange>;
  authorizer: Authorizer;
  approvals: ApprovalService;
  approvalDecisions: Topic<ApprovalDecision>;
  audit: AuditStore;
  secretBox: SecretBox;
  files: FilesService;
  /** Topic other modules (deployments) watch for finished executions. */
  finished: Topic<ExecutionRecord>;
  maxRunning?: number;
}

export type JobsModule = ReturnType<typeof createJobsModule>;

export function createJobsModule(deps: JobsModuleDeps) {
  const { db, logger, clock, resources, secretBox } = deps;
  deps.kinds.register(jobKind);
  const store = createKyselyExecutionStore(
    db.kysely,
    db.withRawSqlite ? { rawSqlite: db.withRawSqlite } : {},
  );
  const live = createLiveLogs();
  const notifier = createNotifier({ logger });
  const local = createLocalExecutor();
  const ssh = createSshExecutor();

  function reveal(
    project: string,
    secretName: string,
    key: string,
    secrets: Map<string, Resource | undefined>,
  ): string | undefined {
    const secret = secrets.get(`${project}/${secretName}`);
    const sealed = (secret?.spec as StoredSecretSpec | undefined)?.data?.[key];
    return sealed ? secretBox.open(sealed) : undefined;
  }

  async function secretsOf(project: string): Promise<Map<string, Resource | undefined>> {
    return new Map(
      (await resources.listStored('Secret', project)).map((s) => [`${project}/${s.metadata.name}`, s]),
    );
  }

  function toExecNode(node: Resource, secrets: Map<string, Resource | undefined>): ExecNode {
    const spec = node.spec as unknown as NodeSpec;
    const project = node.metadata.project ?? '';
    const exec: ExecNode = {
      name: node.metadata.name,
      hostname: spec.hostname,
      executor: spec.executor,
      tags: spec.tags ?? [],
      attributes: spec.attributes ?? {},
    };
    if (spec.port) exec.port = spec.port;
    if (spec.username) exec.username = spec.username;
    const fingerprint = spec.hostKey?.fingerprint ?? (node.status?.hostKeyFingerprint as string | undefined);
    exec.hostKey = {
      ...(fingerprint ? { fingerprint } : {}),
      trustOnFirstUse: spec.hostKey?.trustOnFirstUse ?? false,
    };
    if (spec.credentials) {
      const secret = secrets.get(`${project}/${spec.credentials.secret}`);
      const data = (secret?.spec as StoredSecretSpec | undefined)?.data ?? {};
      const type = spec.credentials.type ?? ('privateKey' in data ? 'key' : 'password');
      const key = spec.credentials.key ?? (type === 'key' ? 'privateKey' : 'password');
      const value = reveal(project, spec.credentials.secret, key, secrets);
      if (value === undefined)
        throw new PontError(
          'VALIDATION_FAILED',
          `node ${node.metadata.name}: secret ${spec.credentials.secret} has no key "${key}"`,
        );
      exec.credentials = { type, value };
      const passphrase = reveal(project, spec.credentials.secret, 'passphrase', secrets);
      if (passphrase) exec.credentials.passphrase = passphrase;
    }
    return exec;
  }

  const localNode = (): ExecNode => ({
    name: 'pont',
    hostname: hostname(),
    executor: 'local',
    tags: ['pont'],
    attributes: {},
  });

  async function prepare(execution: ExecutionRecord): Promise<PreparedRun> {
    const spec = JSON.parse(execution.definition) as JobSpec;
    const options = { ...execution.options };
    const secretValues: string[] = [];
    for (const [name, sealed] of Object.entries(execution.sealedOptions)) {
      options[name] = secretBox.open(sealed);
      secretValues.push(options[name] as string);
    }
    const env: Record<string, string> = {
      PONT_EXECUTION_ID: execution.id,
      PONT_PROJECT: execution.project,
      PONT_ENVIRONMENT: execution.environment,
      PONT_JOB: execution.job ?? '',
      PONT_USER: execution.requestedBy,
    };
    for (const [name, value] of Object.entries(options)) env[optionEnvName(name)] = value;
    if (spec.secrets?.length) {
      const secrets = await secretsOf(execution.project);
      for (const use of spec.secrets) {
        const value = reveal(execution.project, use.secret, use.key, secrets);
        if (value === undefined) throw new Error(`secret ${use.secret} has no key "${use.key}"`);
        env[use.env] = value;
        secretValues.push(value);
      }
    }
    return { spec, options, env, secrets: secretValues };
  }

  const engine = createExecutionEngine({
    store,
    live,
    clock,
    logger,
    singleProcess: db.dialect === 'sqlite',
    ...(deps.maxRunning ? { maxRunning: deps.maxRunning } : {}),
    runner: {
      store,
      clock,
      executorFor: (node) => (node.executor === 'ssh' ? ssh : local),
      async resolveNodes(execution, filter, rank) {
        const nodes = (await resources.listStored('Node', execution.project)).filter(
          (n) => (n.spec as unknown as NodeSpec).environment === execution.environment,
        );
        const chosen = selectNodes(nodes.map(filterableNode), filter, rank);
        // Secrets are read only when a chosen node has credentials (local nodes have none).
        const needsSecrets = chosen.some((c) => (c.resource.spec as unknown as NodeSpec).credentials);
        const secrets = needsSecrets
          ? await secretsOf(execution.project)
          : new Map<string, Resource | undefined>();
        return chosen.map((c) => toExecNode(c.resource, secrets));
      },
      localNode,
      async fileSource(project, copy) {
        if (copy.file) {
          const found = await deps.files.find(project, copy.file);
          if (!found)
            throw new Error(
              `file ${copy.file} was not uploaded to project ${project} (pont files push ${copy.file} PATH)`,
            );
          return found;
        }
        const path = deps.files.resolvePath(copy.path ?? '');
        const { size } = await import('node:fs/promises').then((fs) => fs.stat(path));
        return { path, size, sha256: await sha256File(path) };
      },
      async onHostKeyTrusted(execution, node, fingerprint) {
        await resources.updateStatus('Node', execution.project, node, {
          hostKeyFingerprint: fingerprint,
          hostKeyTrustedAt: clock.now().toISOString(),
        });
        logger.info({ node, fingerprint }, 'host key trusted on first use');
      },
    },
    prepare,
    async createChild(parent, jobName, options) {
      const job = await resources.getStored('Job', parent.project, jobName);
      if (!job) throw new Error(`job ${jobName} not found in project ${parent.project}`);
      return service.buildRecord(job, {
        environment: parent.environment,
        options,
        requestedBy: parent.requestedBy,
        trigger: 'job',
        parentId: parent.id,
      });
    },
    onStarted(execution) {
      notifier.notify(specOf(execution)?.notifications, 'start', service.present(execution));
    },
    onFinished(execution) {
      const spec = specOf(execution);
      notifier.notify(
        spec?.notifications,
        execution.state === 'succeeded' ? 'success' : 'failure',
        service.present(execution),
      );
      deps.finished.publish(execution);
      void retention
        .forJob(execution.project, execution.job)
        .catch((error) => logger.warn({ err: error }, 'retention failed'));
    },
  });

  const service = createExecutionService({
    store,
    transactor: kyselyTransactor(db.kysely, (ex) => ({ executions: createKyselyExecutionStore(ex) })),
    resources,
    authorizer: deps.authorizer,
    approvals: deps.approvals,
    audit: deps.audit,
    live,
    secretBox,
    clock,
    engine: () => engine,
  });

  const scheduler = createScheduler({
    store,
    clock,
    logger,
    jobs: () => resources.listStored('Job', undefined),
    fire: (job, schedule, fireTime, missed) => service.fire(job, schedule, fireTime, missed),
    isLeader: leaderElection(db),
  });

  const retention = createRetention({ store, resources, clock, logger });

  deps.approvalDecisions.subscribe(({ approval, decision }) => {
    if (approval.subjectType !== 'execution') return;
    void service
      .onDecision(approval.subjectId, decision, approval.decidedBy ?? '', approval.comment)
      .catch((error) => logger.error({ err: error }, 'approval follow-up failed'));
  });
  deps.resourceChanges.subscribe((change) => {
    if (change.resource.kind === 'Job') scheduler.invalidate();
  });

  let sweeper: NodeJS.Timeout | undefined;
  return {
    service,
    engine,
    scheduler,
    store,
    live,
    notifier,
    routes: [executionRoutes(service), jobRoutes(service, resources, scheduler, store, deps.authorizer)],
    async start(): Promise<void> {
      await engine.start();
      scheduler.start();
      sweeper = setInterval(
        () => void retention.all().catch((error) => logger.warn({ err: error }, 'retention failed')),
        3_600_000,
      );
      sweeper.unref();
    },
    async stop(graceMs?: number): Promise<void> {
      scheduler.stop();
      if (sweeper) clearInterval(sweeper);
      await engine.stop(graceMs);
      local.close?.();
    },
  };

  function specOf(execution: ExecutionRecord): JobSpec | undefined {
    try {
      return JSON.parse(execution.definition) as JobSpec;
    } catch {
      return undefined;
    }
  }
}

/**
 * One scheduler across replicas: PostgreSQL's session advisory lock, held by a pooled connection
 * for as long as it lives. The fire records make a second leader harmless, so this only avoids
 * wasted work. SQLite means one process, which always leads.
 */
function leaderElection(db: Db): () => Promise<boolean> {
  if (db.dialect === 'sqlite') return async () => true;
  let leader = false;
  let lastTry = 0;
  return async () => {
    if (leader) return true;
    if (Date.now() - lastTry < 10_000) return false;
    lastTry = Date.now();
    const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(727002) as ok`.execute(
      db.kysely as Kysely<Database>,
    );
    leader = rows[0]?.ok === true;
    return leader;
  };
}
