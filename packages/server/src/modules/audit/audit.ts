import type { FieldChange } from '../resources/resource.js';

export interface AuditEvent {
  id: string;
  time: string;
  actor: string;
  actorType: string;
  /** create | update | delete | login | login-failed | token-create | token-revoke | run | approve … */
  action: string;
  kind: string;
  project: string;
  name: string;
  environment?: string;
  sourceIp?: string;
  changes: FieldChange[];
  message?: string;
}

export interface AuditQuery {
  kind?: string;
  project?: string;
  name?: string;
  actor?: string;
  action?: string;
  since?: string;
  until?: string;
  /** Return events older than this id (the cursor of the previous page). */
  before?: string;
  limit?: number;
}

export const REDACTED = '*****';
