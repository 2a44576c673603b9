import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { createTopic, type Topic } from '../../lib/topic.js';
import type { ApprovalDecision, ApprovalService } from '../approvals/index.js';
import type { AuditStore } from '../audit/index.js';
import type { FilesService } from '../files/index.js';
import type { ExecutionRecord, JobsModule } from '../jobs/index.js';
import type { Authorizer } from '../policies/index.js';
import type { KindRegistry, ResourceService } from '../resources/index.js';
import { appKind } from './app.kind.js';
import { createArtifactService } from './artifact.service.js';
import type { Deployment } from './deployment.js';
import { createDeploymentRunner } from './deployment.runner.js';
import { createDeploymentService, requesterActor } from './deployment.service.js';
import { createKyselyDeploymentStore } from './deployment.store.kysely.js';
import { artifactRoutes, deploymentRoutes } from './deployments.routes.js';

export interface DeploymentsModuleDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  kinds: KindRegistry;
  resources: ResourceService;
  authorizer: Authorizer;
  approvals: ApprovalService;
  approvalDecisions: Topic<ApprovalDecision>;
  audit: AuditStore;
  files: FilesService;
  jobs: JobsModule;
  executionFinished: Topic<ExecutionRecord>;
  /** Tests make the runner's fallback polling faster. */
  pollMs?: number;
}

export type DeploymentsModule = ReturnType<typeof createDeploymentsModule>;

/** Registers the App kind and builds artifacts, deployments and their runner; `routes` go to app.ts. */
export function createDeploymentsModule(deps: DeploymentsModuleDeps) {
  deps.kinds.register(appKind);
  const store = createKyselyDeploymentStore(deps.db.kysely);
  const updates = createTopic<Deployment>();
  deps.files.setOwnerLookup(async (project, name) => {
    const row = await deps.db.kysely
      .selectFrom('artifacts')
      .select(['app', 'version'])
      .where('project', '=', project)
      .where('file', '=', name)
      .executeTakeFirst();
    return row ? `artifact ${row.app} ${row.version}` : undefined;
  });
  const artifacts = createArtifactService({
    store,
    files: deps.files,
    resources: deps.resources,
    authorizer: deps.authorizer,
    audit: deps.audit,
    clock: deps.clock,
    logger: deps.logger,
  });
  const service = createDeploymentService({
    store,
    artifacts,
    resources: deps.resources,
    authorizer: deps.authorizer,
    approvals: deps.approvals,
    audit: deps.audit,
    clock: deps.clock,
    logger: deps.logger,
    wake: () => runner.wake(),
  });
  const runner = createDeploymentRunner({
    store,
    resources: deps.resources,
    clock: deps.clock,
    logger: deps.logger,
    jobs: {
      runFor: (actor, project, job, input) => deps.jobs.service.runFor(actor, project, job, input),
      nodesFor: (project, job, environment) => deps.jobs.service.nodesFor(project, job, environment),
      execution: (id) => deps.jobs.store.get(id),
      finished: deps.executionFinished,
    },
    filePath: (project, file) => deps.files.pathOf(project, file),
    actorFor: requesterActor,
    async onSucceeded(deployment) {
      void artifacts
        .retain(deployment.project, deployment.app)
        .catch((error) => deps.logger.warn({ err: error }, 'artifact retention failed'));
      return service.autoDeploy(deployment);
    },
    updates,
    singleProcess: deps.db.dialect === 'sqlite',
    ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
  });

  let unsubscribe: (() => void) | undefined;
  return {
    store,
    artifacts,
    service,
    runner,
    updates,
    routes: [
      deploymentRoutes(service, updates, async (id) => {
        const record = await store.get(id);
        return record ? service.present(record) : undefined;
      }),
      artifactRoutes(artifacts),
    ],
    async start(): Promise<void> {
      unsubscribe = deps.approvalDecisions.subscribe(({ approval, decision }) => {
        if (approval.subjectType !== 'deployment') return;
        void service
          .onDecision(approval, decision)
          .catch((error) => deps.logger.error({ err: error }, 'deployment approval follow-up failed'));
      });
      await runner.start();
    },
    async stop(): Promise<void> {
      unsubscribe?.();
      await runner.stop();
    },
  };
}
