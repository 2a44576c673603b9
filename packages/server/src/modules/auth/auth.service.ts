import { createHash } from 'node:crypto';
import { PontError } from '../../errors/index.js';
import { type Clock, isoNow } from '../../lib/clock.js';
import { newId, randomToken } from '../../lib/ids.js';
import type { AuditEvent } from '../audit/audit.js';
import type { AuditStore } from '../audit/audit.store.js';
import type { Authorizer } from '../policies/authorizer.js';
import { type Actor, actorLabel, actorTypeLabel, ROLE_NAMES, type RoleName } from './actor.js';
import { type ApiToken, roleAtMost, type TokenType, type User, type UserRecord } from './auth.js';
import type { AuthStore } from './auth.store.js';
import type { LoginThrottle } from './login-throttle.js';
import { hashPassword, UNUSABLE_HASH, verifyPassword } from './password.js';

export interface AuthServiceDeps {
  store: AuthStore;
  audit: AuditStore;
  authorizer: Authorizer;
  throttle: LoginThrottle;
  clock: Clock;
  sessionTtlMs?: number;
  /** How long a verified token or session is trusted before it is looked up again. */
  cacheMs?: number;
}

export interface LoginResult {
  user: User;
  sessionToken: string;
  csrfToken: string;
  expiresAt: string;
}

export interface CreatedToken {
  token: string;
  record: ApiToken;
}

