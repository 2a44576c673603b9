/** A request for a second person to allow something in a protected environment. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

/** What is waiting: an execution, a flag change, a deployment. Each maps to the kind policies name. */
export type ApprovalSubject = 'execution' | 'flag-change' | 'deployment';

export const SUBJECT_KINDS: Record<ApprovalSubject, string> = {
  execution: 'Job',
  'flag-change': 'Flag',
  deployment: 'App',
};

export interface Approval {
  id: string;
  project: string;
  environment: string;
  subjectType: ApprovalSubject;
  subjectId: string;
  /** The resource name policies are checked against (job, flag or app name). */
  subjectName: string;
  summary: string;
  requestedBy: string;
  requestedAt: string;
  status: ApprovalStatus;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
}

export interface ApprovalDecision {
  approval: Approval;
  decision: 'approved' | 'rejected';
}
