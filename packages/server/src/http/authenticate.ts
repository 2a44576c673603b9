import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PontError } from '../errors/index.js';
import type { Actor } from '../modules/auth/actor.js';
import type { AuthService } from '../modules/auth/auth.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** No authentication at all (login, health). */
    public?: boolean;
    /** Token types accepted besides API tokens and sessions (Unleash client and frontend APIs). */
    tokenTypes?: Array<'api' | 'client' | 'frontend'>;
  }
}

export const SESSION_COOKIE = 'pont_session';
export const CSRF_COOKIE = 'pont_csrf';
export const CSRF_HEADER = 'x-pont-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Unleash SDKs send the bare token in Authorization; everyone else uses `Bearer`. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return (match ? match[1] : header)?.trim();
}

/**
 * Every route under /api is authenticated unless it says `config.public`. Cookie sessions must
 * echo their CSRF token on writes; API tokens are not sent by browsers on their own, so need none.
 */
export function registerAuthentication(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (!request.url.startsWith('/api/') || config?.public || !request.routeOptions.url) return;
    const accepted = config?.tokenTypes ?? ['api'];
    const sourceIp = request.ip;
    const token = bearerOf(request);
    if (token) {
      const actor = await auth.authenticateToken(token);
      if (!actor)
        throw unauthenticated(
          'the token is unknown, expired or revoked; create a new one with pont token create',
        );
      if (!accepted.includes(actor.tokenType ?? 'api')) {
        throw new PontError(
          'FORBIDDEN',
          `a ${actor.tokenType} token cannot call this API; use an API token or log in`,
        );
      }
      request.actor = { ...actor, sourceIp };
      return;
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie && accepted.includes('api')) {
      const session = await auth.authenticateSession(cookie);
      if (!session) throw unauthenticated('your session has expired; log in again');
      if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== session.csrfToken) {
        throw new PontError(
          'CSRF_FAILED',
          'missing or wrong X-Pont-CSRF header for a cookie-authenticated write',
          [{ path: `headers.${CSRF_HEADER}`, message: `send the value of the ${CSRF_COOKIE} cookie` }],
        );
      }
      request.actor = { ...session.actor, sourceIp };
      return;
    }
    throw unauthenticated('log in (pont login URL) or send Authorization: Bearer <token>');
  });
}

function unauthenticated(message: string): PontError {
  return new PontError('UNAUTHENTICATED', message);
}
