import type { AuditEvent, AuditQuery } from './audit.js';

export interface AuditStore {
  append(event: AuditEvent): Promise<void>;
  /** Newest first. */
  query(query: AuditQuery): Promise<AuditEvent[]>;
}
