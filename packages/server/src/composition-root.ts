import { join } from 'node:path';
import type { Logger } from 'pino';
import type { PontConfig } from './config.js';
import { type Db, openDatabase } from './db/database.js';
import { kyselyTransactor } from './db/transactor.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { type Clock, systemClock } from './lib/clock.js';
import { createTopic, type Topic } from './lib/topic.js';
import {
  type ApprovalDecision,
  type ApprovalService,
  createApprovalService,
  createKyselyApprovalStore,
} from './modules/approvals/index.js';
import { type AuditService, createAuditService, createKyselyAuditStore } from './modules/audit/index.js';
import {
  type AuthService,
  createAuthService,
  createKyselyAuthStore,
  createLoginThrottle,
} from './modules/auth/index.js';
import { environmentKind, nodeKind, projectKind } from './modules/core/index.js';
import { createDeploymentsModule, type DeploymentsModule } from './modules/deployments/index.js';
import { createFilesService, type FilesService } from './modules/files/index.js';
import { createFlagsModule, type FlagsModule, loadFlagsConfig } from './modules/flags/index.js';
import { createJobsModule, type ExecutionRecord, type JobsModule } from './modules/jobs/index.js';
import { type Authorizer, createAuthorizer, policyKind } from './modules/policies/index.js';
import {
  createKindRegistry,
  createKyselyResourceStore,
  createResourceService,
  type KindRegistry,
  type ResourceChange,
  type ResourceService,
} from './modules/resources/index.js';
import { createSecretBox, loadSecretKey, type SecretBox, secretKind } from './modules/secrets/index.js';

/** Everything the server is made of, wired once; `app.ts` turns it into HTTP routes. */
export interface Pont {
  config: PontConfig;
  logger: Logger;
  db: Db;
  clock: Clock;
  kinds: KindRegistry;
  secretBox: SecretBox;
  authorizer: Authorizer;
  resourceChanges: Topic<ResourceChange>;
  metrics: Metrics;
  resources: ResourceService;
  auth: AuthService;
  audit: AuditService;
  approvals: ApprovalService;
  approvalDecisions: Topic<ApprovalDecision>;
  files: FilesService;
  jobs: JobsModule;
  flags: FlagsModule;
  deployments: DeploymentsModule;
  /** Every execution that reached a final state (deployments follow their runs here). */
  executionFinished: Topic<ExecutionRecord>;
  /** Starts background work: the execution queue, the scheduler, retention. */
  start(): Promise<void>;
  /** Set on SIGTERM: readiness fails and connections are not kept alive. */
  lifecycle: { draining: boolean };
  /** Stops background work and closes the database. */
  close(): Promise<void>;
}

export async function createPont(
  config: PontConfig,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<Pont> {
  const db = openDatabase({ url: config.databaseUrl, sqliteFile: join(config.dataDir, 'pont.db') });
  await db.migrate();
  const secretBox = createSecretBox(loadSecretKey(config.secretKey, join(config.dataDir, 'secret.key')));

  const kinds = createKindRegistry();
  for (const kind of [projectKind, environmentKind, nodeKind, secretKind(secretBox), policyKind])
    kinds.register(kind);

  const reader = createKyselyResourceStore(db.kysely);
  const authorizer = createAuthorizer({
    policies: async () => (await reader.list('Policy', undefined)).items,
    environments: async () => (await reader.list('Environment', undefined)).items,
  });
  const resourceChanges = createTopic<ResourceChange>();
  const auditStore = createKyselyAuditStore(db.kysely);

  const resources = createResourceService({
    kinds,
    transactor: kyselyTransactor(db.kysely, (ex) => ({
      resources: createKyselyResourceStore(ex),
      audit: createKyselyAuditStore(ex),
    })),
    reader,
    authorizer,
    clock,
    changes: resourceChanges,
  });
  const auth = createAuthService({
    store: createKyselyAuthStore(db.kysely),
    audit: auditStore,
    authorizer,
    throttle: createLoginThrottle(),
    clock,
  });
  const audit = createAuditService({ store: auditStore, authorizer });
  const approvalDecisions = createTopic<ApprovalDecision>();
  const approvals = createApprovalService({
    store: createKyselyApprovalStore(db.kysely),
    audit: auditStore,
    authorizer,
    clock,
    decisions: approvalDecisions,
  });

  const files = createFilesService({
    db: db.kysely,
    dataDir: config.dataDir,
    authorizer,
    clock,
    maxBytes: config.uploadLimit,
  });
  const executionFinished = createTopic<ExecutionRecord>();
  const jobs = createJobsModule({
    db,
    logger,
    clock,
    kinds,
    resources,
    resourceChanges,
    authorizer,
    approvals,
    approvalDecisions,
    audit: auditStore,
    secretBox,
    files,
    finished: executionFinished,
    maxRunning: config.maxRunning,
  });
  const flags = createFlagsModule({
    db,
    logger,
    clock,
    kinds,
    resources,
    resourceChanges,
    authorizer,
    approvals,
    approvalDecisions,
    audit,
    config: loadFlagsConfig(process.env),
  });
  const deployments = createDeploymentsModule({
    db,
    logger,
    clock,
    kinds,
    resources,
    authorizer,
    approvals,
    approvalDecisions,
    audit: auditStore,
    files,
    jobs,
    executionFinished,
  });

  return {
    config,
    logger,
    db,
    clock,
    kinds,
    secretBox,
    authorizer,
    resourceChanges,
    metrics: createMetrics(),
    resources,
    auth,
    audit,
    approvals,
    approvalDecisions,
    files,
    jobs,
    flags,
    deployments,
    executionFinished,
    lifecycle: { draining: false },
    async start() {
      await jobs.start();
      flags.start();
      await deployments.start();
    },
    async close() {
      await deployments.stop();
      await jobs.stop(config.shutdownGraceMs);
      await flags.stop();
      await db.destroy();
    },
  };
}
