import type { RoleName } from './actor.js';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: RoleName;
  groups: string[];
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface UserRecord extends User {
  passwordHash: string;
}

export type TokenType = 'api' | 'client' | 'frontend';

export interface ApiToken {
  id: string;
  name: string;
  type: TokenType;
  role: RoleName;
  ownerUserId: string;
  owner?: string;
  project?: string;
  environment?: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

export interface Session {
  idHash: string;
  userId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

const RANK: Record<RoleName, number> = { none: 0, viewer: 1, dev: 2, ops: 3, admin: 4 };

/** A token may carry at most its creator's role. */
export function roleAtMost(role: RoleName, ceiling: RoleName): boolean {
  return RANK[role] <= RANK[ceiling];
}