export const TOKEN_PREFIX = 'pont_';
const USERNAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: AuthServiceDeps) {
  const { store, audit, authorizer, throttle, clock } = deps;
  const sessionTtlMs = deps.sessionTtlMs ?? 12 * 3_600_000;
  const cacheMs = deps.cacheMs ?? 5000;
  const cache = new Map<string, { actor: Actor; csrf?: string; until: number }>();
  const touched = new Map<string, number>();

  const now = () => clock.now().getTime();

  function cached(key: string): { actor: Actor; csrf?: string } | undefined {
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit;
    if (hit) cache.delete(key);
    return undefined;
  }

  function remember(key: string, actor: Actor, expiresAt: string | undefined, csrf?: string): void {
    if (cache.size > 10_000) cache.clear();
    const until = expiresAt ? Math.min(Date.parse(expiresAt), now() + cacheMs) : now() + cacheMs;
    cache.set(key, csrf === undefined ? { actor, until } : { actor, csrf, until });
  }

  async function record(
    actor: Actor,
    action: string,
    kind: string,
    name: string,
    message?: string,
  ): Promise<void> {
    const event: AuditEvent = {
      id: newId(),
      time: isoNow(clock),
      actor: actorLabel(actor),
      actorType: actorTypeLabel(actor),
      action,
      kind,
      project: '',
      name,
      changes: [],
    };
    if (actor.sourceIp) event.sourceIp = actor.sourceIp;
    if (message) event.message = message;
    await audit.append(event);
  }

  function userActor(user: UserRecord, sourceIp?: string): Actor {
    const actor: Actor = {
      type: 'user',
      id: user.id,
      name: user.username,
      role: user.role,
      groups: user.groups,
      userId: user.id,
      username: user.username,
    };
    if (sourceIp) actor.sourceIp = sourceIp;
    return actor;
  }

  function publicUser(user: UserRecord): User {
    const { passwordHash: _hidden, ...rest } = user;
    return rest;
  }

  async function requireAdmin(actor: Actor, name: string): Promise<void> {
    await authorizer.require(actor, 'admin', { kind: 'User', project: '', name });
  }

  function validateNewUser(input: { username: string; role?: string; password?: string }): void {
    const details = [];
    if (!USERNAME.test(input.username)) {
      details.push({
        path: 'username',
        message: 'lowercase letters, digits, ".", "_" and "-", at most 63 characters',
      });
    }
    if (input.role !== undefined && !ROLE_NAMES.includes(input.role as RoleName)) {
      details.push({ path: 'role', message: `expected one of ${ROLE_NAMES.join(', ')}` });
    }
    if (input.password !== undefined && input.password.length < 8) {
      details.push({ path: 'password', message: 'at least 8 characters' });
    }
    if (details.length > 0)
      throw new PontError('VALIDATION_FAILED', details[0]?.message ?? 'invalid user', details);
  }

  return {
    /** Creates the first admin when there is no user at all; returns the password to print once. */
    async bootstrapAdmin(
      password: string | undefined,
    ): Promise<{ created: boolean; password?: string; generated?: boolean }> {
      if ((await store.countUsers()) > 0) return { created: false };
      const chosen = password ?? randomToken(12);
      const at = isoNow(clock);
      await store.insertUser({
        id: newId(),
        username: 'admin',
        displayName: 'Administrator',
        role: 'admin',
        groups: ['admins'],
        disabled: false,
        passwordHash: await hashPassword(chosen),
        createdAt: at,
        updatedAt: at,
      });
      return { created: true, password: chosen, generated: password === undefined };
    },

    async login(username: string, password: string, sourceIp: string): Promise<LoginResult> {
      const keys = [`user:${username}`, `ip:${sourceIp}`];
      throttle.check(keys);
      const user = await store.getUserByName(username);
      const ok = await verifyPassword(password, user?.passwordHash ?? UNUSABLE_HASH);
      if (!user || !ok || user.disabled) {
        throttle.failed(keys);
        await record(
          { type: 'user', id: '', name: username, role: 'none', groups: [], sourceIp },
          'login-failed',
          'User',
          username,
        );
        throw new PontError('LOGIN_FAILED', 'wrong username or password', [
          { path: 'password', message: 'check both and try again' },
        ]);
      }
      throttle.succeeded(keys);
      const sessionToken = randomToken(32);
      const csrfToken = randomToken(24);
      const expiresAt = new Date(now() + sessionTtlMs).toISOString();
      await store.insertSession({
        idHash: hashToken(sessionToken),
        userId: user.id,
        csrfToken,
        createdAt: isoNow(clock),
        expiresAt,
      });
      await store.deleteExpiredSessions(isoNow(clock));
      await record(userActor(user, sourceIp), 'login', 'User', username);
      return { user: publicUser(user), sessionToken, csrfToken, expiresAt };
    },

    async logout(sessionToken: string): Promise<void> {
      const idHash = hashToken(sessionToken);
      cache.delete(`s:${idHash}`);
      await store.deleteSession(idHash);
    },

    /** Resolves a session cookie to its user, with the CSRF token writes must echo. */
    async authenticateSession(
      sessionToken: string,
    ): Promise<{ actor: Actor; csrfToken: string } | undefined> {
      const idHash = hashToken(sessionToken);
      const hit = cached(`s:${idHash}`);
      if (hit) return { actor: hit.actor, csrfToken: hit.csrf ?? '' };
      const session = await store.getSession(idHash);
      if (!session || session.expiresAt < isoNow(clock)) return undefined;
      const user = await store.getUserById(session.userId);
      if (!user || user.disabled) return undefined;
      const actor = userActor(user);
      remember(`s:${idHash}`, actor, session.expiresAt, session.csrfToken);
      return { actor, csrfToken: session.csrfToken };
    },

    async authenticateToken(token: string): Promise<Actor | undefined> {
      if (!token.startsWith(TOKEN_PREFIX)) return undefined;
      const tokenHash = hashToken(token);
      const hit = cached(`t:${tokenHash}`);
      if (hit) return hit.actor;
      const record = await store.getTokenByHash(tokenHash);
      if (!record || record.revokedAt) return undefined;
      if (record.expiresAt && record.expiresAt < isoNow(clock)) return undefined;
      const owner = await store.getUserById(record.ownerUserId);
      if (!owner || owner.disabled) return undefined;
      const role = roleAtMost(record.role, owner.role) ? record.role : owner.role;
      const actor: Actor = {
        type: 'token',
        id: record.id,
        name: record.name,
        role,
        groups: owner.groups,
        actsAsOwner: record.type === 'api' && role === owner.role,
        userId: owner.id,
        username: owner.username,
        tokenType: record.type,
      };
      if (record.project) actor.project = record.project;
      if (record.environment) actor.environment = record.environment;
      remember(`t:${tokenHash}`, actor, record.expiresAt);
      const last = touched.get(record.id) ?? 0;
      // Recording use on every request would turn each read into a write.
      if (now() - last > 60_000) {
        touched.set(record.id, now());
        await store.touchToken(record.id, isoNow(clock));
      }
      return actor;
    },

    async createToken(
      actor: Actor,
      input: {
        name: string;
        role?: RoleName;
        type?: TokenType;
        expiresInMs?: number;
        project?: string;
        environment?: string;
      },
    ): Promise<CreatedToken> {
      if (actor.type === 'system' || !actor.userId || (actor.type === 'token' && actor.tokenType !== 'api')) {
        throw new PontError(
          'FORBIDDEN',
          'only a user or their API token can create tokens; log in with pont login first',
        );
      }
      const type = input.type ?? 'api';
      const details = [];
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(input.name)) {
        details.push({ path: 'name', message: 'letters, digits, ".", "_" and "-", at most 128 characters' });
      }
      if (type !== 'api' && (!input.project || !input.environment)) {
        details.push({
          path: 'project',
          message: `a ${type} token is bound to one project and environment: pass -p PROJECT --env ENV`,
        });
      }
      if (input.role !== undefined && !ROLE_NAMES.includes(input.role)) {
        details.push({ path: 'role', message: `expected one of ${ROLE_NAMES.join(', ')}` });
      }
      if (details.length > 0)
        throw new PontError('VALIDATION_FAILED', details[0]?.message ?? 'invalid token', details);
      const role: RoleName = type === 'api' ? (input.role ?? actor.role) : 'none';
      if (!roleAtMost(role, actor.role)) {
        throw new PontError(
          'FORBIDDEN',
          `a token cannot carry more than your own role (${actor.role}); asked for ${role}`,
        );
      }
      if (type !== 'api') {
        await authorizer.require(actor, 'apply', {
          kind: 'Token',
          project: input.project ?? '',
          name: input.name,
          environment: input.environment ?? '',
        });
      }
      const token = `${TOKEN_PREFIX}${randomToken(32)}`;
      const createdAt = isoNow(clock);
      const tokenRecord: ApiToken = {
        id: newId(),
        name: input.name,
        type,
        role,
        ownerUserId: actor.userId,
        createdAt,
      };
      if (input.expiresInMs !== undefined)
        tokenRecord.expiresAt = new Date(now() + input.expiresInMs).toISOString();
      if (input.project) tokenRecord.project = input.project;
      if (input.environment) tokenRecord.environment = input.environment;
      await store.insertToken(tokenRecord, hashToken(token));
      await record(actor, 'token-create', 'Token', input.name, `${type} token, role ${role}`);
      return { token, record: { ...tokenRecord, owner: actor.username ?? actor.name } };
    },

    async listTokens(actor: Actor): Promise<ApiToken[]> {
      const all = (await authorizer.decide(actor, 'admin', { kind: 'Token', project: '', name: '*' }))
        .allowed;
      const users = new Map((await store.listUsers()).map((u) => [u.id, u.username]));
      const tokens = await store.listTokens(all ? undefined : actor.userId);
      return tokens.map((t) => ({ ...t, owner: users.get(t.ownerUserId) ?? '?' }));
    },

    async revokeToken(actor: Actor, id: string): Promise<void> {
      const token = await store.getToken(id);
      if (!token) throw new PontError('NOT_FOUND', `token ${id} not found`);
      if (token.ownerUserId !== actor.userId)
        await authorizer.require(actor, 'admin', { kind: 'Token', project: '', name: token.name });
      await store.revokeToken(id, isoNow(clock));
      cache.clear();
      await record(actor, 'token-revoke', 'Token', token.name);
    },

    async listUsers(actor: Actor): Promise<User[]> {
      await authorizer.require(actor, 'read', { kind: 'User', project: '', name: '*' });
      return (await store.listUsers()).map(publicUser);
    },

    async getUser(actor: Actor, username: string): Promise<User> {
      if (actor.username !== username)
        await authorizer.require(actor, 'read', { kind: 'User', project: '', name: username });
      const user = await store.getUserByName(username);
      if (!user) throw new PontError('NOT_FOUND', `user ${username} not found`);
      return publicUser(user);
    },

    async createUser(
      actor: Actor,
      input: { username: string; password: string; role?: RoleName; groups?: string[]; displayName?: string },
    ): Promise<User> {
      await requireAdmin(actor, input.username);
      validateNewUser(input);
      if (await store.getUserByName(input.username)) {
        throw new PontError('ALREADY_EXISTS', `user ${input.username} already exists`, [
          { path: 'username', message: 'choose another name' },
        ]);
      }
      const at = isoNow(clock);
      const user: UserRecord = {
        id: newId(),
        username: input.username,
        displayName: input.displayName ?? input.username,
        role: input.role ?? 'viewer',
        groups: input.groups ?? [],
        disabled: false,
        passwordHash: await hashPassword(input.password),
        createdAt: at,
        updatedAt: at,
      };
      await store.insertUser(user);
      await record(actor, 'create', 'User', user.username, `role ${user.role}`);
      return publicUser(user);
    },

    async updateUser(
      actor: Actor,
      username: string,
      input: {
        role?: RoleName;
        groups?: string[];
        displayName?: string;
        disabled?: boolean;
        password?: string;
      },
    ): Promise<User> {
      const self = actor.username === username;
      const onlyPassword = Object.keys(input).every((k) => k === 'password');
      // Users change their own password; everything else about a user is an admin's job.
      if (!(self && onlyPassword)) await requireAdmin(actor, username);
      validateNewUser({
        username,
        ...(input.role ? { role: input.role } : {}),
        ...(input.password ? { password: input.password } : {}),
      });
      const user = await store.getUserByName(username);
      if (!user) throw new PontError('NOT_FOUND', `user ${username} not found`);
      const next: UserRecord = { ...user, updatedAt: isoNow(clock) };
      if (input.role) next.role = input.role;
      if (input.groups) next.groups = input.groups;
      if (input.displayName) next.displayName = input.displayName;
      if (input.disabled !== undefined) next.disabled = input.disabled;
      if (input.password) next.passwordHash = await hashPassword(input.password);
      await store.updateUser(next);
      if (input.password || input.disabled) await store.deleteSessionsOf(user.id);
      cache.clear();
      const what = Object.keys(input)
        .map((k) => (k === 'password' ? 'password changed' : `${k} changed`))
        .join(', ');
      await record(actor, 'update', 'User', username, what);
      return publicUser(next);
    },

    async deleteUser(actor: Actor, username: string): Promise<void> {
      await requireAdmin(actor, username);
      const user = await store.getUserByName(username);
      if (!user) throw new PontError('NOT_FOUND', `user ${username} not found`);
      if (user.id === actor.userId)
        throw new PontError('INVALID_STATE', 'you cannot delete yourself; ask another admin');
      await store.deleteSessionsOf(user.id);
      await store.deleteUser(user.id);
      cache.clear();
      await record(actor, 'delete', 'User', username);
    },
  };
}
