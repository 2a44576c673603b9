import { describe, expect, it } from 'vitest';
import { createKindRegistry, type Resource } from '../resources/index.js';
import { appKind } from './app.kind.js';
import {
  type AppSpec,
  artifactFileName,
  autoDeployTargets,
  batchesOf,
  type EnvironmentInfo,
  extensionOf,
  previousEnvironment,
  ruleFor,
} from './app-spec.js';
import { activeFreeze, checkFreezeWindows } from './freeze.js';

const envs: EnvironmentInfo[] = [
  {
    name: 'prod',
    order: 3,
    protected: true,
    freezeWindows: [{ name: 'xmas', start: '2026-12-20T00:00:00Z', end: '2027-01-02T00:00:00Z' }],
  },
  { name: 'dev', order: 0, protected: false, freezeWindows: [] },
  { name: 'integration', order: 2, protected: false, freezeWindows: [] },
  { name: 'test', order: 1, protected: false, freezeWindows: [] },
];

describe('app rules', () => {
  const spec: AppSpec = {
    deploy: { job: 'deploy', options: { root: '/srv' } },
    rollout: { strategy: 'rolling', batchSize: 2 },
    healthCheck: { url: 'http://${node.hostname}/health', retries: 1 },
    environments: {
      test: { autoDeploy: true },
      integration: {
        from: 'dev',
        approval: true,
        options: { root: '/opt' },
        healthCheck: { expectedStatus: 204 },
      },
      prod: {
        freezeWindows: [{ cron: '0 18 * * 5', duration: '62h' }],
        rollout: { strategy: 'all-at-once' },
      },
      dev: { from: null },
    },
  };

  it('defaults the promotion path to the previous environment by order', () => {
    expect(previousEnvironment('dev', envs)).toBeNull();
    expect(previousEnvironment('test', envs)).toBe('dev');
    expect(previousEnvironment('prod', envs)).toBe('integration');
    expect(ruleFor({ deploy: { job: 'd' } }, 'prod', envs).from).toBe('integration');
  });

  it('merges the app’s rules with the environment’s', () => {
    const integration = ruleFor(spec, 'integration', envs);
    expect(integration).toMatchObject({ from: 'dev', approval: true, options: { root: '/opt' } });
    expect(integration.healthCheck).toEqual({
      url: 'http://${node.hostname}/health',
      retries: 1,
      expectedStatus: 204,
    });
    const prod = ruleFor(spec, 'prod', envs);
    expect(prod.approval).toBe(true);
    expect(prod.freezeWindows.map((w) => w.name ?? w.cron)).toEqual(['xmas', '0 18 * * 5']);
    expect(prod.rollout).toEqual({ strategy: 'all-at-once' });
    expect(ruleFor(spec, 'dev', envs)).toMatchObject({
      from: null,
      approval: false,
      rollout: { batchSize: 2 },
    });
    expect(ruleFor({ deploy: { job: 'd' } }, 'dev', envs).healthCheck).toBeUndefined();
  });

  it('finds the environments that deploy automatically after a success', () => {
    expect(autoDeployTargets(spec, 'dev', envs)).toEqual(['test']);
    expect(autoDeployTargets(spec, 'test', envs)).toEqual([]);
  });

  it('splits nodes into rollout batches', () => {
    expect(batchesOf(['a', 'b', 'c'], { strategy: 'rolling', batchSize: 2 })).toEqual([['a', 'b'], ['c']]);
    expect(batchesOf(['a', 'b', 'c'], { strategy: 'rolling' })).toEqual([['a'], ['b'], ['c']]);
    expect(batchesOf(['a', 'b', 'c'], { strategy: 'all-at-once' })).toEqual([['a', 'b', 'c']]);
  });

  it('names stored artifacts after the app and version with the upload’s extension', () => {
    expect(extensionOf('dist/shop.tar.gz')).toBe('.tar.gz');
    expect(extensionOf('app.war')).toBe('.war');
    expect(extensionOf('README')).toBe('');
    expect(artifactFileName({ deploy: { job: 'd' } }, 'shop', '1.2.0', 'build/shop.tar.gz')).toBe(
      'shop-1.2.0.tar.gz',
    );
    expect(
      artifactFileName(
        { deploy: { job: 'd' }, artifact: { fileName: 'ROOT-${version}.war' } },
        'shop',
        '2',
        'x.war',
      ),
    ).toBe('ROOT-2.war');
  });
});

