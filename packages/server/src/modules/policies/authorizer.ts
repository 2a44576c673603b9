import { PontError } from '../../errors/index.js';
import type { Actor } from '../auth/actor.js';
import type { Resource } from '../resources/resource.js';
import {
  type Decision,
  decide,
  describeTarget,
  type PolicyRule,
  type PolicySpec,
  ROLES,
  rulesOf,
  subjectMatches,
  type Target,
} from './policy.js';

export interface AuthorizerSource {
  /** Every Policy resource, cluster-wide and per project. */
  policies(): Promise<Resource[]>;
  /** Every Environment resource, to know which are protected. */
  environments(): Promise<Resource[]>;
}

/** The one evaluator every route and use case asks. */
export interface Authorizer {
  decide(actor: Actor, action: string, target: Target): Promise<Decision>;
  /** Throws FORBIDDEN with a message that names who, what and where. */
  require(actor: Actor, action: string, target: Target): Promise<void>;
  /** Drops cached policies and environments after one of them changed. */
  invalidate(): void;
}

interface Snapshot {
  loadedAt: number;
  policies: Array<{ subjects: PolicySpec['subjects']; rules: PolicyRule[] }>;
  protectedEnvs: Set<string>;
}

/**
 * Policies and environments change rarely and are read on every request, so they are cached; a
 * local change invalidates at once and a short TTL covers changes made by other replicas.
 */
export function createAuthorizer(
  source: AuthorizerSource,
  ttlMs = 2000,
  now: () => number = Date.now,
): Authorizer {
  let snapshot: Snapshot | undefined;
  let loading: Promise<Snapshot> | undefined;

  async function load(): Promise<Snapshot> {
    const [policies, environments] = await Promise.all([source.policies(), source.environments()]);
    return {
      loadedAt: now(),
      policies: policies.map((p) => {
        const spec = p.spec as unknown as PolicySpec;
        return { subjects: spec.subjects, rules: rulesOf(spec, p.metadata.project) };
      }),
      protectedEnvs: new Set(
        environments
          .filter((e) => e.spec.protected === true)
          .map((e) => `${e.metadata.project}/${e.metadata.name}`),
      ),
    };
  }

  async function current(): Promise<Snapshot> {
    if (snapshot && now() - snapshot.loadedAt < ttlMs) return snapshot;
    loading ??= load().finally(() => {
      loading = undefined;
    });
    snapshot = await loading;
    return snapshot;
  }

  const authorizer: Authorizer = {
    async decide(actor, action, target) {
      if (actor.type === 'system') return { allowed: true };
      const snap = await current();
      const full: Target = { ...target };
      if (target.environment !== undefined && target.environmentProtected === undefined) {
        full.environmentProtected = snap.protectedEnvs.has(`${target.project}/${target.environment}`);
      }
      const rules: PolicyRule[] = [...ROLES[actor.role]];
      for (const policy of snap.policies) {
        if (policy.subjects.some((s) => subjectMatches(s, actor))) rules.push(...policy.rules);
      }
      return decide(rules, action, full);
    },
    async require(actor, action, target) {
      const decision = await authorizer.decide(actor, action, target);
      if (decision.allowed) return;
      const who = actor.type === 'token' ? `token ${actor.name}` : `user ${actor.name}`;
      const why =
        decision.reason === 'denied'
          ? 'a policy denies it'
          : `no role or policy grants it (role: ${actor.role})`;
      throw new PontError('FORBIDDEN', `${who} may not ${describeTarget(action, target)}: ${why}`, [
        {
          path: 'action',
          message: `${action} is not allowed here`,
          expected: 'ask an admin for a Policy that grants it',
        },
      ]);
    },
    invalidate() {
      snapshot = undefined;
    },
  };
  return authorizer;
}
