import type { Kysely, Selectable } from 'kysely';
import type { Database, FlagChangesTable } from '../../db/schema.js';
import type { FlagChangeStatus, StoredFlagChange } from './flag-change.js';
import type { FlagChangeStore } from './flag-change.store.js';

function fromRow(row: Selectable<FlagChangesTable>): StoredFlagChange {
  const change: StoredFlagChange = {
    id: row.id,
    project: row.project,
    flag: row.flag,
    environments: JSON.parse(row.environments),
    operation: JSON.parse(row.operation),
    summary: row.summary,
    requestedBy: row.requested_by,
    requester: JSON.parse(row.requester),
    requestedAt: row.requested_at,
    status: row.status as FlagChangeStatus,
  };
  if (row.run_at) change.runAt = row.run_at;
  if (row.base_version) change.baseVersion = row.base_version;
  if (row.finished_at) change.finishedAt = row.finished_at;
  if (row.message) change.message = row.message;
  return change;
}

export function createKyselyFlagChangeStore(db: Kysely<Database>): FlagChangeStore {
  return {
    async insert(change) {
      await db
        .insertInto('flag_changes')
        .values({
          id: change.id,
          project: change.project,
          flag: change.flag,
          environments: JSON.stringify(change.environments),
          operation: JSON.stringify(change.operation),
          summary: change.summary,
          requested_by: change.requestedBy,
          requester: JSON.stringify(change.requester),
          requested_at: change.requestedAt,
          run_at: change.runAt ?? null,
          status: change.status,
          base_version: change.baseVersion ?? null,
          finished_at: change.finishedAt ?? null,
          message: change.message ?? null,
        })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('flag_changes').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
    async list(query) {
      let q = db.selectFrom('flag_changes').selectAll().where('project', '=', query.project);
      if (query.flag) q = q.where('flag', '=', query.flag);
      if (query.statuses?.length) q = q.where('status', 'in', query.statuses);
      const rows = await q
        .orderBy('id', 'desc')
        .limit(query.limit ?? 100)
        .execute();
      return rows.map(fromRow);
    },
    async transition(id, from, to, patch = {}) {
      const result = await db
        .updateTable('flag_changes')
        .set({
          status: to,
          ...(patch.finishedAt !== undefined ? { finished_at: patch.finishedAt } : {}),
          ...(patch.message !== undefined ? { message: patch.message } : {}),
        })
        .where('id', '=', id)
        .where('status', 'in', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async due(now) {
      const rows = await db
        .selectFrom('flag_changes')
        .selectAll()
        .where('status', '=', 'scheduled')
        .where('run_at', '<=', now)
        .orderBy('run_at')
        .limit(100)
        .execute();
      return rows.map(fromRow);
    },
  };
}
