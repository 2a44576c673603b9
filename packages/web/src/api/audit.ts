import { request } from './client';
import type { AuditPage } from './types';

export interface AuditFilter {
  kind?: string;
  project?: string;
  name?: string;
  actor?: string;
  action?: string;
  /** ISO time or a duration back from now: 15m, 1h, 7d. */
  since?: string;
  limit?: number;
  before?: string;
}

export const queryAudit = (filter: AuditFilter) =>
  request<AuditPage>('/api/v1/audit', { query: { ...filter } });
