import type { FlagChangeStatus, StoredFlagChange } from './flag-change.js';

export interface FlagChangeStore {
  insert(change: StoredFlagChange): Promise<void>;
  get(id: string): Promise<StoredFlagChange | undefined>;
  list(query: {
    project: string;
    flag?: string;
    statuses?: FlagChangeStatus[];
    limit?: number;
  }): Promise<StoredFlagChange[]>;
  /** Moves a change from one of `from` to `to`; false when another replica or request moved it first. */
  transition(
    id: string,
    from: FlagChangeStatus[],
    to: FlagChangeStatus,
    patch?: { finishedAt?: string; message?: string },
  ): Promise<boolean>;
  /** Scheduled changes whose time has come. */
  due(now: string): Promise<StoredFlagChange[]>;
}
