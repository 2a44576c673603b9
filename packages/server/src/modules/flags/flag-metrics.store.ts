export type MetricPeriod = 'minute' | 'hour';

export interface MetricRow {
  project: string;
  environment: string;
  flag: string;
  appName: string;
  period: MetricPeriod;
  /** Start of the minute or hour, ISO. */
  bucket: string;
  /** '' for the yes/no totals; else a variant name whose count is in `yes`. */
  variant: string;
  yes: number;
  no: number;
}

export interface SeenRow {
  project: string;
  environment: string;
  flag: string;
  at: string;
}

export interface ClientRow {
  project: string;
  environment: string;
  appName: string;
  instanceId: string;
  sdkVersion?: string;
  source: 'client' | 'frontend';
  startedAt?: string;
  intervalMs?: number;
  lastSeenAt: string;
}

export interface FlagMetricsStore {
  /** Adds the counts to what each (…, bucket, variant) row already holds. */
  add(rows: MetricRow[]): Promise<void>;
  seen(rows: SeenRow[]): Promise<void>;
  upsertClients(rows: ClientRow[]): Promise<void>;
  query(q: {
    project: string;
    flag: string;
    period: MetricPeriod;
    since: string;
    environment?: string;
    appName?: string;
  }): Promise<MetricRow[]>;
  lastSeen(project: string): Promise<SeenRow[]>;
  clients(project: string, environment?: string): Promise<Array<ClientRow & { firstSeenAt: string }>>;
  /** Drops rows of the period older than `before`; returns how many. */
  prune(period: MetricPeriod, before: string): Promise<number>;
}
