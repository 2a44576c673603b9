import { describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.js';
import { createAuthorizer } from './authorizer.js';
import { decide, type PolicyRule, ROLES, rulesOf } from './policy.js';

const allow = (r: Partial<PolicyRule>): PolicyRule => ({
  effect: 'allow',
  actions: ['*'],
  kinds: ['*'],
  names: ['*'],
  projects: ['*'],
  environments: ['*'],
  ...r,
});

describe('policy evaluation', () => {
  it('denies by default', () => {
    expect(decide([], 'read', { kind: 'Job', project: 'p', name: 'j' })).toEqual({
      allowed: false,
      reason: 'no-grant',
    });
  });

  it('lets a deny win over any allow', () => {
    const rules = [allow({}), allow({ effect: 'deny', actions: ['delete'], environments: ['prod'] })];
    expect(
      decide(rules, 'delete', { kind: 'Node', project: 'p', name: 'n', environment: 'prod' }).allowed,
    ).toBe(false);
    expect(
      decide(rules, 'delete', { kind: 'Node', project: 'p', name: 'n', environment: 'test' }).allowed,
    ).toBe(true);
  });

  it('binds projects and environments in one rule, so separate grants never combine', () => {
    // Rundeck's pitfall: "run job X" in one grant and "nodes in prod" in another must not add up.
    const rules = [
      allow({
        actions: ['run'],
        kinds: ['Job'],
        names: ['deploy-*'],
        projects: ['shop'],
        environments: ['test'],
      }),
      allow({
        actions: ['run'],
        kinds: ['Job'],
        names: ['report'],
        projects: ['shop'],
        environments: ['prod'],
      }),
    ];
    expect(
      decide(rules, 'run', { kind: 'Job', project: 'shop', name: 'deploy-api', environment: 'test' }).allowed,
    ).toBe(true);
    expect(
      decide(rules, 'run', { kind: 'Job', project: 'shop', name: 'deploy-api', environment: 'prod' }).allowed,
    ).toBe(false);
    expect(
      decide(rules, 'run', { kind: 'Job', project: 'other', name: 'deploy-api', environment: 'test' })
        .allowed,
    ).toBe(false);
    expect(
      decide(rules, 'run', { kind: 'Job', project: 'shop', name: 'report', environment: 'test' }).allowed,
    ).toBe(false);
  });

  it('does not let an environment-limited rule speak about things outside environments', () => {
    const rules = [allow({ actions: ['read'], environments: ['test'] })];
    expect(decide(rules, 'read', { kind: 'Job', project: 'shop', name: 'x' }).allowed).toBe(false);
  });

  it('gives dev runs in unprotected environments only', () => {
    const target = { kind: 'Job', project: 'shop', name: 'deploy' };
    expect(
      decide(ROLES.dev, 'run', { ...target, environment: 'test', environmentProtected: false }).allowed,
    ).toBe(true);
    expect(
      decide(ROLES.dev, 'run', { ...target, environment: 'prod', environmentProtected: true }).allowed,
    ).toBe(false);
    expect(decide(ROLES.dev, 'apply', { ...target }).allowed).toBe(false);
    expect(
      decide(ROLES.dev, 'exec', { ...target, environment: 'test', environmentProtected: false }).allowed,
    ).toBe(false);
    expect(
      decide(ROLES.viewer, 'run', { ...target, environment: 'test', environmentProtected: false }).allowed,
    ).toBe(false);
    expect(decide(ROLES.ops, 'admin', { kind: 'User', project: '', name: 'x' }).allowed).toBe(false);
  });

  it('confines a project-scoped policy to its own project', () => {
    const rules = rulesOf(
      { subjects: [{ user: 'a' }], rules: [{ actions: ['apply'], projects: ['*'], environments: ['*'] }] },
      'shop',
    );
    expect(
      decide(rules, 'apply', { kind: 'Node', project: 'shop', name: 'n', environment: 'dev' }).allowed,
    ).toBe(true);
    expect(
      decide(rules, 'apply', { kind: 'Node', project: 'bank', name: 'n', environment: 'dev' }).allowed,
    ).toBe(false);
  });
});

describe('authorizer', () => {
  const alice: Actor = { type: 'user', id: '1', name: 'alice', role: 'viewer', groups: ['payments'] };
  const policy = (spec: unknown, project?: string) => ({
    apiVersion: 'pont/v1',
    kind: 'Policy',
    metadata: { name: 'p', ...(project ? { project } : {}) },
    spec: spec as Record<string, unknown>,
  });

  it('adds grants of policies whose subjects match the user or one of their groups', async () => {
    const authorizer = createAuthorizer({
      policies: async () => [
        policy({
          subjects: [{ group: 'payments' }],
          rules: [{ actions: ['run'], kinds: ['Job'], projects: ['shop'], environments: ['test'] }],
        }),
        policy({
          subjects: [{ user: 'bob' }],
          rules: [{ actions: ['*'], projects: ['*'], environments: ['*'] }],
        }),
      ],
      environments: async () => [],
    });
    expect(
      (
        await authorizer.decide(alice, 'run', {
          kind: 'Job',
          project: 'shop',
          name: 'x',
          environment: 'test',
        })
      ).allowed,
    ).toBe(true);
    expect(
      (
        await authorizer.decide(alice, 'run', {
          kind: 'Job',
          project: 'shop',
          name: 'x',
          environment: 'prod',
        })
      ).allowed,
    ).toBe(false);
    await expect(
      authorizer.require(alice, 'delete', { kind: 'Job', project: 'shop', name: 'x' }),
    ).rejects.toThrow(/user alice may not delete Job x in project shop/);
  });

  it('knows which environments are protected', async () => {
    const dev: Actor = { ...alice, role: 'dev' };
    const authorizer = createAuthorizer({
      policies: async () => [],
      environments: async () => [
        {
          apiVersion: 'pont/v1',
          kind: 'Environment',
          metadata: { project: 'shop', name: 'prod' },
          spec: { order: 3, protected: true },
        },
      ],
    });
    expect(
      (await authorizer.decide(dev, 'run', { kind: 'Job', project: 'shop', name: 'x', environment: 'prod' }))
        .allowed,
    ).toBe(false);
    expect(
      (await authorizer.decide(dev, 'run', { kind: 'Job', project: 'shop', name: 'x', environment: 'test' }))
        .allowed,
    ).toBe(true);
  });
});
