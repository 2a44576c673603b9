import {
  type FlagResource,
  type FlagSpec,
  flagKey,
  normalizedEnvironment,
  type SegmentSpec,
  validateFlagSpec,
  validateSegmentSpec,
} from '@pont/sdk';
import { type ErrorDetail, PontError } from '../../errors/index.js';
import type { KindDefinition, ResourceLookup } from '../resources/kind-registry.js';
import { jsonEqual, type Resource } from '../resources/resource.js';
import { FlagSpecSchema, SegmentSpecSchema } from './flag.schema.js';
import { environmentsChanged, isKill } from './flag-operations.js';

export interface FlagKindDeps {
  /**
   * Flag documents the flags module writes after their approval: the only way a change in a protected
   * environment gets through apply. Identity-based, so no request body can claim it.
   */
  approvedWrites: WeakSet<object>;
}

const asFlag = (r: Resource) => r as unknown as FlagResource;

/** The environments a change touches: on create and delete, every environment the flag is on or configured in. */
export function flagEnvironmentsOf(resource: Resource, previous: Resource | undefined): string[] {
  const after = asFlag(resource).spec;
  if (previous) return environmentsChanged(asFlag(previous).spec, after);
  return Object.entries(after.environments ?? {})
    .filter(([, config]) => {
      const n = normalizedEnvironment(config);
      return n.enabled || n.strategies.length > 0 || n.variants.length > 0;
    })
    .map(([env]) => env)
    .sort();
}

async function protectedEnvironments(
  lookup: ResourceLookup,
  project: string,
  envs: string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const env of envs) {
    const environment = await lookup.get('Environment', project, env);
    if (environment?.spec.protected === true) out.push(env);
  }
  return out;
}

export function flagKind(deps: FlagKindDeps): KindDefinition {
  return {
    kind: 'Flag',
    plural: 'flags',
    shortNames: ['flag', 'ff'],
    scope: 'project',
    description:
      'A feature flag: type and lifetime, dependencies, and per environment whether it is on, its strategies, constraints, segments and variants.',
    spec: FlagSpecSchema,
    environmentsOf: flagEnvironmentsOf,
    async check(resource, lookup) {
      const spec = asFlag(resource).spec as FlagSpec;
      const project = resource.metadata.project ?? '';
      const problems: ErrorDetail[] = validateFlagSpec(spec).map((p) => ({ ...p }));

      for (const [env, config] of Object.entries(spec.environments ?? {})) {
        if (!(await lookup.get('Environment', project, env))) {
          problems.push({
            path: `spec.environments.${env}`,
            message: `environment "${env}" does not exist in project ${project}`,
          });
        }
        for (const [i, strategy] of (config.strategies ?? []).entries()) {
          for (const [j, segment] of (strategy.segments ?? []).entries()) {
            if (!(await lookup.get('Segment', project, segment))) {
              problems.push({
                path: `spec.environments.${env}.strategies[${i}].segments[${j}]`,
                message: `segment "${segment}" does not exist in project ${project}; create it first or put it earlier in the same apply`,
              });
            }
          }
        }
      }
      for (const [i, dependency] of (spec.dependencies ?? []).entries()) {
        const at = `spec.dependencies[${i}].flag`;
        if (dependency.flag === resource.metadata.name) {
          problems.push({ path: at, message: 'a flag cannot depend on itself' });
          continue;
        }
        const parent = await lookup.get('Flag', project, dependency.flag);
        if (!parent) {
          problems.push({
            path: at,
            message: `flag "${dependency.flag}" does not exist in project ${project}; create it first or put it earlier in the same apply`,
          });
        } else if ((asFlag(parent).spec.dependencies ?? []).length > 0) {
          problems.push({
            path: at,
            message: `flag "${dependency.flag}" depends on other flags itself; dependencies are one level deep`,
          });
        }
      }

      const siblings = await lookup.list('Flag', project);
      const key = flagKey(asFlag(resource));
      const clash = siblings.find(
        (f) => f.metadata.name !== resource.metadata.name && flagKey(asFlag(f)) === key,
      );
      if (clash) {
        problems.push({
          path: spec.key ? 'spec.key' : 'metadata.name',
          message: `flag ${clash.metadata.name} already answers to "${key}"`,
        });
      }
      const dependents = siblings.filter((f) =>
        (asFlag(f).spec.dependencies ?? []).some((d) => d.flag === resource.metadata.name),
      );
      if ((spec.dependencies ?? []).length > 0 && dependents.length > 0) {
        problems.push({
          path: 'spec.dependencies',
          message: `flag ${dependents[0]?.metadata.name} depends on this flag, which therefore cannot depend on others`,
        });
      }
      if (problems.length > 0) return problems;

      // Protected environments change only through an approved flag change, or by a kill switch.
      if (deps.approvedWrites.has(resource)) return [];
      const previous = await lookup.get('Flag', project, resource.metadata.name);
      const before = previous ? asFlag(previous).spec : undefined;
      const touched = previous ? environmentsChanged(before, spec) : flagEnvironmentsOf(resource, undefined);
      const guarded = (await protectedEnvironments(lookup, project, touched)).filter(
        (env) => !isKill(before, spec, env),
      );
      if (guarded.length > 0) {
        const name = resource.metadata.name;
        throw new PontError(
          'APPROVAL_REQUIRED',
          `flag ${name} changes protected environment ${guarded.join(', ')}: such changes need an approval; request one with \`pont flags apply -f FILE\` (POST /api/v1/projects/${project}/flag-changes)`,
          guarded.map((env) => ({
            path: `spec.environments.${env}`,
            message: `${env} is protected: the change must be approved by another user with approve there`,
          })),
        );
      }
      return [];
    },
  };
}

