// OpenFeature server provider backed by pont's flag client:
//   OpenFeature.setProviderAndWait(new PontProvider({ url, token, appName }))
// Boolean flags answer as Unleash does (off when disabled); string, number and object flags take the
// payload of the variant the context gets. Reasons come from the engine's explain().
import {
  type EvaluationContext,
  type EvaluationContextValue,
  FlagNotFoundError,
  type JsonValue,
  type Logger,
  OpenFeatureEventEmitter,
  ParseError,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  StandardResolutionReasons,
  TypeMismatchError,
} from '@openfeature/server-sdk';
import type { Context, Explanation } from '@pont/flag-engine';
import { createFlagClient, type FlagClient, type FlagClientOptions } from '../flags/flag-client.js';

export interface PontProviderOptions extends FlagClientOptions {}

const TOP_LEVEL = new Set(['userId', 'sessionId', 'remoteAddress', 'environment', 'appName', 'currentTime']);

/** OpenFeature context → Unleash context: targetingKey is the userId, unknown fields become properties. */
export function toUnleashContext(context: EvaluationContext): Context {
  const out: Context = {};
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined || value === null) continue;
    if (key === 'targetingKey') {
      out.userId = String(value);
    } else if (key === 'properties' && typeof value === 'object' && !(value instanceof Date)) {
      for (const [k, v] of Object.entries(value as Record<string, EvaluationContextValue>)) {
        if (v !== undefined && v !== null) properties[k] = text(v);
      }
    } else if (key === 'currentTime') {
      out.currentTime = value instanceof Date ? value : String(value);
    } else if (TOP_LEVEL.has(key)) {
      out[key] = text(value);
    } else {
      properties[key] = text(value);
    }
  }
  if (context.userId !== undefined && context.userId !== null) out.userId = text(context.userId);
  if (Object.keys(properties).length > 0) out.properties = properties;
  return out;
}

function text(value: EvaluationContextValue): string {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function reasonOf(e: Explanation): string {
  switch (e.reason.kind) {
    case 'disabled':
      return StandardResolutionReasons.DISABLED;
    case 'no-strategies':
      return StandardResolutionReasons.STATIC;
    case 'strategy-matched': {
      const s = e.reason.strategy;
      const rollout = /rollout/i.test(s.name) && !/rollout is 100%/.test(s.detail ?? '');
      return rollout ? StandardResolutionReasons.SPLIT : StandardResolutionReasons.TARGETING_MATCH;
    }
    default:
      return StandardResolutionReasons.DEFAULT;
  }
}

export class PontProvider implements Provider {
  readonly metadata = { name: 'pont' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  readonly client: FlagClient;
  private readonly unsubscribe: Array<() => void> = [];

  /** Pass client options, or a flag client you already have (the provider then closes it on shutdown). */
  constructor(clientOrOptions: FlagClient | PontProviderOptions) {
    this.client = 'isEnabled' in clientOrOptions ? clientOrOptions : createFlagClient(clientOrOptions);
    this.unsubscribe.push(
      this.client.on('changed', (flagsChanged) =>
        this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged }),
      ),
      this.client.on('mode', (mode) => {
        // Still serving the last flags, but they may be old: say so, and say when they are fresh again.
        if (mode === 'polling' && this.client.isReady)
          this.events.emit(ProviderEvents.Stale, { message: 'flag stream lost; polling' });
        if (mode === 'streaming' && this.client.isReady) this.events.emit(ProviderEvents.Ready, {});
      }),
    );
  }

  async initialize(): Promise<void> {
    await this.client.ready();
  }

  async onClose(): Promise<void> {
    for (const off of this.unsubscribe) off();
    await this.client.close();
  }

  private explain(flagKey: string, context: EvaluationContext): Explanation {
    if (!this.client.has(flagKey)) throw new FlagNotFoundError(`flag "${flagKey}" not found`);
    return this.client.explain(flagKey, toUnleashContext(context));
  }

  async resolveBooleanEvaluation(
    flagKey: string,
    _defaultValue: boolean,
    context: EvaluationContext,
    _logger: Logger,
  ): Promise<ResolutionDetails<boolean>> {
    // One evaluation gives the value and its reason (a second one could draw other random numbers).
    const e = this.explain(flagKey, context);
    const value = e.enabled;
    this.client.count(flagKey, value);
    return {
      value,
      variant: e.variant.enabled ? e.variant.name : value ? 'on' : 'off',
      reason: reasonOf(e),
    };
  }

  async resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
    _logger: Logger,
  ): Promise<ResolutionDetails<string>> {
    return this.resolvePayload(flagKey, defaultValue, context, (variant, payload) => {
      if (!payload) return variant;
      if (payload.type === 'string' || payload.type === 'csv') return payload.value;
      throw new TypeMismatchError(
        `variant ${variant} of ${flagKey} carries a ${payload.type} payload, not a string`,
      );
    });
  }

  async resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
    _logger: Logger,
  ): Promise<ResolutionDetails<number>> {
    return this.resolvePayload(flagKey, defaultValue, context, (variant, payload) => {
      if (payload?.type !== 'number') {
        throw new TypeMismatchError(
          `variant ${variant} of ${flagKey} carries ${payload ? `a ${payload.type}` : 'no'} payload, not a number`,
        );
      }
      const n = Number(payload.value);
      if (Number.isNaN(n)) throw new ParseError(`payload "${payload.value}" of ${flagKey} is not a number`);
      return n;
    });
  }

  async resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    _logger: Logger,
  ): Promise<ResolutionDetails<T>> {
    return this.resolvePayload(flagKey, defaultValue, context, (variant, payload) => {
      if (payload?.type !== 'json') {
        throw new TypeMismatchError(
          `variant ${variant} of ${flagKey} carries ${payload ? `a ${payload.type}` : 'no'} payload, not JSON`,
        );
      }
      try {
        return JSON.parse(payload.value) as T;
      } catch (error) {
        throw new ParseError(`payload of ${flagKey} is not valid JSON: ${(error as Error).message}`);
      }
    });
  }

  private resolvePayload<T>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    read: (variant: string, payload: { type: string; value: string } | undefined) => T,
  ): ResolutionDetails<T> {
    const e = this.explain(flagKey, context);
    const variant = e.variant;
    this.client.count(flagKey, variant.feature_enabled, variant.name);
    if (!variant.feature_enabled)
      return {
        value: defaultValue,
        reason:
          reasonOf(e) === StandardResolutionReasons.DISABLED
            ? StandardResolutionReasons.DISABLED
            : StandardResolutionReasons.DEFAULT,
      };
    if (!variant.enabled) return { value: defaultValue, reason: StandardResolutionReasons.DEFAULT };
    return {
      value: read(variant.name, variant.payload),
      variant: variant.name,
      reason:
        e.variantReason.how === 'override'
          ? StandardResolutionReasons.TARGETING_MATCH
          : StandardResolutionReasons.SPLIT,
    };
  }
}
