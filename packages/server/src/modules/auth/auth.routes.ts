import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PontError } from '../../errors/index.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../http/authenticate.js';
import { parseDuration } from '../../lib/durations.js';
import { ROLE_NAMES, type RoleName } from './actor.js';
import type { AuthService } from './auth.service.js';

const Role = Type.Union(ROLE_NAMES.map((r) => Type.Literal(r)));
const Login = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    /** The CLI asks for a token instead of a cookie. */
    issueToken: Type.Optional(Type.Boolean()),
    tokenName: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
const CreateToken = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    role: Type.Optional(Role),
    type: Type.Optional(Type.Union([Type.Literal('api'), Type.Literal('client'), Type.Literal('frontend')])),
    expires: Type.Optional(Type.String({ description: 'a duration such as 30d or 12h' })),
    project: Type.Optional(Type.String()),
    environment: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const CreateUser = Type.Object(
  {
    username: Type.String(),
    password: Type.String({ minLength: 8, maxLength: 1024 }),
    role: Type.Optional(Role),
    groups: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }))),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const UpdateUser = Type.Object(
  {
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 1024 })),
    role: Type.Optional(Role),
    groups: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }))),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const ByName = Type.Object({ name: Type.String() });
const ById = Type.Object({ id: Type.String() });

export function authRoutes(auth: AuthService, options: { secureCookies: boolean; cliTokenTtlMs?: number }) {
  const cookieOptions = { path: '/', sameSite: 'strict' as const, secure: options.secureCookies };
  return async (app: FastifyInstance) => {
    app.post<{ Body: Static<typeof Login> }>(
      '/api/v1/auth/login',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Log in; sets the session cookie (or returns a token)',
          body: Login,
        },
      },
      async (request, reply) => {
        const { username, password, issueToken, tokenName } = request.body;
        const result = await auth.login(username, password, request.ip);
        if (issueToken) {
          const actor = {
            type: 'user' as const,
            id: result.user.id,
            name: result.user.username,
            username: result.user.username,
            userId: result.user.id,
            role: result.user.role,
            groups: result.user.groups,
            sourceIp: request.ip,
          };
          const created = await auth.createToken(actor, {
            name: tokenName ?? `cli-${new Date().toISOString().slice(0, 10)}`,
            expiresInMs: options.cliTokenTtlMs ?? 30 * 86_400_000,
          });
          await auth.logout(result.sessionToken);
          return { user: result.user, token: created.token, expiresAt: created.record.expiresAt };
        }
        const expires = new Date(result.expiresAt);
        void reply.setCookie(SESSION_COOKIE, result.sessionToken, {
          ...cookieOptions,
          httpOnly: true,
          expires,
        });
        // Readable by the page so it can echo it in X-Pont-CSRF; useless to another site.
        void reply.setCookie(CSRF_COOKIE, result.csrfToken, { ...cookieOptions, httpOnly: false, expires });
        return { user: result.user, csrfToken: result.csrfToken, expiresAt: result.expiresAt };
      },
    );

    app.post(
      '/api/v1/auth/logout',
      { schema: { tags: ['auth'], summary: 'End the session' } },
      async (request, reply) => {
        const cookie = request.cookies[SESSION_COOKIE];
        if (cookie) await auth.logout(cookie);
        void reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
        return { ok: true };
      },
    );

    app.get(
      '/api/v1/auth/whoami',
      { schema: { tags: ['auth'], summary: 'Who the caller is' } },
      async (request) => {
        const a = request.actor;
        const csrfToken = request.cookies[CSRF_COOKIE];
        return {
          type: a.type,
          name: a.name,
          username: a.username ?? a.name,
          role: a.role,
          groups: a.groups,
          ...(a.tokenType ? { tokenType: a.tokenType } : {}),
          ...(csrfToken ? { csrfToken } : {}),
        };
      },
    );

    app.get(
      '/api/v1/tokens',
      { schema: { tags: ['auth'], summary: 'Your tokens (all tokens for admins)' } },
      async (request) => ({
        items: await auth.listTokens(request.actor),
      }),
    );

    app.post<{ Body: Static<typeof CreateToken> }>(
      '/api/v1/tokens',
      { schema: { tags: ['auth'], summary: 'Create a token; its value is shown once', body: CreateToken } },
      async (request, reply) => {
        const { expires, ...rest } = request.body;
        let expiresInMs: number | undefined;
        if (expires !== undefined) {
          expiresInMs = parseDuration(expires);
          if (expiresInMs === undefined || expiresInMs <= 0) {
            throw new PontError('VALIDATION_FAILED', `invalid expiry "${expires}"`, [
              { path: 'expires', message: 'expected a duration such as 30d, 12h or 90m' },
            ]);
          }
        }
        const created = await auth.createToken(request.actor, {
          ...rest,
          ...(expiresInMs !== undefined ? { expiresInMs } : {}),
        });
        void reply.status(201);
        return { token: created.token, ...created.record };
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/api/v1/tokens/:id',
      { schema: { tags: ['auth'], summary: 'Revoke a token', params: ById } },
      async (request) => {
        await auth.revokeToken(request.actor, request.params.id);
        return { ok: true };
      },
    );

    app.get('/api/v1/users', { schema: { tags: ['users'], summary: 'List users' } }, async (request) => ({
      items: await auth.listUsers(request.actor),
    }));
    app.get<{ Params: { name: string } }>(
      '/api/v1/users/:name',
      { schema: { tags: ['users'], params: ByName } },
      async (request) => auth.getUser(request.actor, request.params.name),
    );
    app.post<{ Body: Static<typeof CreateUser> }>(
      '/api/v1/users',
      { schema: { tags: ['users'], summary: 'Create a user (admin)', body: CreateUser } },
      async (request, reply) => {
        const body = request.body;
        void reply.status(201);
        return auth.createUser(request.actor, {
          ...body,
          ...(body.role ? { role: body.role as RoleName } : {}),
        });
      },
    );
    app.patch<{ Params: { name: string }; Body: Static<typeof UpdateUser> }>(
      '/api/v1/users/:name',
      {
        schema: {
          tags: ['users'],
          summary: 'Change a user (admin), or your own password',
          params: ByName,
          body: UpdateUser,
        },
      },
      async (request) => {
        const body = request.body;
        return auth.updateUser(request.actor, request.params.name, {
          ...body,
          ...(body.role ? { role: body.role as RoleName } : {}),
        });
      },
    );
    app.delete<{ Params: { name: string } }>(
      '/api/v1/users/:name',
      { schema: { tags: ['users'], summary: 'Delete a user (admin)', params: ByName } },
      async (request) => {
        await auth.deleteUser(request.actor, request.params.name);
        return { ok: true };
      },
    );
  };
}
