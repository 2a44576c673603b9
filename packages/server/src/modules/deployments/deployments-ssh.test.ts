import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoArtifact } from '../../demo.js';
import { createTestPont, type TestPont } from '../../testing/index.js';
import { type SshTestNodes, startSshNodes } from '../../testing/sshd.js';
import { systemActor } from '../auth/index.js';
import type { Deployment } from './index.js';

/** A rolling deployment of a tarball to three real sshd nodes: SFTP copy with checksum, unpack, switch. */
describe('deployments to SSH nodes', () => {
  let t: TestPont;
  let ssh: SshTestNodes;
  let root: string;

  const doc = (kind: string, name: string, spec: Record<string, unknown>, project = 'shop') => ({
    apiVersion: 'pont/v1',
    kind,
    metadata: { project, name },
    spec,
  });

  async function waitFinal(id: string): Promise<Deployment> {
    for (;;) {
      const { deployment } = await t.pont.deployments.service.get(systemActor, 'shop', id);
      if (!['queued', 'running', 'waiting-approval'].includes(deployment.status)) return deployment;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const installed = (node: string) => readFileSync(join(root, node, 'current', 'VERSION'), 'utf8').trim();

  beforeAll(async () => {
    ssh = await startSshNodes(3, { namePrefix: 'web' });
    root = mkdtempSync(join(tmpdir(), 'pont-deploy-ssh-'));
    t = await createTestPont('sqlite', { demo: false });
    await t.pont.resources.apply(systemActor, [
      { apiVersion: 'pont/v1', kind: 'Project', metadata: { name: 'shop' }, spec: {} },
      doc('Environment', 'test', { order: 1 }),
      doc('Secret', 'deploy-key', { data: { privateKey: ssh.privateKey } }),
      ...ssh.nodes.map((n) =>
        doc('Node', n.name, {
          environment: 'test',
          hostname: n.hostname,
          port: n.port,
          username: ssh.user,
          executor: 'ssh',
          tags: ['web'],
          credentials: { secret: 'deploy-key' },
          hostKey: { fingerprint: n.hostKeyFingerprint },
        }),
      ),
      doc('Job', 'install', {
        options: [
          { name: 'version', required: true },
          { name: 'artifact', required: true },
          { name: 'root', required: true },
        ],
        nodes: { filter: 'tags: web' },
        dispatch: { threadcount: 3 },
        steps: [
          {
            id: 'prepare',
            exec: 'mkdir -p "$PONT_OPTION_ROOT/$PONT_NODE_NAME/releases/$PONT_OPTION_VERSION"',
            shell: true,
          },
          {
            id: 'copy',
            copy: {
              file: '${option.artifact}',
              destination: '${option.root}/${node.name}/releases/${option.version}/app.tar.gz',
            },
          },
          {
            id: 'unpack',
            exec: 'cd "$PONT_OPTION_ROOT/$PONT_NODE_NAME/releases/$PONT_OPTION_VERSION" && tar -xzf app.tar.gz && rm app.tar.gz',
            shell: true,
          },
          {
            id: 'check',
            description: 'web-2 refuses version 2.0.0 (a broken build)',
            exec: 'test "$PONT_NODE_NAME-$PONT_OPTION_VERSION" != web-2-2.0.0',
            shell: true,
          },
          {
            id: 'switch',
            exec: 'ln -sfn "releases/$PONT_OPTION_VERSION" "$PONT_OPTION_ROOT/$PONT_NODE_NAME/current"',
            shell: true,
          },
        ],
      }),
      doc('App', 'site', {
        deploy: { job: 'install', options: { root } },
        rollout: { strategy: 'rolling', batchSize: 1, pause: '100ms' },
        environments: { test: { from: null } },
      }),
    ]);
    for (const version of ['1.0.0', '2.0.0']) {
      await t.pont.deployments.artifacts.push(systemActor, 'shop', 'site', version, {
        fileName: 'site.tar.gz',
        body: Readable.from([demoArtifact(version)]),
      });
    }
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await ssh?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('rolls a tarball out node by node, one execution per batch, each after the previous one', async () => {
    const started = await t.pont.deployments.service.deploy(systemActor, 'shop', {
      app: 'site',
      environment: 'test',
      version: '1.0.0',
    });
    const done = await waitFinal(started.id);
    expect(done.status, done.events.map((e) => e.message).join('\n')).toBe('succeeded');
    expect(done.executions.map((e) => [e.batch, e.nodes, e.state])).toEqual([
      [1, ['web-1'], 'succeeded'],
      [2, ['web-2'], 'succeeded'],
      [3, ['web-3'], 'succeeded'],
    ]);
    const executions = await Promise.all(
      done.executions.map(async (e) => (await t.pont.jobs.service.get(systemActor, 'shop', e.id)).execution),
    );
    for (let i = 1; i < executions.length; i++) {
      expect(Date.parse(executions[i]?.startedAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(executions[i - 1]?.finishedAt ?? '') + 90,
      );
    }
    const { lines } = await t.pont.jobs.service.logs(systemActor, 'shop', done.executions[0]?.id ?? '', {});
    expect(lines.map((l) => l.line).join('\n')).toMatch(
      /copied site-1\.0\.0\.tar\.gz \(\d+ bytes, sha256 [0-9a-f]{12}…\)/,
    );
    for (const node of ['web-1', 'web-2', 'web-3']) {
      expect(installed(node)).toBe('1.0.0');
      expect(readlinkSync(join(root, node, 'current'))).toBe('releases/1.0.0');
      expect(readFileSync(join(root, node, 'current', 'index.html'), 'utf8')).toContain('shop 1.0.0');
    }
  });

  it('stops the rollout at the failed batch and rolls the nodes back', async () => {
    const started = await t.pont.deployments.service.deploy(systemActor, 'shop', {
      app: 'site',
      environment: 'test',
      version: '2.0.0',
    });
    const done = await waitFinal(started.id);
    expect(done.status).toBe('rolled-back');
    expect(done.executions.map((e) => [e.nodes[0], e.state])).toEqual([
      ['web-1', 'succeeded'],
      ['web-2', 'failed'],
    ]);
    expect(done.message).toMatch(
      /^batch 2\/3 \(web-2\): execution \w+ failed .*; rolled back automatically to 1\.0\.0/,
    );
    const rollback = await waitFinal(done.rolledBackBy ?? '');
    expect(rollback.executions).toHaveLength(3);
    for (const node of ['web-1', 'web-2', 'web-3']) expect(installed(node)).toBe('1.0.0');
    const matrix = await t.pont.deployments.service.matrix(systemActor, 'shop');
    expect(matrix.apps[0]?.cells.test).toMatchObject({
      version: '1.0.0',
      last: { version: '2.0.0', status: 'rolled-back' },
    });
  });
});
