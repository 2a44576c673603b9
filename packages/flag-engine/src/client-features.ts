// Unleash's client-features wire format (`GET /api/client/features`) and evaluation context.
// Fields are optional wherever real servers or older versions omit them: the engine must accept
// whatever an Unleash-compatible server sends, as the SDKs do, not only what pont produces.

export type Operator =
  | 'IN'
  | 'NOT_IN'
  | 'STR_CONTAINS'
  | 'STR_STARTS_WITH'
  | 'STR_ENDS_WITH'
  | 'NUM_EQ'
  | 'NUM_GT'
  | 'NUM_GTE'
  | 'NUM_LT'
  | 'NUM_LTE'
  | 'DATE_AFTER'
  | 'DATE_BEFORE'
  | 'SEMVER_EQ'
  | 'SEMVER_GT'
  | 'SEMVER_GTE'
  | 'SEMVER_LT'
  | 'SEMVER_LTE'
  | 'REGEX'
  | 'IN_CIDR';

export interface Constraint {
  contextName: string;
  /** Unknown operators never match (even when inverted), like every Unleash SDK. */
  operator: Operator | (string & {});
  /** Multi-value operators: IN, NOT_IN, STR_*, IN_CIDR. */
  values?: string[];
  /** Single-value operators: NUM_*, DATE_*, SEMVER_*, REGEX. */
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

export interface Payload {
  type: 'string' | 'json' | 'csv' | 'number' | (string & {});
  value: string;
}

export interface Override {
  contextName: string;
  values: string[];
}

export interface Variant {
  name: string;
  weight: number;
  weightType?: 'variable' | 'fix' | (string & {});
  stickiness?: string;
  payload?: Payload;
  overrides?: Override[];
}

/** A variant attached to a strategy; same shape as a feature variant. */
export type StrategyVariant = Variant;

export interface Strategy {
  name: string;
  parameters?: Record<string, string>;
  constraints?: Constraint[];
  /** Segment ids, resolved against `ClientFeaturesResponse.segments`. */
  segments?: number[];
  variants?: StrategyVariant[];
  title?: string | null;
  disabled?: boolean | null;
  sortOrder?: number;
}

export interface Dependency {
  feature: string;
  /** `false` means "the parent must be disabled"; anything else means enabled. */
  enabled?: boolean;
  /** When set and non-empty, the parent's variant must be one of these. */
  variants?: string[];
}

export interface ClientFeature {
  name: string;
  type?: string;
  description?: string | null;
  enabled: boolean;
  project?: string;
  stale?: boolean;
  impressionData?: boolean;
  strategies: Strategy[];
  variants?: Variant[];
  dependencies?: Dependency[];
}

export interface Segment {
  id: number;
  name?: string;
  constraints: Constraint[];
}

export interface ClientFeaturesResponse {
  version?: number;
  features: ClientFeature[];
  segments?: Segment[];
  query?: unknown;
  meta?: unknown;
}

export type ContextPropertyValue = string | number | boolean | null | undefined;

/**
 * The Unleash context. Any top-level field can be used by constraints and stickiness (Unleash looks
 * at `context[name]` first, then `context.properties[name]`), hence the index signature.
 */
export interface Context {
  userId?: string;
  sessionId?: string;
  remoteAddress?: string;
  environment?: string;
  appName?: string;
  /** Date constraints compare against this; when absent, the engine's clock (default: now). */
  currentTime?: Date | string | number;
  properties?: Record<string, ContextPropertyValue>;
  [key: string]: unknown;
}