describe('freeze windows', () => {
  it('finds a cron window in force in its time zone, and when it ends', () => {
    // Friday 18:00 in Paris to Monday 08:00.
    const weekend = [{ name: 'weekend', cron: '0 18 * * 5', duration: '62h', timezone: 'Europe/Paris' }];
    const saturday = new Date('2026-01-10T12:00:00Z');
    const freeze = activeFreeze(weekend, saturday);
    expect(freeze?.since.toISOString()).toBe('2026-01-09T17:00:00.000Z');
    expect(freeze?.until.toISOString()).toBe('2026-01-12T07:00:00.000Z');
    expect(activeFreeze(weekend, new Date('2026-01-09T16:59:00Z'))).toBeUndefined();
    expect(activeFreeze(weekend, new Date('2026-01-12T07:00:00Z'))).toBeUndefined();
    expect(activeFreeze(weekend, new Date('2026-01-12T06:59:00Z'))).toBeDefined();
  });

  it('extends a window opened again before it closed', () => {
    const hourly = [{ cron: '0 * * * *', duration: '90m' }];
    const freeze = activeFreeze(hourly, new Date('2026-01-10T12:10:00Z'));
    expect(freeze && freeze.until > new Date('2026-01-10T13:30:00Z')).toBe(true);
  });

  it('finds one-off windows and reports invalid ones precisely', () => {
    const xmas = [{ start: '2026-12-20T00:00:00Z', end: '2027-01-02T00:00:00Z' }];
    expect(activeFreeze(xmas, new Date('2026-12-25T00:00:00Z'))).toBeDefined();
    expect(activeFreeze(xmas, new Date('2027-01-02T00:00:00Z'))).toBeUndefined();
    expect(
      checkFreezeWindows(
        [
          { cron: 'nope' },
          { cron: '0 18 * * 5', duration: '62h', timezone: 'Mars/Olympus' },
          { start: '2026-02-01T00:00:00Z', end: '2026-01-01T00:00:00Z' },
          { cron: '0 18 * * 5', start: '2026-01-01T00:00:00Z' },
        ],
        'spec.freezeWindows',
      ).map((p) => p.path),
    ).toEqual([
      'spec.freezeWindows[0].cron',
      'spec.freezeWindows[0].duration',
      'spec.freezeWindows[1].cron',
      'spec.freezeWindows[2].end',
      'spec.freezeWindows[3]',
    ]);
  });
});

describe('App kind', () => {
  const registry = createKindRegistry();
  registry.register(appKind);
  const kind = registry.require('App');
  const job = {
    apiVersion: 'pont/v1',
    kind: 'Job',
    metadata: { project: 'p', name: 'deploy' },
    spec: { options: [{ name: 'version' }, { name: 'root' }], steps: [] },
  };
  const env = (name: string) => ({
    apiVersion: 'pont/v1',
    kind: 'Environment',
    metadata: { project: 'p', name },
    spec: { order: 0 },
  });
  const lookup = {
    get: async (k: string, _p: string, name: string) =>
      k === 'Job' && name === 'deploy' ? (job as Resource) : undefined,
    list: async (k: string) => (k === 'Environment' ? [env('dev'), env('prod')] : []) as Resource[],
  };
  const app = (spec: Record<string, unknown>) => ({
    apiVersion: 'pont/v1',
    kind: 'App',
    metadata: { project: 'p', name: 'shop' },
    spec,
  });

  it('validates the schema with field paths', () => {
    expect(
      kind.validate(app({ deploy: { job: 'deploy' }, rollout: { strategy: 'canary' } })).map((p) => p.path),
    ).toContain('spec.rollout.strategy');
    expect(
      kind.validate(
        app({ deploy: { job: 'deploy' }, environments: { prod: { from: null, autoDeploy: true } } }),
      ),
    ).toEqual([]);
  });

  it('checks references: the job, its options, environments, templates and freeze windows', async () => {
    const problems = await kind.check?.(
      app({
        deploy: {
          job: 'deploy',
          options: { version: '${artifact.version}', oops: 'x', root: '${artifact.nope}' },
        },
        healthCheck: { url: 'ftp://${environment}/x' },
        artifact: { fileName: 'shop.tar.gz' },
        environments: {
          staging: {},
          prod: { from: 'qa', freezeWindows: [{ cron: '0 18 * * 5' }] },
          dev: { from: null, autoDeploy: true },
        },
      }) as Resource,
      lookup,
    );
    expect(problems?.map((p) => p.path)).toEqual([
      'spec.deploy.options.oops',
      'spec.deploy.options.root',
      'spec.healthCheck.url',
      'spec.artifact.fileName',
      'spec.environments.staging',
      'spec.environments.prod.from',
      'spec.environments.prod.freezeWindows[0].duration',
      'spec.environments.dev.autoDeploy',
    ]);
    expect(await kind.check?.(app({ deploy: { job: 'missing' } }) as Resource, lookup)).toEqual([
      expect.objectContaining({
        path: 'spec.deploy.job',
        message: 'job "missing" does not exist in project p',
      }),
    ]);
  });
});
