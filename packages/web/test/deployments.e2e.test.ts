/**
 * The deployments console end to end: a real pont server deploying real tarballs to the demo's
 * local nodes, driven by the Debian Chromium through playwright-core. The environment matrix,
 * a cell's history, promotion with confirmation and the live log of the running deployment, the
 * versions compared, the four-eyes approval of a prod deployment between two users, a rollback,
 * the flags changed since the previous deployment, and a developer refused in prod.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '@pont/server';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  logIn as logInAs,
  logOut as logOutOf,
  openBrowser,
  requireRealParts,
  screenshotOnFailure,
  startConsoleServer,
  systemActor,
} from './harness.js';

const ADMIN_PASSWORD = 'admin-e2e-password';
const OPS = { username: 'olga', password: 'ops-e2e-password' };
const OPS2 = { username: 'otto', password: 'ops2-e2e-password' };
const DEV = { username: 'dan', password: 'dev-e2e-password' };
const TOUR = Boolean(process.env.PONT_E2E_SCREENSHOTS);

describe('deployments console in Chromium', () => {
  let server: RunningServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let adminToken = '';
  let root = '';
  const temp: string[] = [];

  const shot = async (name: string) => {
    if (TOUR) await page.screenshot({ path: join(ARTIFACTS, `deployments-${name}.png`), fullPage: true });
  };
  const url = (path: string) => `${server?.url}${path}`;
  const installed = (node: string) => readFileSync(join(root, node, 'current', 'VERSION'), 'utf8').trim();

  async function api(method: string, path: string, body?: unknown, raw?: Buffer) {
    const response = await fetch(url(path), {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        'content-type': raw ? 'application/octet-stream' : 'application/json',
      },
      ...(raw ? { body: raw } : body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Deploys through the API and waits for the end (setting the scene, not what is tested). */
  async function deployed(body: Record<string, unknown>, path = '/api/v1/projects/demo/deployments') {
    const d = await api('POST', path, body);
    for (;;) {
      const { deployment } = await api('GET', `/api/v1/projects/demo/deployments/${d.id}`);
      if (deployment.status === 'succeeded') return deployment;
      if (!['queued', 'running', 'waiting-approval'].includes(deployment.status))
        throw new Error(`deployment ${d.id}: ${deployment.status} ${deployment.message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  function tarball(version: string): Buffer {
    const src = join(root, '..', `src-${version}`);
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'VERSION'), `${version}\n`);
    const file = join(root, '..', `store-${version}.tar.gz`);
    execFileSync('tar', ['-czf', file, '-C', src, '.']);
    return readFileSync(file);
  }

  const logIn = (username: string, password: string) => logInAs(page, server?.url ?? '', username, password);
  const logOut = () => logOutOf(page);

  const matrix = () => page.getByRole('table', { name: 'Environment matrix' });
  const cell = (app: string, env: string) => page.getByTestId(`cell-${app}-${env}`);
  const status = () => page.getByTestId('deployment-status');

  beforeAll(async () => {
    requireRealParts();
    const dataDir = mkdtempSync(join(tmpdir(), 'pont-web-deploy-e2e-data-'));
    const profileDir = mkdtempSync(join(tmpdir(), 'pont-web-deploy-e2e-chromium-'));
    const work = mkdtempSync(join(tmpdir(), 'pont-web-deploy-e2e-nodes-'));
    temp.push(dataDir, profileDir, work);
    root = join(work, 'nodes');
    mkdirSync(root);

    server = await startConsoleServer(dataDir, ADMIN_PASSWORD);
    for (const [user, role] of [
      [OPS, 'ops'],
      [OPS2, 'ops'],
      [DEV, 'dev'],
    ] as const) {
      await server.pont.auth.createUser(systemActor, { ...user, role, displayName: user.username });
    }
    const login = await fetch(url('/api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD, issueToken: true }),
    });
    adminToken = ((await login.json()) as { token: string }).token;
    await api('POST', '/api/v1/apply', {
      items: [
        {
          apiVersion: 'pont/v1',
          kind: 'Job',
          metadata: { project: 'demo', name: 'install-store' },
          spec: {
            options: [
              { name: 'version', required: true },
              { name: 'artifact', required: true },
              { name: 'root', required: true },
            ],
            nodes: { filter: 'tags: app' },
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
                  destination: '${option.root}/${node.name}/releases/${option.version}/store.tar.gz',
                },
              },
              {
                id: 'unpack',
                exec: 'cd "$PONT_OPTION_ROOT/$PONT_NODE_NAME/releases/$PONT_OPTION_VERSION" && tar -xzf store.tar.gz',
                shell: true,
              },
              {
                id: 'warm-up',
                exec: 'for i in $(seq 1 25); do echo "warming cache $i/25"; sleep 0.06; done',
                shell: true,
              },
              {
                id: 'switch',
                exec: 'ln -sfn "releases/$PONT_OPTION_VERSION" "$PONT_OPTION_ROOT/$PONT_NODE_NAME/current"',
                shell: true,
              },
            ],
          },
        },
        {
          apiVersion: 'pont/v1',
          kind: 'App',
          metadata: { project: 'demo', name: 'store' },
          spec: { description: 'The web store', deploy: { job: 'install-store', options: { root } } },
        },
      ],
    });
    for (const [version, commit] of [
      ['1.0.0', 'a1b2c3'],
      ['1.1.0', 'd4e5f6'],
    ] as const) {
      await api(
        'PUT',
        `/api/v1/projects/demo/artifacts/store/${version}?fileName=store.tar.gz&labels=commit=${commit}`,
        undefined,
        tarball(version),
      );
    }
    await deployed({ app: 'store', environment: 'dev', version: '1.0.0' });
    await deployed({ app: 'store', from: 'dev', to: 'test' }, '/api/v1/projects/demo/deployments/promote');
    await deployed({ app: 'store', environment: 'dev', version: '1.1.0' });

    ({ context, page } = await openBrowser(profileDir, 15_000));
  }, 120_000);

  screenshotOnFailure(() => page, 'failed-deployments-');

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    for (const dir of temp) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the environment matrix: version and age per app and environment', async () => {
    await logIn(OPS.username, OPS.password);
    await page.getByRole('link', { name: 'Deployments' }).click();
    await page.waitForURL(/\/p\/demo\/deployments$/);
    await expect
      .poll(() => matrix().locator('thead th').allTextContents())
      .toEqual(['App', 'dev', 'test', 'integration', 'prod']);
    await expect.poll(() => cell('store', 'dev').textContent()).toMatch(/^1\.1\.0.*ago|^1\.1\.0just now/);
    expect(await cell('store', 'test').textContent()).toMatch(/^1\.0\.0/);
    expect(await cell('store', 'prod').textContent()).toBe('—');
    expect(await matrix().getByRole('rowheader').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('store'), expect.stringContaining('shop')]),
    );
    await shot('matrix');
  });

  it('opens a cell’s history and promotes after a confirmation, following the live log', async () => {
    await cell('store', 'test').click();
    const panel = page.getByTestId('cell-panel');
    await expect
      .poll(() => panel.getByRole('table', { name: 'History of store in test' }).locator('tbody tr').count())
      .toBe(1);
    expect(await panel.textContent()).toContain('versions come from dev');
    await shot('cell-panel');
    await panel.getByRole('button', { name: 'Promote 1.1.0 from dev' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByTestId('deploy-summary').textContent()).toBe(
      'Promote store 1.1.0 from dev to test (now 1.0.0)',
    );
    await dialog.getByRole('button', { name: 'Promote' }).click();
    await page.waitForURL(/\/p\/demo\/deployments\/\w{26}$/);
    // The log of the running batch streams in while the deployment runs.
    await expect
      .poll(() => page.getByTestId('deployment-log').getByTestId('log').textContent(), { timeout: 15_000 })
      .toContain('warming cache');
    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toBe('succeeded');
    await expect.poll(() => page.getByTestId('log').textContent()).toContain('warming cache 25/25');
    expect(installed('test-app-1')).toBe('1.1.0');
    expect(await page.getByTestId('deployment-versions').textContent()).toBe('1.0.0 → 1.1.0');
    const compared = page.getByRole('table', { name: 'Versions compared' });
    expect(await compared.locator('tbody tr').nth(0).textContent()).toContain('1.0.0');
    expect(await compared.locator('tbody tr').nth(1).textContent()).toContain('1.1.0');
    const labels = page.getByRole('table', { name: 'Labels compared' });
    expect(await labels.locator('tbody tr').first().textContent()).toBe('commita1b2c3d4e5f6');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('store 1.1.0 runs in test');
    await shot('deployment');
  });

  it('asks another user to approve a prod deployment, who approves it', async () => {
    await deployed(
      { app: 'store', from: 'test', to: 'integration' },
      '/api/v1/projects/demo/deployments/promote',
    );
    await page.goto(url('/p/demo/deployments?app=store&env=prod'));
    const panel = page.getByTestId('cell-panel');
    await panel.getByRole('button', { name: 'Promote 1.1.0 from integration' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('prod needs another person’s approval');
    await dialog.getByRole('button', { name: 'Request approval' }).click();
    await page.waitForURL(/\/deployments\/\w{26}$/);
    const deploymentUrl = page.url();
    await expect.poll(() => status().textContent()).toBe('waiting for approval');
    expect(await page.getByTestId('approval-panel').textContent()).toContain('cannot approve it yourself');
    await shot('waiting-approval');

    await logOut();
    await logIn(OPS2.username, OPS2.password);
    await page.goto(deploymentUrl);
    const approval = page.getByTestId('approval-panel');
    await approval.getByLabel('Comment').fill('CAB-7 approved');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toBe('succeeded');
    expect(await page.getByTestId('approval-panel').textContent()).toContain('CAB-7 approved');
    expect(installed('prod-app-1')).toBe('1.1.0');
    await page.goto(url('/p/demo/deployments'));
    await expect.poll(() => cell('store', 'prod').textContent()).toMatch(/^1\.1\.0/);
  });

  it('rolls back with a confirmation and shows the flags changed since the previous deployment', async () => {
    await api('POST', '/api/v1/apply', {
      items: [
        {
          apiVersion: 'pont/v1',
          kind: 'Flag',
          metadata: { project: 'demo', name: 'new-basket' },
          spec: { type: 'release', environments: { test: { enabled: true } } },
        },
      ],
    });
    await cell('store', 'test').click();
    const panel = page.getByTestId('cell-panel');
    await panel.getByRole('button', { name: 'Roll back' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByTestId('deploy-summary').textContent()).toBe(
      'Roll back store in test (now 1.1.0)',
    );
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await page.waitForURL(/\/deployments\/\w{26}$/);
    await expect.poll(() => status().textContent(), { timeout: 20_000 }).toBe('succeeded');
    expect(await page.getByTestId('deployment-versions').textContent()).toBe('1.1.0 → 1.0.0');
    expect(installed('test-app-1')).toBe('1.0.0');
    const flags = page.getByRole('table', { name: 'Flag changes' });
    expect(await flags.locator('tbody tr').first().textContent()).toContain('new-basket');
    await shot('rollback');
    await page.getByRole('link', { name: 'store in test' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'History of store in test' }).locator('tbody tr').count())
      .toBe(3);
  });

  it('refuses a developer in prod where the action was asked', async () => {
    await logOut();
    await logIn(DEV.username, DEV.password);
    await page.goto(url('/p/demo/deployments?app=store&env=prod'));
    await page.getByTestId('cell-panel').getByRole('button', { name: 'Roll back' }).waitFor();
    await page.getByTestId('cell-panel').getByRole('button', { name: 'Deploy a version…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Version').selectOption('1.0.0');
    await dialog.getByRole('button', { name: 'Request approval' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('Not allowed');
    expect(await dialog.getByRole('alert').textContent()).toContain('may not run App store');
    await shot('refused');
  });
});
