import type { Logger } from 'pino';
import { sleep } from '../../lib/limiter.js';
import type { Execution } from './execution.js';
import type { Notifications, WebhookNotification } from './job.js';

/** What a webhook receives of an execution: enough to link to it and say how it went. */
const SUMMARY_FIELDS = [
  'id',
  'project',
  'job',
  'environment',
  'state',
  'requestedBy',
  'trigger',
  'createdAt',
  'startedAt',
  'finishedAt',
  'durationMs',
  'message',
] as const;

export type NotificationEvent = 'start' | 'success' | 'failure';

export interface WebhookBody {
  event: NotificationEvent;
  execution: Pick<Execution, (typeof SUMMARY_FIELDS)[number]>;
  url?: string;
}

/**
 * Posts execution events to webhooks, in the background: a slow or failing receiver retries
 * with exponential backoff (1 s, 2 s, 4 s, …) and never holds up the execution.
 */
export function createNotifier(options: {
  logger: Logger;
  publicUrl?: string;
  attempts?: number;
  baseDelayMs?: number;
  fetch?: typeof fetch;
}) {
  const attempts = options.attempts ?? 5;
  const baseDelay = options.baseDelayMs ?? 1000;
  const doFetch = options.fetch ?? fetch;
  const inflight = new Set<Promise<void>>();

  async function deliver(hook: WebhookNotification, body: WebhookBody): Promise<void> {
    for (let i = 0; i < attempts; i++) {
      try {
        const response = await doFetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'pont-webhook/1', ...hook.headers },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        if (response.ok) return;
        options.logger.warn(
          { url: hook.url, status: response.status, attempt: i + 1 },
          'webhook answered with an error',
        );
      } catch (error) {
        options.logger.warn(
          { url: hook.url, err: (error as Error).message, attempt: i + 1 },
          'webhook failed',
        );
      }
      if (i < attempts - 1) await sleep(baseDelay * 2 ** i);
    }
  }

  return {
    notify(spec: Notifications | undefined, event: NotificationEvent, execution: Execution): void {
      const hooks =
        event === 'start' ? spec?.onStart : event === 'success' ? spec?.onSuccess : spec?.onFailure;
      if (!hooks?.length) return;
      const summary = Object.fromEntries(
        SUMMARY_FIELDS.map((k) => [k, execution[k]]),
      ) as WebhookBody['execution'];
      const body: WebhookBody = { event, execution: summary };
      if (options.publicUrl)
        body.url = `${options.publicUrl}/p/${execution.project}/executions/${execution.id}`;
      for (const hook of hooks) {
        const p = deliver(hook, body).finally(() => inflight.delete(p));
        inflight.add(p);
      }
    },
    /** Waits for deliveries in flight (tests, shutdown). */
    async drain(): Promise<void> {
      await Promise.all([...inflight]);
    },
  };
}
