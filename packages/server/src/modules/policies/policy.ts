import { globMatch } from '../../lib/patterns.js';
import type { Actor, RoleName } from '../auth/actor.js';

export const ACTIONS = ['read', 'run', 'exec', 'apply', 'delete', 'approve', 'admin'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * One grant or denial. Projects and environments sit in the same rule on purpose: a grant is a
 * single (action, kind, name, project, environment) tuple, so a job grant in one rule and a node
 * grant in another can never combine into "run anything anywhere" (Rundeck's pitfall).
 */
export interface PolicyRule {
  effect: 'allow' | 'deny';
  actions: string[];
  kinds: string[];
  names: string[];
  projects: string[];
  environments: string[];
  /** Restricts the rule to protected (true) or unprotected (false) environments. */
  environmentProtected?: boolean;
}

export interface PolicySubject {
  user?: string;
  group?: string;
  token?: string;
}

export interface PolicySpec {
  description?: string;
  subjects: PolicySubject[];
  rules: Array<Partial<PolicyRule> & { actions: string[]; projects: string[]; environments: string[] }>;
}

/** What an action is attempted on. `environment` is set when the target lives in or acts on one. */
export interface Target {
  kind: string;
  project: string;
  name: string;
  environment?: string;
  environmentProtected?: boolean;
}

export type Decision =
  | { allowed: true }
  | { allowed: false; reason: 'denied' | 'no-grant'; rule?: PolicyRule };

const everything = { kinds: ['*'], names: ['*'], projects: ['*'], environments: ['*'] };

/** Built-in roles; a Policy adds to them for its subjects, and its deny rules win over them. */
export const ROLES: Record<RoleName, PolicyRule[]> = {
  admin: [{ effect: 'allow', actions: ['*'], ...everything }],
  ops: [{ effect: 'allow', actions: ['read', 'run', 'exec', 'apply', 'delete', 'approve'], ...everything }],
  dev: [
    { effect: 'allow', actions: ['read'], ...everything },
    { effect: 'allow', actions: ['run'], ...everything, environmentProtected: false },
  ],
  viewer: [{ effect: 'allow', actions: ['read'], ...everything }],
  none: [],
};

export function ruleMatches(rule: PolicyRule, action: string, target: Target): boolean {
  if (!rule.actions.some((a) => a === '*' || a === action)) return false;
  if (!rule.kinds.some((k) => globMatch(k, target.kind))) return false;
  if (!rule.names.some((n) => globMatch(n, target.name))) return false;
  if (!rule.projects.some((p) => globMatch(p, target.project))) return false;
  if (target.environment === undefined) {
    // A rule limited to some environments says nothing about things outside any environment.
    return rule.environments.includes('*') && rule.environmentProtected === undefined;
  }
  const env = target.environment;
  if (!rule.environments.some((e) => globMatch(e, env))) return false;
  if (
    rule.environmentProtected !== undefined &&
    rule.environmentProtected !== (target.environmentProtected ?? false)
  ) {
    return false;
  }
  return true;
}

/** Deny wins, then any allow, and nothing granted means no. */
export function decide(rules: PolicyRule[], action: string, target: Target): Decision {
  let allowed = false;
  for (const rule of rules) {
    if (!ruleMatches(rule, action, target)) continue;
    if (rule.effect === 'deny') return { allowed: false, reason: 'denied', rule };
    allowed = true;
  }
  return allowed ? { allowed: true } : { allowed: false, reason: 'no-grant' };
}

export function subjectMatches(subject: PolicySubject, actor: Actor): boolean {
  if (actor.type === 'token') {
    if (subject.token !== undefined) return subject.token === actor.name;
    // A token restricted below its owner's role must not regain rights through the owner's policies.
    if (!actor.actsAsOwner) return false;
    if (subject.user !== undefined) return subject.user === actor.username;
    return subject.group !== undefined && actor.groups.includes(subject.group);
  }
  if (subject.user !== undefined) return subject.user === actor.name;
  if (subject.group !== undefined) return actor.groups.includes(subject.group);
  return false;
}

/** Normalises a Policy's rules; a project-scoped Policy can only ever speak about its own project. */
export function rulesOf(spec: PolicySpec, policyProject: string | undefined): PolicyRule[] {
  return spec.rules.map((r) => {
    const rule: PolicyRule = {
      effect: r.effect ?? 'allow',
      actions: r.actions,
      kinds: r.kinds ?? ['*'],
      names: r.names ?? ['*'],
      projects: policyProject ? [policyProject] : r.projects,
      environments: r.environments,
    };
    if (r.environmentProtected !== undefined) rule.environmentProtected = r.environmentProtected;
    return rule;
  });
}

export function describeTarget(action: string, target: Target): string {
  const where = target.project ? ` in project ${target.project}` : '';
  const env = target.environment ? `, environment ${target.environment}` : '';
  return `${action} ${target.kind} ${target.name}${where}${env}`;
}
