import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import type { ResourceService } from '../resources/resource.service.js';
import type { ExecutionStore } from './execution.store.js';

/**
 * Keeps history bounded per project (`spec.retention` of the Project: keep the newest N
 * executions of each job, drop those older than D days), logs and step results included.
 */
export function createRetention(deps: {
  store: ExecutionStore;
  resources: ResourceService;
  clock: Clock;
  logger: Logger;
}) {
  async function policyOf(project: string): Promise<{ keep?: number; before?: string } | undefined> {
    const resource = await deps.resources.getStored('Project', undefined, project);
    const retention = resource?.spec.retention as { executions?: number; days?: number } | undefined;
    if (!retention?.executions && !retention?.days) return undefined;
    const out: { keep?: number; before?: string } = {};
    if (retention.executions) out.keep = retention.executions;
    if (retention.days)
      out.before = new Date(deps.clock.now().getTime() - retention.days * 86_400_000).toISOString();
    return out;
  }

  async function forJob(project: string, job: string | undefined): Promise<number> {
    const policy = await policyOf(project);
    if (!policy) return 0;
    const ids = await deps.store.expired(project, job, policy.keep, policy.before);
    if (ids.length > 0) {
      await deps.store.deleteExecutions(ids);
      deps.logger.info({ project, job, deleted: ids.length }, 'retention removed old executions');
    }
    return ids.length;
  }

  return {
    forJob,
    async all(): Promise<number> {
      let removed = 0;
      for (const project of await deps.resources.listStored('Project', undefined)) {
        const name = project.metadata.name;
        for (const job of await deps.resources.listStored('Job', name))
          removed += await forJob(name, job.metadata.name);
        removed += await forJob(name, undefined);
      }
      return removed;
    },
  };
}
