export { type Actor, actorLabel, actorTypeLabel, ROLE_NAMES, type RoleName, systemActor } from './actor.js';
export type { ApiToken, TokenType, User } from './auth.js';
export { authRoutes } from './auth.routes.js';
export { type AuthService, createAuthService, hashToken, TOKEN_PREFIX } from './auth.service.js';
export type { AuthStore } from './auth.store.js';
export { createKyselyAuthStore } from './auth.store.kysely.js';
export { createLoginThrottle, type LoginThrottle } from './login-throttle.js';
export { hashPassword, verifyPassword } from './password.js';