/** Environments where an enabled flag has an active strategy using the segment: where editing it changes answers. */
export function segmentEnvironments(flags: readonly Resource[], segment: string): string[] {
  const envs = new Set<string>();
  for (const flag of flags) {
    for (const [env, config] of Object.entries(asFlag(flag).spec.environments ?? {})) {
      if (config.enabled !== true) continue;
      if ((config.strategies ?? []).some((s) => s.disabled !== true && (s.segments ?? []).includes(segment)))
        envs.add(env);
    }
  }
  return [...envs].sort();
}

/** Whether a segment edit changes what flags answer (its constraints differ from the stored ones). */
export function segmentChanged(previous: Resource | undefined, next: Resource): boolean {
  return previous !== undefined && !jsonEqual(previous.spec.constraints, next.spec.constraints);
}

export function segmentKind(deps: FlagKindDeps): KindDefinition {
  return {
    kind: 'Segment',
    plural: 'segments',
    shortNames: ['seg'],
    scope: 'project',
    description: 'A named, reusable list of constraints that flag strategies refer to.',
    spec: SegmentSpecSchema,
    async check(resource, lookup) {
      const problems = validateSegmentSpec(resource.spec as unknown as SegmentSpec);
      if (problems.length > 0 || deps.approvedWrites.has(resource)) return problems;
      // Editing a segment that enabled flags use in a protected environment changes answers there.
      const project = resource.metadata.project ?? '';
      const previous = await lookup.get('Segment', project, resource.metadata.name);
      if (!segmentChanged(previous, resource)) return [];
      const used = segmentEnvironments(await lookup.list('Flag', project), resource.metadata.name);
      const guarded = await protectedEnvironments(lookup, project, used);
      if (guarded.length === 0) return [];
      throw new PontError(
        'APPROVAL_REQUIRED',
        `segment ${resource.metadata.name} is used by flags enabled in protected environment ${guarded.join(', ')}: editing it needs an approval; request one with \`pont flags apply -f FILE\` (POST /api/v1/projects/${project}/flag-changes)`,
        [{ path: 'spec.constraints', message: `used in ${guarded.join(', ')}, which is protected` }],
      );
    },
  };
}

/** Thrown where a flag must exist for an operation. */
export function flagNotFound(project: string, name: string): PontError {
  return new PontError('NOT_FOUND', `Flag ${project}/${name} not found`);
}
