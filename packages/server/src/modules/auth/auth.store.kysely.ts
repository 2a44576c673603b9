import type { Kysely, Selectable } from 'kysely';
import type { Database, TokensTable, UsersTable } from '../../db/schema.js';
import type { RoleName } from './actor.js';
import type { ApiToken, TokenType, UserRecord } from './auth.js';
import type { AuthStore } from './auth.store.js';

export function createKyselyAuthStore(db: Kysely<Database>): AuthStore {
  return {
    async countUsers() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async getUserById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? userFromRow(row) : undefined;
    },
    async getUserByName(username) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirst();
      return row ? userFromRow(row) : undefined;
    },
    async listUsers() {
      return (await db.selectFrom('users').selectAll().orderBy('username').execute()).map(userFromRow);
    },
    async insertUser(user) {
      await db.insertInto('users').values(userToRow(user)).execute();
    },
    async updateUser(user) {
      const { id, ...rest } = userToRow(user);
      await db.updateTable('users').set(rest).where('id', '=', id).execute();
    },
    async deleteUser(id) {
      await db.deleteFrom('users').where('id', '=', id).execute();
    },

    async insertSession(s) {
      await db
        .insertInto('sessions')
        .values({
          id_hash: s.idHash,
          user_id: s.userId,
          csrf_token: s.csrfToken,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
        })
        .execute();
    },
    async getSession(idHash) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return row
        ? {
            idHash: row.id_hash,
            userId: row.user_id,
            csrfToken: row.csrf_token,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
          }
        : undefined;
    },
    async deleteSession(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    async deleteSessionsOf(userId) {
      await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    },
    async deleteExpiredSessions(nowIso) {
      await db.deleteFrom('sessions').where('expires_at', '<', nowIso).execute();
    },

    async insertToken(t, tokenHash) {
      await db
        .insertInto('tokens')
        .values({
          id: t.id,
          name: t.name,
          token_hash: tokenHash,
          type: t.type,
          role: t.role,
          owner_user_id: t.ownerUserId,
          project: t.project ?? null,
          environment: t.environment ?? null,
          created_at: t.createdAt,
          expires_at: t.expiresAt ?? null,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
    },
    async getTokenByHash(tokenHash) {
      const row = await db
        .selectFrom('tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row ? tokenFromRow(row) : undefined;
    },
    async getToken(id) {
      const row = await db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? tokenFromRow(row) : undefined;
    },
    async listTokens(ownerUserId) {
      let q = db.selectFrom('tokens').selectAll().orderBy('created_at', 'desc');
      if (ownerUserId) q = q.where('owner_user_id', '=', ownerUserId);
      return (await q.execute()).map(tokenFromRow);
    },
    async revokeToken(id, at) {
      await db.updateTable('tokens').set({ revoked_at: at }).where('id', '=', id).execute();
    },
    async touchToken(id, at) {
      await db.updateTable('tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
}

function userFromRow(r: Selectable<UsersTable>): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    passwordHash: r.password_hash,
    role: r.role as RoleName,
    groups: JSON.parse(r.groups) as string[],
    disabled: r.disabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function userToRow(u: UserRecord): UsersTable {
  return {
    id: u.id,
    username: u.username,
    display_name: u.displayName,
    password_hash: u.passwordHash,
    role: u.role,
    groups: JSON.stringify(u.groups),
    disabled: u.disabled ? 1 : 0,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

function tokenFromRow(r: Selectable<TokensTable>): ApiToken {
  const t: ApiToken = {
    id: r.id,
    name: r.name,
    type: r.type as TokenType,
    role: r.role as RoleName,
    ownerUserId: r.owner_user_id,
    createdAt: r.created_at,
  };
  if (r.project) t.project = r.project;
  if (r.environment) t.environment = r.environment;
  if (r.expires_at) t.expiresAt = r.expires_at;
  if (r.revoked_at) t.revokedAt = r.revoked_at;
  if (r.last_used_at) t.lastUsedAt = r.last_used_at;
  return t;
}
