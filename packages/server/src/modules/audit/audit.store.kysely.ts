import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { FieldChange } from '../resources/resource.js';
import type { AuditEvent } from './audit.js';
import type { AuditStore } from './audit.store.js';

export function createKyselyAuditStore(db: Kysely<Database>): AuditStore {
  return {
    async append(event) {
      await db
        .insertInto('audit_events')
        .values({
          id: event.id,
          time: event.time,
          actor: event.actor,
          actor_type: event.actorType,
          action: event.action,
          kind: event.kind,
          project: event.project,
          name: event.name,
          environment: event.environment ?? null,
          source_ip: event.sourceIp ?? null,
          diff: JSON.stringify(event.changes),
          message: event.message ?? null,
        })
        .execute();
    },

    async query(q) {
      let query = db.selectFrom('audit_events').selectAll();
      if (q.kind) query = query.where('kind', '=', q.kind);
      if (q.project) query = query.where('project', '=', q.project);
      if (q.name) query = query.where('name', '=', q.name);
      if (q.actor) query = query.where('actor', '=', q.actor);
      if (q.action) query = query.where('action', '=', q.action);
      if (q.since) query = query.where('time', '>=', q.since);
      if (q.until) query = query.where('time', '<=', q.until);
      if (q.before) query = query.where('id', '<', q.before);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(q.limit ?? 100)
        .execute();
      return rows.map((r) => {
        const event: AuditEvent = {
          id: r.id,
          time: r.time,
          actor: r.actor,
          actorType: r.actor_type,
          action: r.action,
          kind: r.kind,
          project: r.project,
          name: r.name,
          changes: JSON.parse(r.diff) as FieldChange[],
        };
        if (r.environment) event.environment = r.environment;
        if (r.source_ip) event.sourceIp = r.source_ip;
        if (r.message) event.message = r.message;
        return event;
      });
    },
  };
}
