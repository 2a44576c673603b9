import type { Clock } from '../../lib/clock.js';
import { durationMs } from '../../lib/durations.js';
import { sleep } from '../../lib/limiter.js';
import type { HealthCheck } from './app-spec.js';
import { expandTemplate } from './app-spec.js';
import type { HealthResult } from './deployment.js';

export interface HealthTarget {
  url: string;
  node?: string;
}

/** The URLs to probe: one, or one per node when the URL names `${node.…}`. */
export function healthTargets(
  check: HealthCheck,
  values: { environment: string; app: string; version: string },
  nodes: Array<{ name: string; hostname: string }>,
): HealthTarget[] {
  const url = check.url ?? '';
  if (!/\$\{node\./.test(url)) return [{ url: expandTemplate(url, values) }];
  return nodes.map((n) => ({
    url: expandTemplate(url, { ...values, 'node.name': n.name, 'node.hostname': n.hostname }),
    node: n.name,
  }));
}

/**
 * Probes each target until it answers the expected status or the attempts run out. Every attempt
 * is reported (`onResult`) so a deployment shows the failing answers as they happen.
 */
export async function runHealthCheck(
  check: HealthCheck,
  targets: HealthTarget[],
  options: { clock: Clock; signal?: AbortSignal; onResult(result: HealthResult): Promise<void> | void },
): Promise<{ ok: boolean; failure?: string }> {
  const expected = check.expectedStatus ?? 200;
  const timeout = durationMs(check.timeout) ?? 5000;
  const interval = durationMs(check.interval) ?? 2000;
  const attempts = 1 + (check.retries ?? 3);
  const outcomes = await Promise.all(
    targets.map(async (target) => {
      let last = '';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const started = performance.now();
        const result: HealthResult = {
          time: options.clock.now().toISOString(),
          url: target.url,
          attempt,
          ok: false,
          durationMs: 0,
          ...(target.node ? { node: target.node } : {}),
        };
        try {
          const response = await fetch(target.url, {
            redirect: 'manual',
            signal: AbortSignal.timeout(timeout),
            headers: { 'user-agent': 'pont-health-check' },
          });
          await response.body?.cancel();
          result.status = response.status;
          result.ok = response.status === expected;
          if (!result.ok) result.error = `answered ${response.status}, expected ${expected}`;
        } catch (error) {
          const cause = (error as Error & { cause?: Error }).cause?.message;
          result.error =
            (error as Error).name === 'TimeoutError'
              ? `no answer within ${timeout} ms`
              : (cause ?? (error as Error).message);
        }
        result.durationMs = Math.round(performance.now() - started);
        await options.onResult(result);
        if (result.ok) return { ok: true as const };
        last = `${target.url}${target.node ? ` (${target.node})` : ''}: ${result.error}`;
        if (attempt < attempts && !options.signal?.aborted) await sleep(interval, options.signal);
      }
      return { ok: false as const, failure: `${last} after ${attempts} attempt(s)` };
    }),
  );
  const failed = outcomes.find((o) => !o.ok);
  return failed ? { ok: false, failure: failed.failure ?? 'health check failed' } : { ok: true };
}
