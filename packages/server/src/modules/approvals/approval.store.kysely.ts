import type { Kysely, Selectable } from 'kysely';
import type { ApprovalsTable, Database } from '../../db/schema.js';
import type { Approval, ApprovalStatus, ApprovalSubject } from './approval.js';
import type { ApprovalStore } from './approval.store.js';

export function createKyselyApprovalStore(db: Kysely<Database>): ApprovalStore {
  return {
    async insert(a) {
      await db
        .insertInto('approvals')
        .values({
          id: a.id,
          project: a.project,
          environment: a.environment,
          subject_type: a.subjectType,
          // The name rides with the id so policies can be checked without loading the subject.
          subject_id: `${a.subjectId}|${a.subjectName}`,
          summary: a.summary,
          requested_by: a.requestedBy,
          requested_at: a.requestedAt,
          status: a.status,
          decided_by: null,
          decided_at: null,
          comment: null,
        })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
    async forSubject(subjectType, subjectId) {
      const rows = await db
        .selectFrom('approvals')
        .selectAll()
        .where('subject_type', '=', subjectType)
        .where('subject_id', 'like', `${subjectId}|%`)
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },
    async list(q) {
      let query = db.selectFrom('approvals').selectAll();
      if (q.project) query = query.where('project', '=', q.project);
      if (q.status) query = query.where('status', '=', q.status);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(q.limit ?? 100)
        .execute();
      return rows.map(fromRow);
    },
    async decide(id, status, by, at, comment) {
      const result = await db
        .updateTable('approvals')
        .set({ status, decided_by: by, decided_at: at, comment: comment ?? null })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

function fromRow(r: Selectable<ApprovalsTable>): Approval {
  const bar = r.subject_id.indexOf('|');
  const approval: Approval = {
    id: r.id,
    project: r.project,
    environment: r.environment,
    subjectType: r.subject_type as ApprovalSubject,
    subjectId: bar === -1 ? r.subject_id : r.subject_id.slice(0, bar),
    subjectName: bar === -1 ? '' : r.subject_id.slice(bar + 1),
    summary: r.summary,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    status: r.status as ApprovalStatus,
  };
  if (r.decided_by) approval.decidedBy = r.decided_by;
  if (r.decided_at) approval.decidedAt = r.decided_at;
  if (r.comment) approval.comment = r.comment;
  return approval;
}
