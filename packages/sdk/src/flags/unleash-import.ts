// An Unleash export (a /api/client/features body with its segments) → Flag and Segment resources for
// one project and environment. Run once per environment: an existing flag keeps its other
// environments. Names that are not DNS labels (`Feature.A`) become resource names such as
// `feature-a` and keep the original as `spec.key`, which is what SDKs keep asking for.
import type { ClientFeature, ClientFeaturesResponse, Segment, Strategy, Variant } from '@pont/flag-engine';
import {
  FLAG_TYPES,
  type FlagDependency,
  type FlagEnvironment,
  type FlagResource,
  type FlagSpec,
  type FlagStrategy,
  type FlagType,
  type FlagVariant,
  type SegmentResource,
} from './flag-resources.js';
import { type SpecProblem, validateSegmentSpec, validateStrategy, validateVariants } from './validate.js';

export interface UnleashImportOptions {
  project: string;
  environment: string;
  /** Flags and segments already in the project, to merge into (other environments are kept). */
  existingFlags?: readonly FlagResource[];
  existingSegments?: readonly SegmentResource[];
}

export interface SkippedFeature {
  name: string;
  problems: SpecProblem[];
}

export interface UnleashImport {
  segments: SegmentResource[];
  flags: FlagResource[];
  /** Features pont cannot represent faithfully (unknown operator, invalid regex, …), with why. */
  skipped: SkippedFeature[];
  /** Unleash name → pont resource name, for every imported feature. */
  names: Map<string, string>;
}

const MAX_NAME = 63;

/** A DNS-label version of any Unleash name: `Feature.UTF-8.Hellø` → `feature-utf-8-hell`. */
export function toResourceName(name: string, fallbackPrefix = 'flag'): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_NAME)
    .replace(/-+$/g, '');
  return slug || `${fallbackPrefix}-${shortHash(name)}`;
}

function shortHash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(36);
}

/** Gives each source name a unique resource name, stable for a given input order. */
function uniqueNames(
  sources: readonly string[],
  taken: Map<string, string>,
  prefix: string,
): Map<string, string> {
  const used = new Set(taken.values());
  const out = new Map<string, string>();
  for (const source of sources) {
    const known = taken.get(source);
    if (known) {
      out.set(source, known);
      continue;
    }
    const base = toResourceName(source, prefix);
    let name = base;
    for (let n = 2; used.has(name); n++) {
      const suffix = `-${n}`;
      name = `${base.slice(0, MAX_NAME - suffix.length).replace(/-+$/, '')}${suffix}`;
    }
    used.add(name);
    out.set(source, name);
  }
  return out;
}

