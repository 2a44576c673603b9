import { PontError } from '../../errors/index.js';
import { type Clock, isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Topic } from '../../lib/topic.js';
import type { AuditStore } from '../audit/audit.store.js';
import { type Actor, actorLabel, actorTypeLabel } from '../auth/actor.js';
import type { Authorizer } from '../policies/authorizer.js';
import {
  type Approval,
  type ApprovalDecision,
  type ApprovalStatus,
  type ApprovalSubject,
  SUBJECT_KINDS,
} from './approval.js';
import type { ApprovalStore } from './approval.store.js';

export interface ApprovalServiceDeps {
  store: ApprovalStore;
  audit: AuditStore;
  authorizer: Authorizer;
  clock: Clock;
  /** Subject modules listen here to continue (queue the execution, apply the flag change, …). */
  decisions: Topic<ApprovalDecision>;
}

export type ApprovalService = ReturnType<typeof createApprovalService>;

/**
 * Four-eyes approvals, one mechanism for executions, flag changes and deployments: someone with
 * `approve` in the environment, who is not the requester, approves or rejects with a comment.
 */
export function createApprovalService(deps: ApprovalServiceDeps) {
  const { store, audit, authorizer, clock, decisions } = deps;

  async function record(actor: Actor, action: string, approval: Approval, message: string): Promise<void> {
    await audit.append({
      id: newId(),
      time: isoNow(clock),
      actor: actorLabel(actor),
      actorType: actorTypeLabel(actor),
      action,
      kind: SUBJECT_KINDS[approval.subjectType],
      project: approval.project,
      name: approval.subjectName,
      environment: approval.environment,
      ...(actor.sourceIp ? { sourceIp: actor.sourceIp } : {}),
      changes: [],
      message,
    });
  }

  async function decide(
    actor: Actor,
    id: string,
    decision: 'approved' | 'rejected',
    comment?: string,
  ): Promise<Approval> {
    const approval = await store.get(id);
    if (!approval) throw new PontError('NOT_FOUND', `approval ${id} not found`);
    await authorizer.require(actor, 'approve', {
      kind: SUBJECT_KINDS[approval.subjectType],
      project: approval.project,
      name: approval.subjectName,
      environment: approval.environment,
    });
    if (approval.requestedBy === actorLabel(actor)) {
      throw new PontError(
        'FORBIDDEN',
        `${approval.requestedBy} requested this and cannot approve it too; another person with approve must decide`,
      );
    }
    const at = isoNow(clock);
    if (!(await store.decide(id, decision, actorLabel(actor), at, comment))) {
      throw new PontError('INVALID_STATE', `approval ${id} is already ${approval.status}`);
    }
    const decided: Approval = {
      ...approval,
      status: decision,
      decidedBy: actorLabel(actor),
      decidedAt: at,
      ...(comment ? { comment } : {}),
    };
    await record(
      actor,
      decision === 'approved' ? 'approve' : 'reject',
      decided,
      comment ? `${approval.summary}: ${comment}` : approval.summary,
    );
    decisions.publish({ approval: decided, decision });
    return decided;
  }

  return {
    async request(
      actor: Actor,
      input: {
        project: string;
        environment: string;
        subjectType: ApprovalSubject;
        subjectId: string;
        subjectName: string;
        summary: string;
      },
    ): Promise<Approval> {
      const approval: Approval = {
        id: newId(),
        ...input,
        requestedBy: actorLabel(actor),
        requestedAt: isoNow(clock),
        status: 'pending',
      };
      await store.insert(approval);
      await record(actor, 'approval-request', approval, input.summary);
      return approval;
    },

    decide,

    /**
     * Decides the pending approval of a subject (`pont approve EXEC`, a deployment's approve
     * button); `state` is the subject's own state, for the answer when nothing is pending.
     */
    async decidePendingFor(
      actor: Actor,
      subjectType: ApprovalSubject,
      subjectId: string,
      decision: 'approved' | 'rejected',
      comment: string | undefined,
      state: string,
    ): Promise<Approval> {
      const pending = (await store.forSubject(subjectType, subjectId)).find((a) => a.status === 'pending');
      if (!pending) {
        throw new PontError(
          'INVALID_STATE',
          `${subjectType} ${subjectId} is not waiting for an approval (it is ${state})`,
        );
      }
      return decide(actor, pending.id, decision, comment);
    },

    async cancelFor(subjectType: ApprovalSubject, subjectId: string, by: string): Promise<void> {
      for (const approval of await store.forSubject(subjectType, subjectId)) {
        if (approval.status === 'pending')
          await store.decide(approval.id, 'cancelled', by, isoNow(clock), undefined);
      }
    },

    forSubject: (subjectType: ApprovalSubject, subjectId: string) => store.forSubject(subjectType, subjectId),

    async list(actor: Actor, query: { project: string; status?: ApprovalStatus }): Promise<Approval[]> {
      await authorizer.require(actor, 'read', { kind: 'Approval', project: query.project, name: '*' });
      return store.list(query);
    },

    async get(actor: Actor, id: string): Promise<Approval> {
      const approval = await store.get(id);
      if (!approval) throw new PontError('NOT_FOUND', `approval ${id} not found`);
      await authorizer.require(actor, 'read', { kind: 'Approval', project: approval.project, name: '*' });
      return approval;
    },
  };
}
