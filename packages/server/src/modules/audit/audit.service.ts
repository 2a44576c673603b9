import type { Actor } from '../auth/actor.js';
import type { Authorizer } from '../policies/authorizer.js';
import type { AuditEvent, AuditQuery } from './audit.js';
import type { AuditStore } from './audit.store.js';

export type AuditService = ReturnType<typeof createAuditService>;

export function createAuditService(deps: { store: AuditStore; authorizer: Authorizer }) {
  return {
    /** Events the caller may read, newest first; `nextBefore` pages further back. */
    async query(actor: Actor, query: AuditQuery): Promise<{ items: AuditEvent[]; nextBefore?: string }> {
      await deps.authorizer.require(actor, 'read', {
        kind: 'AuditEvent',
        project: query.project ?? '',
        name: '*',
      });
      const limit = Math.min(query.limit ?? 100, 1000);
      const items = await deps.store.query({ ...query, limit });
      const last = items[items.length - 1];
      return items.length === limit && last ? { items, nextBefore: last.id } : { items };
    },
  };
}
