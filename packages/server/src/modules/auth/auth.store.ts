import type { ApiToken, Session, UserRecord } from './auth.js';

export interface AuthStore {
  countUsers(): Promise<number>;
  getUserById(id: string): Promise<UserRecord | undefined>;
  getUserByName(username: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  insertUser(user: UserRecord): Promise<void>;
  updateUser(user: UserRecord): Promise<void>;
  deleteUser(id: string): Promise<void>;

  insertSession(session: Session): Promise<void>;
  getSession(idHash: string): Promise<Session | undefined>;
  deleteSession(idHash: string): Promise<void>;
  deleteSessionsOf(userId: string): Promise<void>;
  deleteExpiredSessions(nowIso: string): Promise<void>;

  insertToken(token: ApiToken, tokenHash: string): Promise<void>;
  getTokenByHash(tokenHash: string): Promise<ApiToken | undefined>;
  getToken(id: string): Promise<ApiToken | undefined>;
  listTokens(ownerUserId?: string): Promise<ApiToken[]>;
  revokeToken(id: string, at: string): Promise<void>;
  touchToken(id: string, at: string): Promise<void>;
}
