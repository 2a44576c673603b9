import type { Approval, ApprovalStatus, ApprovalSubject } from './approval.js';

export interface ApprovalStore {
  insert(approval: Approval): Promise<void>;
  get(id: string): Promise<Approval | undefined>;
  forSubject(subjectType: ApprovalSubject, subjectId: string): Promise<Approval[]>;
  list(query: { project?: string; status?: ApprovalStatus; limit?: number }): Promise<Approval[]>;
  /** Moves a pending approval to a decision; false when it was no longer pending. */
  decide(
    id: string,
    status: ApprovalStatus,
    by: string,
    at: string,
    comment: string | undefined,
  ): Promise<boolean>;
}
