import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import type { Topic } from '../../lib/topic.js';
import type { ApprovalDecision, ApprovalService } from '../approvals/index.js';
import type { AuditService } from '../audit/index.js';
import type { Authorizer } from '../policies/index.js';
import type { KindRegistry, ResourceChange, ResourceService } from '../resources/index.js';
import { clientApiRoutes } from './client-api.routes.js';
import { createClientFeaturesCache } from './client-features.cache.js';
import { flagKind, segmentKind } from './flag.kind.js';
import { createFlagService } from './flag.service.js';
import { createKyselyFlagChangeStore } from './flag-change.store.kysely.js';
import { createFlagMetricsService } from './flag-metrics.service.js';
import { createKyselyFlagMetricsStore } from './flag-metrics.store.kysely.js';
import { DEFAULT_FLAGS_CONFIG, type FlagsConfig } from './flags.config.js';
import { flagRoutes } from './flags.routes.js';
import { frontendApiRoutes } from './frontend-api.routes.js';
import { createSseRegistry } from './sse-stream.js';

export interface FlagsModuleDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  kinds: KindRegistry;
  resources: ResourceService;
  resourceChanges: Topic<ResourceChange>;
  authorizer: Authorizer;
  approvals: ApprovalService;
  approvalDecisions: Topic<ApprovalDecision>;
  audit: AuditService;
  config?: Partial<FlagsConfig>;
}

export type FlagsModule = ReturnType<typeof createFlagsModule>;

/** Registers the Flag and Segment kinds and builds the flag services; `routes` go to app.ts. */
export function createFlagsModule(deps: FlagsModuleDeps) {
  const config: FlagsConfig = { ...DEFAULT_FLAGS_CONFIG, ...deps.config };
  const approvedWrites = new WeakSet<object>();
  deps.kinds.register(segmentKind({ approvedWrites }));
  deps.kinds.register(flagKind({ approvedWrites }));

  const metrics = createFlagMetricsService({
    store: createKyselyFlagMetricsStore(deps.db.kysely),
    clock: deps.clock,
    logger: deps.logger,
    retention: { minuteMs: config.metricsMinuteRetentionMs, hourMs: config.metricsHourRetentionMs },
    flushIntervalMs: config.metricsFlushMs,
  });
  const cache = createClientFeaturesCache({
    resources: deps.resources,
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    changes: deps.resourceChanges,
    replicaPollMs: config.replicaPollMs,
  });
  const service = createFlagService({
    resources: deps.resources,
    authorizer: deps.authorizer,
    approvals: deps.approvals,
    approvalDecisions: deps.approvalDecisions,
    audit: deps.audit,
    changes: createKyselyFlagChangeStore(deps.db.kysely),
    metrics,
    approvedWrites,
    clock: deps.clock,
    logger: deps.logger,
    schedulerIntervalMs: config.schedulerIntervalMs,
  });
  const streams = createSseRegistry(config.heartbeatMs);
  let started = false;

  return {
    config,
    service,
    metrics,
    cache,
    streams,
    routes: [
      flagRoutes(service),
      clientApiRoutes({ cache, metrics, streams }),
      frontendApiRoutes({ cache, metrics, corsOrigins: config.corsOrigins }),
      // Open streams never end by themselves: end them before the server waits for connections.
      async (app: FastifyInstance) => {
        app.addHook('preClose', async () => streams.closeAll());
      },
    ],
    /** Subscribes to changes and approvals and starts the timers (metrics flush, scheduler, replica poll). */
    start(): void {
      if (started) return;
      started = true;
      cache.start();
      service.start();
      metrics.start();
    },
    async stop(): Promise<void> {
      streams.closeAll();
      cache.stop();
      await service.stop();
      await metrics.stop();
    },
  };
}
