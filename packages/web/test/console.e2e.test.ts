/**
 * The console end to end: a real pont server on a free port serving the built bundle, driven by
 * the Debian Chromium through playwright-core. No mocks: the API, cookies, CSRF and policies are
 * the production ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '@pont/server';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  openBrowser,
  requireRealParts,
  screenshotOnFailure,
  startConsoleServer,
  systemActor,
} from './harness.js';

const ADMIN_PASSWORD = 'admin-e2e-password';
const VIEWER = { username: 'bob', password: 'viewer-e2e-password' };
// Set PONT_E2E_SCREENSHOTS=1 to keep a screenshot of every step, for looking at the console.
const TOUR = Boolean(process.env.PONT_E2E_SCREENSHOTS);

describe('web console in Chromium', () => {
  let server: RunningServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const temp: string[] = [];

  const shot = async (name: string) => {
    if (TOUR) await page.screenshot({ path: join(ARTIFACTS, `tour-${name}.png`), fullPage: true });
  };
  const url = (path: string) => `${server?.url}${path}`;

  async function logIn(username: string, password: string) {
    await page.goto(url('/'));
    await page.waitForURL(/\/login/);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByTestId('whoami').textContent()).toBe(username);
  }

  beforeAll(async () => {
    requireRealParts();
    const dataDir = mkdtempSync(join(tmpdir(), 'pont-web-e2e-data-'));
    const profileDir = mkdtempSync(join(tmpdir(), 'pont-web-e2e-chromium-'));
    temp.push(dataDir, profileDir);

    server = await startConsoleServer(dataDir, ADMIN_PASSWORD);
    await server.pont.auth.createUser(systemActor, { ...VIEWER, role: 'viewer', displayName: 'Bob Viewer' });

    ({ context, page } = await openBrowser(profileDir, 10_000));
  });

  screenshotOnFailure(() => page, 'failed-');

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    for (const dir of temp) rmSync(dir, { recursive: true, force: true });
  });

  it('sends an anonymous visitor to the login page and logs the admin in', async () => {
    await page.goto(url('/p/demo/environments'));
    await page.waitForURL(/\/login\?next=/);
    await shot('login');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain('wrong username or password');

    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/p\/demo\/environments$/);
    await expect.poll(() => page.getByTestId('whoami').textContent()).toBe('admin');
    const rows = page.getByRole('table', { name: 'Environments' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.first().textContent()).toContain('dev');
    await shot('environments');
  });

  it('creates an environment through the form and lists it in promotion order', async () => {
    await page.getByRole('button', { name: 'New environment' }).click();
    const form = page.getByRole('form', { name: 'New environment' });
    await form.getByLabel('Name').fill('staging');
    await form.getByLabel('Order').fill('4');
    await form.getByLabel('Protected').check();
    await form.getByLabel('Description').fill('Release candidates, before prod');
    await shot('environment-form');
    await form.getByRole('button', { name: 'Create environment' }).click();

    const row = page.getByRole('table', { name: 'Environments' }).locator('tr[data-name="staging"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Release candidates, before prod');
    expect(await row.textContent()).toContain('protected');
    const names = await page
      .getByRole('table', { name: 'Environments' })
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-name')));
    expect(names).toEqual(['dev', 'test', 'integration', 'prod', 'staging']);
    expect(await page.getByRole('status').first().textContent()).toContain('Environment staging created');

    // The server has the full resource the form promised, not only what the table shows.
    const stored = await server?.pont.resources.getStored('Environment', 'demo', 'staging');
    expect(stored?.spec).toEqual({
      order: 4,
      protected: true,
      color: '#607d8b',
      description: 'Release candidates, before prod',
    });
    await shot('environment-created');
  });

  it('shows the creation in the audit log with its diff', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/audit/);
    const row = page.getByTestId('audit-row').filter({ hasText: 'demo/staging' }).first();
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('admin');
    expect(text).toContain('create');
    expect(text).toContain('Environment');

    await row.click();
    const detail = page.locator('tr.row--detail').first();
    await detail.waitFor();
    expect(await detail.textContent()).toContain('Release candidates, before prod');

    await page.getByLabel('Kind filter').selectOption('Environment');
    await page.waitForURL(/kind=Environment/);
    await expect
      .poll(async () =>
        (await page.getByTestId('audit-row').allTextContents()).every((t) => t.includes('Environment')),
      )
      .toBe(true);
    await shot('audit');
  });

  it('lists nodes and filters them by environment and tag', async () => {
    await page.goto(url('/p/demo/nodes'));
    const rows = page.getByRole('table', { name: 'Nodes' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(8);
    await page.getByLabel('Environment filter').selectOption('prod');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('Tag filter').selectOption('web');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('prod-web-1');
    await shot('nodes');
  });

  it('flags a schema error inline in the YAML editor before anything is saved', async () => {
    await page.goto(url('/p/demo/resources/environments/staging'));
    const editor = page.locator('.cm-content');
    await editor.waitFor();
    // The first live check of the unchanged document passes.
    await page.getByText('Valid: the server accepts this document.').waitFor();

    const lines = await page.locator('.cm-line').allTextContents();
    const orderLine = lines.findIndex((l) => l.trim().startsWith('order:')) + 1;
    expect(orderLine).toBeGreaterThan(0);
    await page
      .locator('.cm-line')
      .nth(orderLine - 1)
      .click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('colr: red');

    const problem = page.getByTestId('problem').first();
    await problem.waitFor();
    const problemText = await problem.textContent();
    expect(problemText).toContain(`line ${orderLine + 1}:3`);
    expect(problemText).toContain('unknown field "colr"');
    // Underlined in the text itself, on the line typed.
    await page.locator('.cm-lintRange-error').first().waitFor();
    expect(await page.locator('.cm-lintRange-error').first().textContent()).toContain('colr');
    await shot('editor-error');

    const stored = await server?.pont.resources.getStored('Environment', 'demo', 'staging');
    expect(stored?.spec).not.toHaveProperty('colr');
  });

  it('shows the pending change of a valid edit and saves it', async () => {
    // Replace the bad line by a valid change: a new description.
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.type('color: "#ff8800"');
    const lines = await page.locator('.cm-line').allTextContents();
    // Two colour keys would be a YAML error; drop the original one.
    const original = lines.findIndex((l) => l.includes('#607d8b'));
    await page.locator('.cm-line').nth(original).click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');

    const pending = page.getByRole('complementary', { name: 'Pending changes' });
    await expect.poll(() => pending.textContent()).toContain('configured');
    expect(await pending.textContent()).toContain('spec.color');
    expect(await pending.textContent()).toContain('#ff8800');
    await shot('editor-pending');

    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('Environment staging configured');
    const stored = await server?.pont.resources.getStored('Environment', 'demo', 'staging');
    expect(stored?.spec.color).toBe('#ff8800');
    // The editor reopens the saved resource, so the next save carries the new resourceVersion.
    await expect
      .poll(() => page.locator('.page-header__subtitle').textContent())
      .toContain(`resourceVersion ${stored?.metadata.resourceVersion}`);
    expect(await page.locator('.page-header__subtitle').textContent()).not.toContain('unsaved');
  });

  it('refuses a stale save with a conflict instead of overwriting a change made meanwhile', async () => {
    await page.getByText('Valid: the server accepts this document.').waitFor();
    const current = await server?.pont.resources.getStored('Environment', 'demo', 'staging');
    if (!current) throw new Error('staging is gone');
    await server?.pont.resources.apply(systemActor, [
      { ...current, spec: { ...current.spec, description: 'Changed by someone else' } },
    ]);

    const lines = await page.locator('.cm-line').allTextContents();
    await page
      .locator('.cm-line')
      .nth(lines.findIndex((l) => l.trim().startsWith('description:')))
      .click();
    await page.keyboard.press('End');
    await page.keyboard.type(' (edited)');
    // The live check already knows: the resourceVersion line is flagged before any save.
    await expect
      .poll(() => page.getByTestId('problem').first().textContent())
      .toContain('stale resourceVersion');

    await page.getByRole('button', { name: 'Save' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'RESOURCE_CONFLICT' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Someone changed this resource since you opened it');
    const stored = await server?.pont.resources.getStored('Environment', 'demo', 'staging');
    expect(stored?.spec.description).toBe('Changed by someone else');
    await shot('editor-conflict');

    // The refused edit is still only in the editor: leaving asks before dropping it.
    await page.getByRole('link', { name: 'Audit log' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
    await leave.getByRole('button', { name: 'Stay' }).click();
    expect(page.url()).toContain('/resources/environments/staging');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await leave.getByRole('button', { name: 'Discard edits and leave' }).click();
    await page.waitForURL(/\/audit$/);
  });

  it('creates an API token, shows its value once, and revokes it', async () => {
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByRole('button', { name: 'New token' }).click();
    const dialog = page.getByRole('dialog', { name: 'New token' });
    await dialog.getByLabel('Name').fill('ci-deploy');
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const value = page.getByTestId('new-token');
    await value.waitFor();
    const token = (await value.textContent()) ?? '';
    expect(token).toMatch(/^pont_/);
    await shot('token-created');
    // The value works as a bearer token: it is the real one, not a display copy.
    const whoami = await fetch(url('/api/v1/auth/whoami'), { headers: { authorization: `Bearer ${token}` } });
    expect(((await whoami.json()) as { name: string }).name).toBe('ci-deploy');

    await page.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('table', { name: 'Tokens' }).locator('tr', { hasText: 'ci-deploy' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.textContent()).toContain('revoked');
    const after = await fetch(url('/api/v1/auth/whoami'), { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    await shot('tokens');
  });

  it('lists users for the admin, with the viewer among them', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    const row = page.getByRole('table', { name: 'Users' }).locator('tr', { hasText: 'bob' });
    await row.waitFor();
    expect(await row.textContent()).toContain('viewer');
    await shot('users');
  });

  it('refuses the same creation to a viewer and says why on the page', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await logIn(VIEWER.username, VIEWER.password);
    await page.goto(url('/p/demo/environments'));

    await page.getByRole('button', { name: 'New environment' }).click();
    const form = page.getByRole('form', { name: 'New environment' });
    await form.getByLabel('Name').fill('bobs-env');
    await form.getByRole('button', { name: 'Create environment' }).click();

    const refusal = form.getByRole('alert');
    await refusal.waitFor();
    const text = await refusal.textContent();
    expect(text).toContain('Not allowed');
    expect(text).toContain('user bob may not apply Environment bobs-env in project demo');
    expect(await refusal.isVisible()).toBe(true);
    await shot('viewer-refused');

    expect(await server?.pont.resources.getStored('Environment', 'demo', 'bobs-env')).toBeUndefined();
    const rows = page.getByRole('table', { name: 'Environments' }).locator('tbody tr');
    expect(await rows.count()).toBe(5);

    // Administration pages say plainly what a viewer may not do instead of failing on click.
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByText('Only administrators can create, change or disable users.').waitFor();
    expect(await page.getByRole('button', { name: 'New user' }).count()).toBe(0);
  });
});
