export {
  type Approval,
  type ApprovalDecision,
  type ApprovalStatus,
  type ApprovalSubject,
  SUBJECT_KINDS,
} from './approval.js';
export { approvalRoutes } from './approval.routes.js';
export { type ApprovalService, createApprovalService } from './approval.service.js';
export type { ApprovalStore } from './approval.store.js';
export { createKyselyApprovalStore } from './approval.store.kysely.js';
