/**
 * The flags console end to end: a real pont server and the Debian Chromium through playwright-core.
 * A flag created through the API shows in the grid; a toggle in dev is stored; the strategy editor
 * shows the server's refusal at the field, then saves a rollout and a constraint; the evaluation
 * panel answers for a context (and for an unsaved draft) with the why; switching on in prod waits
 * for an approval an admin gives in the console, switching off is the immediate kill switch; a
 * promotion shows its diff first; SDK metrics draw the chart; the history lists the changes; a
 * viewer's toggle is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
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
const VIEWER = { username: 'vera', password: 'viewer-e2e-password' };
const TOUR = Boolean(process.env.PONT_E2E_SCREENSHOTS);
const FLAG = 'new-checkout';

interface FlagDoc {
  metadata: { resourceVersion: string };
  spec: {
    environments?: Record<
      string,
      {
        enabled: boolean;
        strategies?: Array<{ name: string; parameters?: Record<string, unknown>; constraints?: unknown[] }>;
      }
    >;
  };
}

describe('flags console in Chromium', () => {
  let server: RunningServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let adminToken = '';
  let clientToken = '';
  const temp: string[] = [];

  const shot = async (name: string) => {
    if (TOUR) await page.screenshot({ path: join(ARTIFACTS, `flags-${name}.png`), fullPage: true });
  };
  const url = (path: string) => `${server?.url}${path}`;

  async function api(method: string, path: string, body?: unknown, token = adminToken) {
    const response = await fetch(url(path), {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  const stored = async (): Promise<FlagDoc> => api('GET', `/api/v1/projects/demo/flags/${FLAG}`);
  const envOf = async (env: string) => (await stored()).spec.environments?.[env];

  const logIn = (username: string, password: string) => logInAs(page, server?.url ?? '', username, password);
  const logOut = () => logOutOf(page);

  const nav = (name: string | RegExp) =>
    page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name, exact: typeof name === 'string' });
  const grid = () => page.getByRole('table', { name: 'Flags' });
  const toggle = (env: string) => page.getByRole('switch', { name: `${FLAG} in ${env}` });
  const cell = (env: string) => page.getByTestId(`cell-${FLAG}-${env}`);
  const panel = () => page.getByTestId('evaluate-panel');
  const tab = (name: string) => page.getByRole('tab', { name, exact: true });

  beforeAll(async () => {
    requireRealParts();
    const dataDir = mkdtempSync(join(tmpdir(), 'pont-web-flags-e2e-data-'));
    const profileDir = mkdtempSync(join(tmpdir(), 'pont-web-flags-e2e-chromium-'));
    temp.push(dataDir, profileDir);

    server = await startConsoleServer(dataDir, ADMIN_PASSWORD);
    await server.pont.auth.createUser(systemActor, { ...OPS, role: 'ops', displayName: 'Olga' });
    await server.pont.auth.createUser(systemActor, { ...VIEWER, role: 'viewer', displayName: 'Vera' });
    const login = await fetch(url('/api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD, issueToken: true }),
    });
    adminToken = ((await login.json()) as { token: string }).token;

    // The flag is created through the API, as a team applying flags from git would.
    await api('POST', '/api/v1/projects/demo/flag-changes', {
      items: [
        {
          apiVersion: 'pont/v1',
          kind: 'Flag',
          metadata: { project: 'demo', name: FLAG },
          spec: {
            type: 'release',
            description: 'The new checkout flow',
            environments: {
              test: {
                enabled: true,
                strategies: [
                  {
                    name: 'flexibleRollout',
                    parameters: { rollout: '25', stickiness: 'default', groupId: FLAG },
                  },
                ],
              },
            },
          },
        },
      ],
    });
    clientToken = (
      await api('POST', '/api/v1/tokens', {
        name: 'shop-web',
        type: 'client',
        project: 'demo',
        environment: 'test',
      })
    ).token;

    ({ context, page } = await openBrowser(profileDir, 15_000));
  }, 120_000);

  screenshotOnFailure(() => page, 'failed-flags-');

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    for (const dir of temp) rmSync(dir, { recursive: true, force: true });
  });

  it('shows a flag created through the API in the grid, environments in promotion order', async () => {
    await logIn(OPS.username, OPS.password);
    await nav('Flags').click();
    await page.waitForURL(/\/p\/demo\/flags$/);
    await expect
      .poll(() => grid().locator('thead th').allTextContents())
      .toEqual(['Flag', 'Type', 'dev', 'test', 'integration', 'prod', 'Last seen']);
    expect(
      await grid()
        .locator('thead th')
        .nth(5)
        .getByTitle(/protected/)
        .count(),
    ).toBe(1);
    const row = page.getByTestId(`flag-row-${FLAG}`);
    expect(await row.textContent()).toContain('The new checkout flow');
    expect(await row.textContent()).toContain('release');
    expect(await cell('test').textContent()).toContain('25%');
    expect(await toggle('test').getAttribute('aria-checked')).toBe('true');
    expect(await toggle('dev').getAttribute('aria-checked')).toBe('false');
    expect(await row.locator('td').last().textContent()).toBe('never');

    await page.getByLabel('Search flags').fill('no-such-thing');
    await expect.poll(() => grid().textContent()).toContain('No flag matches these filters.');
    await page.getByLabel('Search flags').fill('checkout flow');
    await expect.poll(() => page.getByTestId(`flag-row-${FLAG}`).count()).toBe(1);
    await shot('grid');
  });

  it('switches the flag on in dev from the grid, and the change is stored', async () => {
    await toggle('dev').click();
    await expect.poll(() => toggle('dev').getAttribute('aria-checked')).toBe('true');
    expect(await cell('dev').textContent()).toContain('everyone');
    expect((await envOf('dev'))?.enabled).toBe(true);
    expect((await envOf('test'))?.enabled).toBe(true);
  });

  it('edits a rollout and a constraint, with the server’s refusal shown at the field', async () => {
    await cell('test').getByRole('button', { name: '25%' }).click();
    await page.waitForURL(new RegExp(`/flags/${FLAG}\\?env=test$`));
    const strategy = page.getByTestId('strategy');
    await expect.poll(() => strategy.getByLabel('Strategy 1 rollout percentage').inputValue()).toBe('25');

    // The server judges: a rollout of 150 comes back at its field.
    await strategy.getByLabel('Strategy 1 rollout percentage').fill('150');
    await page.getByRole('button', { name: 'Save test' }).click();
    await expect
      .poll(() => strategy.getByRole('alert').first().textContent())
      .toContain('"150" is not a percentage');
    expect(await page.getByTestId('save-error').textContent()).toContain('VALIDATION_FAILED');

    await strategy.getByLabel('Strategy 1 rollout percentage').fill('40');
    // The refusal was about 150: once the field changes, its message goes.
    await expect.poll(() => strategy.getByRole('alert').count()).toBe(0);
    await strategy.getByRole('button', { name: 'Add constraint' }).click();
    await strategy.getByLabel('Strategy 1 constraint 1 context field').fill('plan');
    expect(await strategy.getByLabel('Strategy 1 constraint 1 operator').inputValue()).toBe('IN');
    await strategy.getByLabel('Strategy 1 constraint 1 values').fill('pro');
    await strategy.getByLabel('Strategy 1 constraint 1 values').press('Enter');
    expect(await page.getByTestId('save-bar').textContent()).toContain('Unsaved changes in test');
    await shot('editor');
    await page.getByRole('button', { name: 'Save test' }).click();
    await expect.poll(() => page.getByTestId('save-bar').textContent()).toContain('Saved');

    const test = await envOf('test');
    expect(test?.strategies?.[0]?.parameters?.rollout).toBe('40');
    expect(test?.strategies?.[0]?.constraints).toEqual([
      { contextName: 'plan', operator: 'IN', values: ['pro'] },
    ]);
    expect(await page.getByTestId('env-tab-test').textContent()).toContain('40%');
  });

  it('evaluates for a context and says why, also for an unsaved draft', async () => {
    await panel().getByLabel('Context userId').fill('42');
    await panel().getByLabel('Property 1 name').fill('plan');
    await panel().getByLabel('Property 1 value').fill('pro');
    const why = () => panel().getByTestId('evaluation-why').textContent();
    await expect.poll(why).toMatch(/userId 42 is in bucket \d+, rollout is 40%/);
    const bucket = Number(/bucket (\d+)/.exec((await why()) ?? '')?.[1]);
    expect(await panel().getByTestId('evaluation-result').textContent()).toBe(bucket <= 40 ? 'ON' : 'OFF');

    await panel().getByLabel('Property 1 value').fill('free');
    await expect.poll(why).toContain('constraint #1 failed: plan IN [pro], context value "free"');
    expect(await panel().getByTestId('evaluation-result').textContent()).toBe('OFF');
    await shot('evaluate');

    // An unsaved draft is evaluated as it would be: everyone with the pro plan.
    await panel().getByLabel('Property 1 value').fill('pro');
    await page.getByTestId('strategy').getByLabel('Strategy 1 rollout percentage').fill('100');
    await expect.poll(() => panel().textContent()).toContain('unsaved draft');
    await expect.poll(why).toContain('rollout is 100%');
    expect(await panel().getByTestId('evaluation-result').textContent()).toBe('ON');
    await page.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => panel().textContent()).toContain('saved configuration');
    expect(await page.getByTestId('strategy').getByLabel('Strategy 1 rollout percentage').inputValue()).toBe(
      '40',
    );
  });

  it('promotes test to integration after showing the diff', async () => {
    await page.getByRole('button', { name: 'Promote…' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByLabel('Promote from').inputValue()).toBe('test');
    expect(await dialog.getByLabel('Promote to').inputValue()).toBe('integration');
    await expect.poll(() => dialog.getByTestId('promote-preview').textContent()).toContain('integration');
    expect(await dialog.getByTestId('promote-preview').textContent()).toContain('flexibleRollout');
    await shot('promote');
    await dialog.getByRole('button', { name: 'Promote to integration' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(async () => (await envOf('integration'))?.enabled).toBe(true);
    expect((await envOf('integration'))?.strategies?.[0]?.parameters?.rollout).toBe('40');
  });

  it('asks for an approval to switch on in prod; an admin approves it in the console', async () => {
    await nav('Flags').click();
    await toggle('prod').click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('stays off until another person');
    await dialog.getByRole('button', { name: 'Request approval' }).click();
    await expect.poll(() => cell('prod').textContent()).toContain('pending approval');
    expect(await toggle('prod').getAttribute('aria-checked')).toBe('false');
    expect((await envOf('prod'))?.enabled ?? false).toBe(false);
    await shot('pending-approval');

    await logOut();
    await logIn('admin', ADMIN_PASSWORD);
    await nav('Flags').click();
    await page.getByRole('link', { name: /Flag changes/ }).click();
    const row = page.getByTestId('waiting-change').filter({ hasText: `enable flag ${FLAG} in prod` });
    expect(await row.textContent()).toContain(OPS.username);
    await shot('flag-changes');
    await row.getByRole('button', { name: 'Approve' }).click();
    const decision = page.getByRole('dialog');
    await decision.getByLabel('Comment').fill('release train 12');
    await decision.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => row.count()).toBe(0);
    await expect
      .poll(() => page.getByRole('table', { name: 'Recent flag changes' }).textContent())
      .toContain('applied');
    await expect.poll(async () => (await envOf('prod'))?.enabled).toBe(true);

    // The approvals page leads to the flag change it decided.
    await nav(/Approvals/).click();
    const decided = page.getByRole('table', { name: 'Decided approvals' });
    await expect.poll(() => decided.textContent()).toContain('release train 12');
    await shot('approvals');
    const link = decided.getByRole('link', { name: FLAG });
    expect(await link.getAttribute('href')).toMatch(/\/p\/demo\/flag-changes\/\w+$/);
    await link.click();
    await expect.poll(() => page.getByTestId('flag-change-status').textContent()).toBe('applied');
    expect(await page.getByTestId('approval-panel').textContent()).toContain('release train 12');
    await shot('flag-change');

    await nav('Flags').click();
    await expect.poll(() => toggle('prod').getAttribute('aria-checked')).toBe('true');
  });

  it('switches off in prod at once: the kill switch', async () => {
    await toggle('prod').click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Kill switch');
    expect(await dialog.textContent()).toContain('at once');
    await dialog.getByRole('button', { name: 'Switch off now' }).click();
    await expect.poll(() => toggle('prod').getAttribute('aria-checked')).toBe('false');
    expect((await envOf('prod'))?.enabled).toBe(false);
    expect(await cell('prod').textContent()).not.toContain('pending');
    expect((await api('GET', '/api/v1/projects/demo/flag-changes?status=pending-approval')).items).toEqual(
      [],
    );
  });

  it('draws the metrics SDKs reported', async () => {
    const now = Date.now();
    for (const [ago, yes, no] of [
      [4, 12, 3],
      [2, 20, 5],
      [0, 30, 8],
    ] as const) {
      const response = await fetch(url('/api/client/metrics'), {
        method: 'POST',
        headers: { authorization: clientToken, 'content-type': 'application/json' },
        body: JSON.stringify({
          appName: 'shop-web',
          instanceId: 'e2e-1',
          bucket: {
            start: new Date(now - ago * 60_000).toISOString(),
            stop: new Date(now - ago * 60_000 + 30_000).toISOString(),
            toggles: { [FLAG]: { yes, no, variants: {} } },
          },
        }),
      });
      expect(response.status).toBeLessThan(300);
    }
    await server?.pont.flags.metrics.flush();

    await page.goto(url(`/p/demo/flags/${FLAG}?tab=metrics`));
    const chart = page.getByTestId('metrics-chart');
    await expect.poll(() => chart.locator('g[data-total]:not([data-total="0"])').count()).toBe(3);
    expect(await chart.locator('rect.metric--yes').count()).toBe(3);
    expect(await page.getByTestId('metrics-stats').textContent()).toContain('Evaluations78');
    expect(await page.getByTestId('metrics-stats').textContent()).toContain('Yes79 %');
    expect(await page.getByRole('region', { name: 'Metrics' }).textContent()).toContain('shop-web');
    await shot('metrics');
  });

  it('lists the changes in the history', async () => {
    await tab('History').click();
    const rows = page.getByTestId('history-row');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(6);
    const text = await page.getByRole('table', { name: 'Flag history' }).textContent();
    for (const word of ['create', 'update', 'approve', OPS.username, 'admin', 'prod'])
      expect(text).toContain(word);
    // A change opens to its field diff.
    await rows.filter({ hasText: 'update' }).first().click();
    await expect.poll(() => page.locator('.row--detail .diff').count()).toBe(1);
    await shot('history');
  });

  it('refuses a viewer’s toggle where it was asked', async () => {
    await logOut();
    await logIn(VIEWER.username, VIEWER.password);
    await nav('Flags').click();
    await expect.poll(() => toggle('dev').getAttribute('aria-checked')).toBe('true');
    await toggle('dev').click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Not allowed' });
    await expect.poll(() => refusal.count()).toBe(1);
    expect(await refusal.textContent()).toContain('may not apply Flag');
    expect(await toggle('dev').getAttribute('aria-checked')).toBe('true');
    expect((await envOf('dev'))?.enabled).toBe(true);
    await shot('viewer-refused');
  });
});
