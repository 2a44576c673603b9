import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Authorizer } from '../policies/authorizer.js';
import type { ResourceService } from '../resources/resource.service.js';
import type { Execution } from './execution.js';
import type { ExecutionService } from './execution.service.js';
import type { ExecutionStore } from './execution.store.js';
import type { JobSpec } from './job.js';
import type { Scheduler } from './scheduler.js';

export interface JobSummary {
  name: string;
  group?: string;
  description?: string;
  options: number;
  schedules: Array<{
    name: string;
    cron: string;
    environment: string;
    enabled: boolean;
    next: string | null;
  }>;
  lastExecution?: Execution;
  /** Environments where the caller may run the job (the console hides other Run targets). */
  runnableIn: string[];
}

/** The job list of the console: every job with its folder, last result and next runs, in one call. */
export function jobRoutes(
  service: ExecutionService,
  resources: ResourceService,
  scheduler: Scheduler,
  store: ExecutionStore,
  authorizer: Authorizer,
) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { project: string } }>(
      '/api/v1/projects/:project/job-summaries',
      {
        schema: {
          tags: ['executions'],
          summary: 'Jobs with their group, last execution and next scheduled runs',
          params: Type.Object({ project: Type.String() }),
        },
      },
      async (request) => {
        const { project } = request.params;
        const jobs = await resources.list(request.actor, 'Job', project);
        const environments = (await resources.listStored('Environment', project))
          .sort((a, b) => Number(a.spec.order ?? 0) - Number(b.spec.order ?? 0))
          .map((e) => e.metadata.name);
        const items: JobSummary[] = [];
        for (const job of jobs.items) {
          const runnableIn: string[] = [];
          for (const environment of environments) {
            const target = { kind: 'Job', project, name: job.metadata.name, environment };
            if ((await authorizer.decide(request.actor, 'run', target)).allowed) runnableIn.push(environment);
          }
          const spec = job.spec as unknown as JobSpec;
          const [last] = await store.list({ project, job: job.metadata.name, limit: 1 });
          const next = scheduler.nextRuns(project, job.metadata.name);
          const summary: JobSummary = {
            name: job.metadata.name,
            runnableIn,
            options: spec.options?.length ?? 0,
            schedules: (spec.schedules ?? []).map((s) => ({
              name: s.name,
              cron: s.cron,
              environment: s.environment,
              enabled: s.enabled !== false,
              next: next.find((n) => n.schedule === s.name)?.next ?? null,
            })),
          };
          if (spec.group) summary.group = spec.group;
          if (spec.description) summary.description = spec.description;
          if (last) summary.lastExecution = service.present(last);
          items.push(summary);
        }
        return { items };
      },
    );
  };
}
