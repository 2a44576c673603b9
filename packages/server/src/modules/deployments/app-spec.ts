/** The App resource's spec and the rules derived from it. Pure types and logic, no I/O. */

/** Milliseconds, or text such as "30s", "5m", "62h" (as in Job specs). */
export type Duration = number | string;

/**
 * A period when deployments are refused: a cron expression starting it and how long it lasts
 * (Argo CD sync windows' shape), or a one-off start and end.
 */
export interface FreezeWindow {
  name?: string;
  reason?: string;
  cron?: string;
  duration?: Duration;
  /** IANA time zone of the cron expression (default UTC). */
  timezone?: string;
  start?: string;
  end?: string;
}

export interface HealthCheck {
  /** `${environment}`, `${app}`, `${version}`, `${node.name}` and `${node.hostname}` expand; with a node reference each deployed node is checked. */
  url?: string;
  /** The status a healthy answer has (default 200). */
  expectedStatus?: number;
  /** Per attempt (default 5s). */
  timeout?: Duration;
  /** Attempts after the first failed one (default 3). */
  retries?: number;
  /** Between attempts (default 2s). */
  interval?: Duration;
}

export interface Rollout {
  strategy: 'all-at-once' | 'rolling';
  /** Nodes per batch when rolling (default 1). */
  batchSize?: number;
  /** Wait between batches. */
  pause?: Duration;
}

/** What an App says about one environment. */
export interface EnvironmentRule {
  /** The environment a version must have succeeded in first; null: any version may come here. Default: the previous environment by order. */
  from?: string | null;
  /** When a deployment to `from` succeeds, deploy the same version here. */
  autoDeploy?: boolean;
  /** Deployments here wait for another user's approval (always so in protected environments). */
  approval?: boolean;
  freezeWindows?: FreezeWindow[];
  healthCheck?: HealthCheck;
  rollout?: Rollout;
  /** Extra or overriding job options in this environment. */
  options?: Record<string, string>;
}

export interface AppSpec {
  description?: string;
  deploy: {
    /** The Job that installs a version on the nodes it runs on. */
    job: string;
    /**
     * Job options; `${artifact.version}`, `${artifact.file}`, `${artifact.sha256}`, `${artifact.size}`,
     * `${artifact.path}`, `${app}`, `${environment}` and `${deployment.id}` expand. The job's options
     * named version, artifact (or file) and sha256 receive the artifact's unless mapped here.
     */
    options?: Record<string, string>;
  };
  artifact?: {
    /** The project file name an artifact is stored under: `${app}`, `${version}`, `${ext}` expand. Default `${app}-${version}${ext}`. */
    fileName?: string;
    /** Retention: keep this many latest versions (default 10) plus every version deployed somewhere. */
    keep?: number;
  };
  rollout?: Rollout;
  healthCheck?: HealthCheck;
  /** Redeploy the previous version when a deployment fails or its health check does (default true). */
  autoRollback?: boolean;
  environments?: Record<string, EnvironmentRule>;
}

export const DEFAULT_KEEP = 10;

export interface EnvironmentInfo {
  name: string;
  order: number;
  protected: boolean;
  freezeWindows: FreezeWindow[];
}

/** The effective rules of an app in an environment: its own, with defaults from the environment order. */
export interface EffectiveRule {
  from: string | null;
  autoDeploy: boolean;
  approval: boolean;
  freezeWindows: FreezeWindow[];
  healthCheck?: HealthCheck;
  rollout: Rollout;
  options: Record<string, string>;
}

export function ruleFor(spec: AppSpec, environment: string, environments: EnvironmentInfo[]): EffectiveRule {
  const own = spec.environments?.[environment] ?? {};
  const env = environments.find((e) => e.name === environment);
  const from = own.from === undefined ? previousEnvironment(environment, environments) : own.from;
  const health =
    own.healthCheck || spec.healthCheck ? { ...spec.healthCheck, ...own.healthCheck } : undefined;
  const rule: EffectiveRule = {
    from,
    autoDeploy: own.autoDeploy === true,
    approval: own.approval === true || env?.protected === true,
    freezeWindows: [...(env?.freezeWindows ?? []), ...(own.freezeWindows ?? [])],
    rollout: own.rollout ?? spec.rollout ?? { strategy: 'all-at-once' },
    options: { ...spec.deploy.options, ...own.options },
  };
  if (health?.url) rule.healthCheck = health;
  return rule;
}

/** The environment just before this one in promotion order, or null for the first. */
export function previousEnvironment(environment: string, environments: EnvironmentInfo[]): string | null {
  const sorted = [...environments].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  const i = sorted.findIndex((e) => e.name === environment);
  return i > 0 ? (sorted[i - 1]?.name ?? null) : null;
}

/** Environments that take a version automatically once it succeeded in `environment`. */
export function autoDeployTargets(
  spec: AppSpec,
  environment: string,
  environments: EnvironmentInfo[],
): string[] {
  return environments
    .filter((e) => e.name !== environment)
    .filter((e) => {
      const rule = ruleFor(spec, e.name, environments);
      return rule.autoDeploy && rule.from === environment;
    })
    .map((e) => e.name);
}

/** Splits the nodes into the batches of a rollout, in order. */
export function batchesOf(nodes: string[], rollout: Rollout): string[][] {
  if (rollout.strategy !== 'rolling' || nodes.length === 0) return [nodes];
  const size = Math.max(1, rollout.batchSize ?? 1);
  const out: string[][] = [];
  for (let i = 0; i < nodes.length; i += size) out.push(nodes.slice(i, i + size));
  return out;
}

/** Expands `${name}` references from `values`; unknown references stay as they are. */
export function expandTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([a-zA-Z0-9_.]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export const TEMPLATE_NAMES = [
  'artifact.version',
  'artifact.file',
  'artifact.sha256',
  'artifact.size',
  'artifact.path',
  'app',
  'environment',
  'deployment.id',
];

/** References in a text that are not among `known`. */
export function unknownReferences(text: string, known: string[]): string[] {
  return [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] ?? '').filter((name) => !known.includes(name));
}

/** `.tar.gz`, `.war`, … of an uploaded file name, kept on the stored name. */
export function extensionOf(fileName: string): string {
  const base = fileName.split('/').pop() ?? '';
  const match = /(\.tar\.(gz|bz2|xz|zst)|\.[A-Za-z0-9]{1,8})$/.exec(base);
  return match ? match[0] : '';
}

export const VERSION_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

export function artifactFileName(spec: AppSpec, app: string, version: string, uploadedName: string): string {
  return expandTemplate(spec.artifact?.fileName ?? '${app}-${version}${ext}', {
    app,
    version,
    ext: extensionOf(uploadedName),
  });
}
