/** Who is acting: a logged-in user, an API token, or pont itself (scheduler, start-up). */
export type RoleName = 'admin' | 'ops' | 'dev' | 'viewer' | 'none';

export const ROLE_NAMES: readonly RoleName[] = ['admin', 'ops', 'dev', 'viewer', 'none'];

export interface Actor {
  type: 'user' | 'token' | 'system';
  /** user id or token id */
  id: string;
  /** username, or token name, shown in audit */
  name: string;
  role: RoleName;
  groups: string[];
  /** For tokens: the user who created it (its rights never exceed theirs). */
  userId?: string;
  username?: string;
  tokenType?: 'api' | 'client' | 'frontend';
  /** A token with its owner's full role also carries the owner's user and group policies. */
  actsAsOwner?: boolean;
  /** Client and frontend tokens are bound to one project and environment. */
  project?: string;
  environment?: string;
  sourceIp?: string;
}

export const systemActor: Actor = { type: 'system', id: 'system', name: 'pont', role: 'admin', groups: [] };

/** Audit names the person: a token acts for its owner, and the token itself is kept as the actor type. */
export function actorLabel(actor: Actor): string {
  return actor.type === 'token' ? (actor.username ?? actor.name) : actor.name;
}

export function actorTypeLabel(actor: Actor): string {
  return actor.type === 'token' ? `token:${actor.name}` : actor.type;
}
