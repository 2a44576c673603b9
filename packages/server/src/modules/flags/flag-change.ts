import type { Actor } from '../auth/actor.js';
import type { FlagOperation } from './flag-operations.js';

/**
 * pending-approval → (approved) → scheduled (when runAt is ahead) → applying → applied | failed;
 * pending-approval → rejected; pending-approval | scheduled → cancelled.
 */
export type FlagChangeStatus =
  | 'pending-approval'
  | 'scheduled'
  | 'applying'
  | 'applied'
  | 'rejected'
  | 'cancelled'
  | 'failed';

export const FLAG_CHANGE_STATUSES: readonly FlagChangeStatus[] = [
  'pending-approval',
  'scheduled',
  'applying',
  'applied',
  'rejected',
  'cancelled',
  'failed',
];

/** A flag change that waits for an approval or a time (an immediate change is just applied). */
export interface FlagChange {
  id: string;
  project: string;
  flag: string;
  /** Environments the change touches. */
  environments: string[];
  operation: FlagOperation;
  summary: string;
  requestedBy: string;
  requestedAt: string;
  /** When a scheduled change is due. */
  runAt?: string;
  status: FlagChangeStatus;
  /** resourceVersion of the flag when a whole-Flag apply was requested (a later edit makes it fail). */
  baseVersion?: string;
  finishedAt?: string;
  message?: string;
}

export interface StoredFlagChange extends FlagChange {
  /** Who asked; the change is applied with their rights once approved or due. */
  requester: Actor;
}

export function publicChange(change: StoredFlagChange): FlagChange {
  const { requester: _hidden, ...rest } = change;
  return rest;
}
