export { type AuditEvent, type AuditQuery, REDACTED } from './audit.js';
export { auditRoutes } from './audit.routes.js';
export { type AuditService, createAuditService } from './audit.service.js';
export type { AuditStore } from './audit.store.js';
export { createKyselyAuditStore } from './audit.store.kysely.js';
