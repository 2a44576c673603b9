// What people do to flags, as pure functions of the spec: toggle, set a rollout, replace one
// environment's configuration, promote one environment to another, or apply a whole Flag.
import {
  type FlagEnvironment,
  type FlagSpec,
  type FlagStrategy,
  normalizedEnvironment,
  type SegmentSpec,
} from '@pont/sdk';
import { PontError } from '../../errors/index.js';
import { jsonEqual } from '../resources/resource.js';

export type FlagOperation =
  | { type: 'toggle'; environment: string; enabled: boolean }
  | { type: 'set-rollout'; environment: string; percent: number; strategy?: number }
  | { type: 'set-environment'; environment: string; config: FlagEnvironment }
  | { type: 'promote'; from: string; to: string }
  | {
      type: 'apply';
      spec: FlagSpec;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }
  | {
      /** An edit of the Segment named by the change (used by flags on in a protected environment). */
      type: 'apply-segment';
      spec: SegmentSpec;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };

export const ROLLOUT_STRATEGIES = new Set([
  'flexibleRollout',
  'gradualRolloutUserId',
  'gradualRolloutSessionId',
  'gradualRolloutRandom',
]);

/** The spec after the operation; `name` is the flag's resource name (default rollout groupId). */
export function applyOperation(spec: FlagSpec, op: FlagOperation, name: string): FlagSpec {
  switch (op.type) {
    case 'apply':
      return op.spec;
    case 'apply-segment':
      throw new PontError('INTERNAL', 'a segment edit does not change a flag spec');
    case 'toggle': {
      const current = spec.environments?.[op.environment];
      return withEnvironment(spec, op.environment, { ...(current ?? {}), enabled: op.enabled });
    }
    case 'set-environment':
      return withEnvironment(spec, op.environment, op.config);
    case 'promote': {
      if (op.from === op.to) {
        throw new PontError('BAD_REQUEST', 'promote needs two different environments', [
          { path: 'to', message: `same as from (${op.from})` },
        ]);
      }
      const source = spec.environments?.[op.from];
      if (!source) {
        throw new PontError('INVALID_STATE', `flag ${name} has no configuration in ${op.from} to promote`, [
          { path: 'from', message: `spec.environments.${op.from} is not set` },
        ]);
      }
      return withEnvironment(spec, op.to, structuredClone(source));
    }
    case 'set-rollout':
      return withEnvironment(spec, op.environment, setRollout(spec, op, name));
  }
}

function withEnvironment(spec: FlagSpec, env: string, config: FlagEnvironment): FlagSpec {
  return { ...spec, environments: { ...(spec.environments ?? {}), [env]: config } };
}

function setRollout(
  spec: FlagSpec,
  op: { environment: string; percent: number; strategy?: number },
  name: string,
): FlagEnvironment {
  const current: FlagEnvironment = spec.environments?.[op.environment] ?? { enabled: false };
  const strategies = [...(current.strategies ?? [])];
  const percent = String(op.percent);
  let index = op.strategy;
  if (index === undefined) {
    index = strategies.findIndex((s) => ROLLOUT_STRATEGIES.has(s.name) && s.disabled !== true);
    if (index === -1 && strategies.length === 0) {
      strategies.push({
        name: 'flexibleRollout',
        parameters: { rollout: percent, stickiness: 'default', groupId: spec.key ?? name },
      });
      return { ...current, strategies };
    }
    if (index === -1) {
      throw new PontError(
        'INVALID_STATE',
        `flag ${name} has no rollout strategy in ${op.environment}; add a flexibleRollout strategy or name one with --strategy`,
        [
          {
            path: `spec.environments.${op.environment}.strategies`,
            message: 'no flexibleRollout or gradualRollout strategy',
          },
        ],
      );
    }
  }
  const target = strategies[index];
  if (!target || !ROLLOUT_STRATEGIES.has(target.name)) {
    throw new PontError(
      'BAD_REQUEST',
      `strategy #${index + 1} of ${name} in ${op.environment} is not a rollout`,
      [
        {
          path: `spec.environments.${op.environment}.strategies[${index}]`,
          message: target ? `${target.name} has no rollout percentage` : 'no such strategy',
        },
      ],
    );
  }
  const parameter = target.name === 'flexibleRollout' ? 'rollout' : 'percentage';
  const updated: FlagStrategy = {
    ...target,
    parameters: { ...(target.parameters ?? {}), [parameter]: percent },
  };
  strategies[index] = updated;
  return { ...current, strategies };
}

/** Environments whose effective configuration differs between two specs. */
export function environmentsChanged(before: FlagSpec | undefined, after: FlagSpec): string[] {
  const names = new Set([
    ...Object.keys(before?.environments ?? {}),
    ...Object.keys(after.environments ?? {}),
  ]);
  return [...names]
    .filter(
      (env) =>
        !jsonEqual(
          normalizedEnvironment(before?.environments?.[env]),
          normalizedEnvironment(after.environments?.[env]),
        ),
    )
    .sort();
}

/** Whether anything but the per-environment configuration changed (description, type, dependencies, …). */
export function flagFieldsChanged(before: FlagSpec | undefined, after: FlagSpec): boolean {
  const { environments: _a, ...restBefore } = before ?? {};
  const { environments: _b, ...restAfter } = after;
  return !jsonEqual(restBefore, restAfter);
}

/**
 * A kill switch: the environment goes from on to off and nothing else about it changes. Users who may
 * change the flag there do it at once, even in a protected environment (see README, Feature flags).
 */
export function isKill(before: FlagSpec | undefined, after: FlagSpec, env: string): boolean {
  const b = normalizedEnvironment(before?.environments?.[env]);
  const a = normalizedEnvironment(after.environments?.[env]);
  return b.enabled && !a.enabled && jsonEqual(a, { ...b, enabled: false });
}

export function describeOperation(op: FlagOperation, name: string, touched: string[]): string {
  switch (op.type) {
    case 'toggle':
      return `${op.enabled ? 'enable' : 'disable'} flag ${name} in ${op.environment}`;
    case 'set-rollout':
      return `set the rollout of flag ${name} in ${op.environment} to ${op.percent}%`;
    case 'set-environment':
      return `change the configuration of flag ${name} in ${op.environment}`;
    case 'promote':
      return `promote flag ${name} from ${op.from} to ${op.to}`;
    case 'apply':
      return `apply flag ${name}${touched.length ? ` (changes ${touched.join(', ')})` : ''}`;
    case 'apply-segment':
      return `edit segment ${name} (used in ${touched.join(', ')})`;
  }
}

/** The environments an operation is about, before looking at what actually changed. */
export function operationEnvironments(op: FlagOperation): string[] {
  switch (op.type) {
    case 'apply':
      return Object.keys(op.spec.environments ?? {});
    case 'apply-segment':
      return [];
    case 'promote':
      return [op.to];
    default:
      return [op.environment];
  }
}