export function fromUnleash(body: ClientFeaturesResponse, options: UnleashImportOptions): UnleashImport {
  const { project, environment } = options;
  const existingFlags = new Map((options.existingFlags ?? []).map((f) => [f.metadata.name, f]));
  const existingSegments = new Map((options.existingSegments ?? []).map((s) => [s.metadata.name, s]));
  const features = body.features ?? [];
  const unleashSegments = body.segments ?? [];

  // Existing resources keep their names: match flags by key, segments by key.
  const flagNamesTaken = new Map<string, string>();
  for (const f of existingFlags.values()) flagNamesTaken.set(f.spec.key ?? f.metadata.name, f.metadata.name);
  const segmentNamesTaken = new Map<string, string>();
  for (const s of existingSegments.values())
    segmentNamesTaken.set(s.spec.key ?? s.metadata.name, s.metadata.name);

  const flagNames = uniqueNames(
    features.map((f) => f.name),
    flagNamesTaken,
    'flag',
  );
  const segmentLabel = (s: Segment) => s.name ?? `segment-${s.id}`;
  const segmentNames = uniqueNames(unleashSegments.map(segmentLabel), segmentNamesTaken, 'segment');
  const segmentById = new Map<number, string>();
  for (const s of unleashSegments) segmentById.set(s.id, segmentNames.get(segmentLabel(s)) ?? '');

  const segments: SegmentResource[] = unleashSegments.map((s) => {
    const name = segmentById.get(s.id) ?? '';
    const label = segmentLabel(s);
    const previous = existingSegments.get(name);
    return {
      apiVersion: 'pont/v1',
      kind: 'Segment',
      metadata: { ...(previous?.metadata ?? {}), project, name },
      spec: {
        ...(label !== name ? { key: label } : {}),
        ...(previous?.spec.description ? { description: previous.spec.description } : {}),
        constraints: s.constraints ?? [],
      },
    };
  });
  const segmentProblems = new Map<number, SpecProblem[]>();
  for (const s of unleashSegments) {
    const problems = validateSegmentSpec({ constraints: s.constraints ?? [] }, `segments[${s.id}]`);
    if (problems.length) segmentProblems.set(s.id, problems);
  }

  const flags: FlagResource[] = [];
  const skipped: SkippedFeature[] = [];
  const imported = new Set<string>();
  for (const feature of features) {
    const name = flagNames.get(feature.name) ?? toResourceName(feature.name);
    const problems: SpecProblem[] = [];
    const config = toEnvironment(feature, segmentById, problems, segmentProblems);
    const previous = existingFlags.get(name);
    const spec: FlagSpec = {
      ...(previous?.spec ?? {}),
      ...(feature.name !== name ? { key: feature.name } : {}),
      type: (FLAG_TYPES as readonly string[]).includes(feature.type ?? '')
        ? (feature.type as FlagType)
        : 'release',
      environments: { ...(previous?.spec.environments ?? {}), [environment]: config },
    };
    if (feature.description) spec.description = feature.description;
    if (feature.impressionData) spec.impressionData = true;
    if (feature.stale) spec.stale = true;
    if (feature.dependencies?.length) {
      spec.dependencies = feature.dependencies.map((d): FlagDependency => {
        const parent = flagNames.get(d.feature) ?? flagNamesTaken.get(d.feature);
        if (!parent)
          problems.push({
            path: `features.${feature.name}.dependencies`,
            message: `parent flag "${d.feature}" is not in the export`,
          });
        return {
          flag: parent ?? toResourceName(d.feature),
          ...(d.enabled === false ? { enabled: false } : {}),
          ...(d.variants?.length ? { variants: d.variants } : {}),
        };
      });
    }
    const at = `features.${feature.name}`;
    (config.strategies ?? []).forEach((s, i) => {
      problems.push(...validateStrategy(s, `${at}.strategies[${i}]`));
    });
    problems.push(...validateVariants(config.variants ?? [], `${at}.variants`));
    if (problems.length > 0) {
      skipped.push({ name: feature.name, problems });
      continue;
    }
    imported.add(feature.name);
    flags.push({
      apiVersion: 'pont/v1',
      kind: 'Flag',
      metadata: { ...(previous?.metadata ?? {}), project, name },
      spec,
    });
  }

  // Unleash allows one level of dependencies only; a parent skipped or itself dependent is refused.
  const byName = new Map(flags.map((f) => [f.metadata.name, f]));
  let changed = true;
  while (changed) {
    changed = false;
    for (const flag of [...byName.values()]) {
      const problems: SpecProblem[] = [];
      for (const d of flag.spec.dependencies ?? []) {
        const parent = byName.get(d.flag) ?? existingFlags.get(d.flag);
        if (!parent)
          problems.push({ path: 'dependencies', message: `parent flag "${d.flag}" is not imported` });
        else if (parent.spec.dependencies?.length)
          problems.push({
            path: 'dependencies',
            message: `parent flag "${d.flag}" has dependencies of its own`,
          });
      }
      if (problems.length > 0) {
        byName.delete(flag.metadata.name);
        skipped.push({ name: flag.spec.key ?? flag.metadata.name, problems });
        changed = true;
      }
    }
  }
  const names = new Map<string, string>();
  for (const f of byName.values()) names.set(f.spec.key ?? f.metadata.name, f.metadata.name);
  return {
    segments: segments.filter((s) => {
      const id = unleashSegments.find((u) => segmentById.get(u.id) === s.metadata.name)?.id;
      return id === undefined || !segmentProblems.has(id);
    }),
    flags: flags.filter((f) => byName.has(f.metadata.name)),
    skipped,
    names,
  };
}

function toEnvironment(
  feature: ClientFeature,
  segmentById: Map<number, string>,
  problems: SpecProblem[],
  segmentProblems: Map<number, SpecProblem[]>,
): FlagEnvironment {
  const config: FlagEnvironment = { enabled: feature.enabled === true };
  const strategies = (feature.strategies ?? []).map((s, i) =>
    toStrategy(s, `features.${feature.name}.strategies[${i}]`, segmentById, problems, segmentProblems),
  );
  if (strategies.length > 0) config.strategies = strategies;
  if (feature.variants?.length) config.variants = feature.variants.map(toVariant);
  return config;
}

function toStrategy(
  s: Strategy,
  at: string,
  segmentById: Map<number, string>,
  problems: SpecProblem[],
  segmentProblems: Map<number, SpecProblem[]>,
): FlagStrategy {
  const out: FlagStrategy = { name: s.name };
  if (s.title) out.title = s.title;
  if (s.disabled) out.disabled = true;
  if (s.parameters && Object.keys(s.parameters).length > 0) out.parameters = { ...s.parameters };
  if (s.constraints?.length) out.constraints = s.constraints;
  if (s.segments?.length) {
    out.segments = s.segments.map((id) => {
      const name = segmentById.get(id);
      if (!name) problems.push({ path: `${at}.segments`, message: `segment ${id} is not in the export` });
      for (const p of segmentProblems.get(id) ?? []) problems.push(p);
      return name ?? `segment-${id}`;
    });
  }
  if (s.variants?.length) out.variants = s.variants.map(toVariant);
  return out;
}

function toVariant(v: Variant): FlagVariant {
  const out: FlagVariant = { name: v.name, weight: v.weight };
  if (v.weightType === 'fix' || v.weightType === 'variable')
    out.weightType = v.weightType as 'fix' | 'variable';
  if (v.stickiness) out.stickiness = v.stickiness;
  if (v.payload) out.payload = v.payload;
  if (v.overrides?.length) out.overrides = v.overrides;
  return out;
}
