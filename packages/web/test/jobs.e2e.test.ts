/**
 * The jobs console end to end: a real pont server running real jobs on the demo's local nodes,
 * driven by the Debian Chromium through playwright-core. Jobs list, run form with validation,
 * live log over SSE with ANSI colours, node × step matrix, filters, download, the four-eyes
 * approval between two users, and the ad-hoc command box refused to a developer.
 */
import { createHash } from 'node:crypto';
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
const DEV = { username: 'dan', password: 'dev-e2e-password' };
const SECRET = 'tok-e2e-s3cret';
const TOUR = Boolean(process.env.PONT_E2E_SCREENSHOTS);

/** A job with one option of each interesting kind, long enough (~2 s) for the log to be followed live. */
const greetJob = {
  apiVersion: 'pont/v1',
  kind: 'Job',
  metadata: { project: 'demo', name: 'greet' },
  spec: {
    description: 'Greets from every local node, in colour',
    group: 'e2e/demo',
    options: [
      {
        name: 'who',
        label: 'Who',
        description: 'Lowercase name to greet',
        required: true,
        default: 'world',
        regex: '[a-z]+',
      },
      { name: 'tier', type: 'enum', values: ['web', 'app'], default: 'web' },
      { name: 'token', type: 'secret', description: 'Never shown once entered' },
      { name: 'loud', type: 'boolean', default: false },
    ],
    nodes: { filter: 'tags: local' },
    steps: [
      { id: 'hello', exec: 'echo hello ${option.who} from ${node.name}' },
      {
        id: 'colour',
        exec: 'printf \'\\033[31mred\\033[0m\\n\'; for i in $(seq 1 30); do echo "line $i"; sleep 0.03; done; echo warn >&2',
        shell: true,
      },
      { id: 'secret', exec: 'echo "token=$PONT_OPTION_TOKEN loud=$PONT_OPTION_LOUD"', shell: true },
      { id: 'out', exec: 'echo ::output answer=42' },
    ],
  },
};

const pickyJob = {
  apiVersion: 'pont/v1',
  kind: 'Job',
  metadata: { project: 'demo', name: 'picky' },
  spec: {
    group: 'e2e',
    options: [{ name: 'code', required: true, regex: '[a-z]+' }],
    steps: [{ id: 'noop', exec: 'true' }],
  },
};

describe('jobs console in Chromium', () => {
  let server: RunningServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let adminToken = '';
  const temp: string[] = [];

  const shot = async (name: string) => {
    if (TOUR) await page.screenshot({ path: join(ARTIFACTS, `jobs-${name}.png`), fullPage: true });
  };
  const url = (path: string) => `${server?.url}${path}`;

  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(url(path), {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  const logIn = (username: string, password: string) => logInAs(page, server?.url ?? '', username, password);
  const logOut = () => logOutOf(page);

  const logStatus = () => page.getByTestId('log-status');
  const logLines = () => page.getByTestId('log').locator('.log-line');

  beforeAll(async () => {
    requireRealParts();
    const dataDir = mkdtempSync(join(tmpdir(), 'pont-web-jobs-e2e-data-'));
    const profileDir = mkdtempSync(join(tmpdir(), 'pont-web-jobs-e2e-chromium-'));
    temp.push(dataDir, profileDir);

    server = await startConsoleServer(dataDir, ADMIN_PASSWORD);
    await server.pont.auth.createUser(systemActor, { ...OPS, role: 'ops', displayName: 'Olga Ops' });
    await server.pont.auth.createUser(systemActor, { ...DEV, role: 'dev', displayName: 'Dan Dev' });

    const login = await fetch(url('/api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD, issueToken: true }),
    });
    expect(login.status).toBe(200);
    adminToken = ((await login.json()) as { token: string }).token;
    await api('POST', '/api/v1/apply', { items: [greetJob, pickyJob] });

    ({ context, page } = await openBrowser(profileDir, 15_000));
  });

  screenshotOnFailure(() => page, 'failed-jobs-');

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    for (const dir of temp) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the job under its folder, with folders that fold', async () => {
    await logIn('admin', ADMIN_PASSWORD);
    // The project's home is its jobs.
    await page.waitForURL(/\/p\/demo\/jobs$/);
    const table = page.getByRole('table', { name: 'Jobs' });
    const greet = table.locator('tr[data-job="greet"]');
    await greet.waitFor();
    expect(await greet.textContent()).toContain('Greets from every local node, in colour');
    expect(await greet.textContent()).toContain('never run');
    const folders = await table
      .getByTestId('folder-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-folder')));
    // Folders in name order, each above what it holds (the demo's own jobs have folders too).
    expect(folders).toEqual([...folders].sort());
    expect(folders).toContain('e2e');
    expect(folders.indexOf('e2e/demo')).toBe(folders.indexOf('e2e') + 1);
    // greet sits deeper than the folder it is in: indentation follows the path.
    const indent = await greet
      .locator('td')
      .first()
      .evaluate((td) => td.ownerDocument.defaultView?.getComputedStyle(td).paddingLeft ?? '');
    expect(Number.parseInt(indent, 10)).toBeGreaterThanOrEqual(50);
    await shot('list');

    await table.locator('tr[data-folder="e2e/demo"] button').click();
    await expect.poll(() => greet.count()).toBe(0);
    expect(await table.locator('tr[data-job="picky"]').count()).toBe(1);
    await table.locator('tr[data-folder="e2e/demo"] button').click();
    await greet.waitFor();
  });

  it('builds the run form from the options and refuses a bad value inline', async () => {
    await page
      .getByRole('table', { name: 'Jobs' })
      .locator('tr[data-job="greet"]')
      .getByRole('link', { name: 'Run greet' })
      .click();
    await page.waitForURL(/\/p\/demo\/jobs\/greet$/);
    const form = page.getByRole('form', { name: 'Run greet' });
    await form.waitFor();

    const who = form.locator('[data-option="who"] input');
    expect(await who.inputValue()).toBe('world'); // default filled in
    expect(await form.locator('[data-option="who"] .required').count()).toBe(1);
    expect(await form.locator('[data-option="who"]').textContent()).toContain('Lowercase name to greet');
    // enum → select with its values, secret → password field, boolean → checkbox
    const tier = form.locator('[data-option="tier"] select');
    expect(await tier.inputValue()).toBe('web');
    expect(await tier.locator('option').allTextContents()).toEqual(['web', 'app']);
    expect(await form.locator('[data-option="token"] input').getAttribute('type')).toBe('password');
    expect(await form.locator('[data-option="loud"] input').getAttribute('type')).toBe('checkbox');
    // environments in promotion order; the protected one says it needs an approval
    const envs = await form.locator('.env-choice').allTextContents();
    expect(envs.map((t) => t.replace('needs approval', '').trim())).toEqual([
      'dev',
      'test',
      'integration',
      'prod',
    ]);
    expect(envs[3]).toContain('needs approval');
    expect(await form.getByTestId('run-targets').textContent()).toContain('2 nodes of dev');

    await who.fill('Bad1');
    await who.press('Tab');
    const error = form.locator('[data-option="who"]').getByTestId('option-error');
    await expect.poll(() => error.textContent()).toContain('does not match [a-z]+');
    expect(await who.getAttribute('aria-invalid')).toBe('true');
    await form.getByRole('button', { name: 'Run in dev' }).click();
    await page.waitForTimeout(300);
    expect(page.url()).toMatch(/\/jobs\/greet$/); // nothing was sent
    expect(await api('GET', '/api/v1/projects/demo/executions?job=greet')).toEqual({ items: [] });
    await shot('run-form-invalid');

    await who.fill('alice');
    await expect.poll(() => error.count()).toBe(0);
  });

  it('runs it and follows the live log to the end, in colour, with the matrix and outputs', async () => {
    const form = page.getByRole('form', { name: 'Run greet' });
    await form.locator('[data-option="tier"] select').selectOption('app');
    await form.locator('[data-option="token"] input').fill(SECRET);
    await form.locator('[data-option="loud"] input').check();
    await form.getByRole('button', { name: 'Run in dev' }).click();
    await page.waitForURL(/\/p\/demo\/executions\/[0-9A-Z]+$/);
    const id = page.url().split('/').pop() ?? '';

    // Live: the stream is open while the job still runs, and the view keeps to the bottom.
    await expect.poll(() => logStatus().getAttribute('data-phase')).toBe('following');
    await expect.poll(() => logStatus().getAttribute('data-phase'), { timeout: 20_000 }).toBe('ended');
    expect(await logStatus().textContent()).toContain('End of log: succeeded');
    await expect.poll(() => page.getByTestId('execution-state').textContent()).toContain('succeeded');
    const scroll = await page
      .getByTestId('log')
      .evaluate((el) => ({ top: el.scrollTop, height: el.clientHeight, full: el.scrollHeight }));
    expect(scroll.full).toBeGreaterThan(scroll.height); // more lines than fit…
    expect(scroll.top + scroll.height).toBeGreaterThanOrEqual(scroll.full - 20); // …and it followed them
    const last = logLines().last();
    expect(await last.textContent()).toContain('finished: succeeded');
    expect(await last.getAttribute('data-stream')).toBe('system');

    // The ANSI red line is red, without its escape codes.
    await page.getByTestId('log').evaluate((el) => {
      el.scrollTop = 0;
    });
    const red = logLines()
      .filter({ hasText: /^\d+dev-app-1colourred$/ })
      .first();
    await red.waitFor();
    const span = red.locator('.log-line__text span.ansi');
    expect(await span.textContent()).toBe('red');
    expect(await span.evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).color)).toBe(
      'rgb(241, 76, 76)',
    );
    expect(await red.textContent()).not.toContain('[31m');
    // stderr is marked, and the secret never reaches the page
    expect(await logLines().filter({ hasText: 'warn' }).first().getAttribute('data-stream')).toBe('stderr');
    const all = await page.getByTestId('log').textContent();
    expect(all).toContain('token=***** loud=true');
    expect(await page.content()).not.toContain(SECRET);
    expect(await page.locator('.exec-options [data-option="token"]').textContent()).toBe('token*****');
    expect(await page.locator('.exec-options [data-option="tier"]').textContent()).toBe('tierapp');

    // Node × step matrix: 2 nodes × 4 steps, all green; hover tells the exit code.
    const matrix = page.getByTestId('matrix');
    expect(await matrix.locator('tbody tr').count()).toBe(2);
    const cells = matrix.locator('.matrix__cell');
    expect(await cells.count()).toBe(8);
    expect(new Set(await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))))).toEqual(
      new Set(['succeeded']),
    );
    await cells.first().hover();
    const tip = page.getByTestId('matrix-tip');
    await tip.waitFor();
    expect(await tip.textContent()).toContain('exit code0');
    expect(await tip.textContent()).toContain('attempts1');
    // Outputs published with ::output
    const outputs = page.getByRole('region', { name: 'Outputs' });
    expect(await outputs.textContent()).toContain('answer42');
    await shot('execution');

    const detail = await api('GET', `/api/v1/projects/demo/executions/${id}`);
    expect(detail.execution.state).toBe('succeeded');
  });

  it('filters the log by node and step, jumps to the first error and offers a download', async () => {
    const total = await logLines().count();
    expect(total).toBeGreaterThan(10);
    await page.getByLabel('Log node filter').selectOption('dev-web-1');
    await expect
      .poll(
        async () =>
          new Set(await logLines().evaluateAll((els) => els.map((e) => e.getAttribute('data-node')))),
      )
      .toEqual(new Set(['dev-web-1']));
    expect(await logStatus().textContent()).toMatch(/\d+ of \d+ lines/);
    // The download follows the filter, and is the server's plain-text log.
    const download = page.getByRole('link', { name: 'Download' });
    const href = (await download.getAttribute('href')) ?? '';
    expect(href).toContain('format=text');
    expect(href).toContain('node=dev-web-1');
    expect(await download.getAttribute('download')).not.toBeNull();
    const text = await page.evaluate(async (h) => (await fetch(h)).text(), href);
    expect(text).toContain('hello alice from dev-web-1');
    expect(text).not.toContain('dev-app-1');

    await page.getByLabel('Log step filter').selectOption('hello');
    await expect.poll(() => logLines().count()).toBe(1);
    expect(await logLines().first().textContent()).toContain('hello alice from dev-web-1');

    // A matrix cell filters to its node and step too; clicking it again clears that.
    await page.getByTestId('matrix').locator('tr[data-node="dev-app-1"] .matrix__cell').nth(2).click();
    await expect.poll(() => logLines().first().textContent()).toContain('token=*****');
    expect(await page.getByLabel('Log node filter').inputValue()).toBe('dev-app-1');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => logLines().first().textContent()).toContain('job greet started');
    await page.getByRole('button', { name: 'First error' }).click();
    const target = page.locator('.log-line--target');
    await target.waitFor();
    expect(await target.getAttribute('data-stream')).toBe('stderr');
    expect(await target.textContent()).toContain('warn');
    expect(await page.getByRole('button', { name: /Jump to bottom/ }).count()).toBe(1);
    await shot('log-filtered');
  });

  it('shows the server’s refusal next to the option it is about', async () => {
    await page.goto(url('/p/demo/jobs/picky'));
    const form = page.getByRole('form', { name: 'Run picky' });
    await form.locator('[data-option="code"] input').fill('dave');
    // Someone tightens the job while the form is open: the browser's check passes, the server's does not.
    await api('POST', '/api/v1/apply', {
      items: [
        {
          ...pickyJob,
          spec: { ...pickyJob.spec, options: [{ name: 'code', required: true, regex: '[a-c]+' }] },
        },
      ],
    });
    await form.getByRole('button', { name: 'Run in dev' }).click();
    const error = form.locator('[data-option="code"]').getByTestId('option-error');
    await expect.poll(() => error.textContent()).toContain('does not match [a-c]+');
    expect(page.url()).toMatch(/\/jobs\/picky$/);
  });

  it('lists executions on the activity page with a duration chart', async () => {
    // Only this test's runs: the demo's own jobs may have runs of their own.
    await page.goto(url('/p/demo/activity?job=greet'));
    const rows = page.getByTestId('execution-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('greet');
    await expect.poll(() => page.getByLabel('Chart job').inputValue()).toBe('greet');
    const bars = page.getByTestId('duration-chart').locator('.duration-chart__bar');
    await expect.poll(() => bars.count()).toBe(1);
    expect(await bars.first().getAttribute('data-state')).toBe('succeeded');
    expect(await page.getByTestId('run-stats').textContent()).toContain('100 %');

    expect(await page.getByLabel('Job filter').inputValue()).toBe('greet');
    await page.getByLabel('State filter').selectOption('failed');
    await page.waitForURL(/job=greet&state=failed/);
    await expect.poll(() => rows.count()).toBe(0);
    await page.getByLabel('State filter').selectOption('');
    await expect.poll(() => rows.count()).toBe(1);
    await shot('activity');
  });

  it('pages the activity with load more', async () => {
    await api('POST', '/api/v1/apply', {
      items: [
        {
          apiVersion: 'pont/v1',
          kind: 'Job',
          metadata: { project: 'demo', name: 'tiny' },
          spec: { group: 'e2e', nodes: { filter: 'dev-web-1' }, steps: [{ id: 'ok', exec: 'true' }] },
        },
      ],
    });
    for (let i = 0; i < 53; i++) {
      await api('POST', '/api/v1/projects/demo/jobs/tiny/run', { environment: 'dev' });
    }
    await page.goto(url('/p/demo/activity?job=tiny'));
    const rows = page.getByTestId('execution-row');
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBe(53);
    expect(await page.getByText('53 executions, no more.').count()).toBe(1);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('a')?.getAttribute('href')));
    expect(new Set(ids).size).toBe(53);
  });

  it('keeps a 120,000-line log responsive while it streams in', async () => {
    await api('POST', '/api/v1/apply', {
      items: [
        {
          apiVersion: 'pont/v1',
          kind: 'Job',
          metadata: { project: 'demo', name: 'chatty' },
          spec: {
            group: 'e2e',
            nodes: { filter: 'dev-web-1' },
            steps: [
              {
                id: 'spam',
                exec: 'for j in 1 2 3 4; do seq 1 30000 | sed "s/^/batch $j line /"; sleep 0.3; done',
                shell: true,
              },
            ],
          },
        },
      ],
    });
    const run = await api('POST', '/api/v1/projects/demo/jobs/chatty/run', { environment: 'dev' });
    await page.goto(url(`/p/demo/executions/${run.id}`));
    // The longest task the page's main thread ran while the lines arrived.
    await page.evaluate(() => {
      const probe = globalThis as unknown as { longestTask: number };
      probe.longestTask = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
          probe.longestTask = Math.max(probe.longestTask, entry.duration);
        // 'longtask' is Chromium's; Node's typings do not list it.
      }).observe({ type: 'longtask' as 'mark', buffered: true });
    });
    await expect.poll(() => logStatus().getAttribute('data-phase'), { timeout: 60_000 }).toBe('ended');
    expect(await logStatus().textContent()).toContain('120,003 lines');
    // Only what is on screen is in the page.
    expect(await logLines().count()).toBeLessThan(200);
    const scroll = await page
      .getByTestId('log')
      .evaluate((el) => ({ top: el.scrollTop, height: el.clientHeight, full: el.scrollHeight }));
    expect(scroll.top + scroll.height).toBeGreaterThanOrEqual(scroll.full - 20);
    expect(await logLines().last().textContent()).toContain('finished: succeeded');

    await page.getByTestId('log').evaluate((el) => {
      el.scrollTop = 60_000 * 18;
    });
    await expect
      .poll(async () => Number(await logLines().first().getAttribute('data-seq')))
      .toBeGreaterThan(59_000);
    await page.getByLabel('Find in log').fill('batch 3 line 29999');
    await expect.poll(() => logStatus().textContent()).toContain('1 of 120,003 lines');
    expect(await logLines().first().textContent()).toContain('batch 3 line 29999');
    const longest = await page.evaluate(() => (globalThis as unknown as { longestTask: number }).longestTask);
    // Typically under 100 ms; EventSource (one DOM event per line) blocked for 500 ms and more.
    expect(longest).toBeLessThan(500);
    await shot('big-log');
  });

  it('kills a running execution from its page', async () => {
    await api('POST', '/api/v1/apply', {
      items: [
        {
          apiVersion: 'pont/v1',
          kind: 'Job',
          metadata: { project: 'demo', name: 'sleepy' },
          spec: {
            group: 'e2e',
            nodes: { filter: 'dev-web-1' },
            steps: [
              { id: 'start', exec: 'echo started' },
              { id: 'wait', exec: 'sleep 60' },
              { id: 'after', exec: 'echo never' },
            ],
          },
        },
      ],
    });
    await page.goto(url('/p/demo/jobs/sleepy'));
    await page.getByRole('button', { name: 'Run in dev' }).click();
    await page.waitForURL(/\/executions\/[0-9A-Z]+$/);
    await expect.poll(() => page.getByTestId('log').textContent()).toContain('started');
    await expect
      .poll(() => page.getByTestId('matrix').locator('.matrix__cell').nth(1).getAttribute('data-status'), {
        timeout: 5000,
      })
      .toBe('running');
    await page.getByRole('button', { name: 'Kill' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Kill' }).click();
    await expect
      .poll(() => page.getByTestId('execution-state').textContent(), { timeout: 20_000 })
      .toContain('aborted');
    await expect.poll(() => logStatus().getAttribute('data-phase')).toBe('ended');
    const statuses = await page
      .getByTestId('matrix')
      .locator('.matrix__cell')
      .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-status')));
    expect(statuses).toEqual(['succeeded', 'aborted', 'not-run']);
    expect(await page.getByRole('button', { name: 'Kill' }).count()).toBe(0);
    expect(await page.getByTestId('log').textContent()).not.toContain('never');
    await shot('killed');
  });

  it('uploads a file for copy steps, lists it with its checksum and deletes it', async () => {
    await page.getByRole('link', { name: 'Files' }).click();
    const form = page.getByRole('form', { name: 'Upload a file' });
    const content = Buffer.from('artifact bytes\n'.repeat(1000));
    await form.locator('input[type="file"]').setInputFiles({
      name: 'shop 1.4.2.tar.gz',
      mimeType: 'application/gzip',
      buffer: content,
    });
    // The browser's name becomes one the server accepts.
    expect(await form.getByLabel('Name in pont').inputValue()).toBe('shop-1.4.2.tar.gz');
    await form.getByRole('button', { name: 'Upload' }).click();
    const row = page.getByRole('table', { name: 'Files' }).locator('tr', { hasText: 'shop-1.4.2.tar.gz' });
    await row.waitFor();
    expect(await row.textContent()).toContain('15 KB');
    const sha = createHash('sha256').update(content).digest('hex');
    expect(await row.locator('code').getAttribute('title')).toBe(sha);
    const listed = await api('GET', '/api/v1/projects/demo/files');
    expect(listed.items).toContainEqual(
      expect.objectContaining({ name: 'shop-1.4.2.tar.gz', sha256: sha, size: content.length }),
    );
    await shot('files');

    await row.getByRole('button', { name: 'Delete shop-1.4.2.tar.gz' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row.count()).toBe(0);
    const names = (await api('GET', '/api/v1/projects/demo/files')).items.map(
      (f: { name: string }) => f.name,
    );
    expect(names).not.toContain('shop-1.4.2.tar.gz');
  });

  it('parks a prod run of one user until another approves it in the console', async () => {
    await logOut();
    await logIn(OPS.username, OPS.password);
    await page.goto(url('/p/demo/jobs/greet'));
    const form = page.getByRole('form', { name: 'Run greet' });
    await form.locator('.env-choice', { hasText: 'prod' }).click();
    expect(await form.textContent()).toContain('prod is protected');
    await form.locator('[data-option="who"] input').fill('prod');
    await form.getByRole('button', { name: 'Request run in prod' }).click();
    await page.waitForURL(/\/executions\/[0-9A-Z]+$/);
    const executionUrl = page.url();
    await expect
      .poll(() => page.getByTestId('execution-state').textContent())
      .toContain('waiting for approval');
    const panel = page.getByTestId('approval-panel');
    expect(await panel.textContent()).toContain('you cannot approve it yourself');
    expect(await panel.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await shot('approval-requested');

    await logOut();
    await logIn('admin', ADMIN_PASSWORD);
    // The sidebar says something waits, and the approvals page lists it.
    await expect.poll(() => page.getByTestId('pending-approvals').textContent()).toBe('1');
    await page.getByRole('link', { name: /Approvals/ }).click();
    const pending = page.getByTestId('pending-approval');
    await pending.waitFor();
    expect(await pending.textContent()).toContain('olga');
    await shot('approvals');

    await page.goto(executionUrl);
    await panel.getByLabel('Comment').fill('change window open');
    await panel.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => logStatus().getAttribute('data-phase'), { timeout: 20_000 }).toBe('ended');
    await expect.poll(() => page.getByTestId('execution-state').textContent()).toContain('succeeded');
    expect(await page.getByTestId('log').textContent()).toContain('hello prod from prod-web-1');
    const history = panel.getByRole('list', { name: 'Approval history' });
    await expect.poll(() => history.textContent()).toContain('approved');
    expect(await history.textContent()).toContain('admin');
    expect(await history.textContent()).toContain('change window open');
    await shot('approved');

    // A second request, refused from the approvals page with a reason.
    const opsLogin = await fetch(url('/api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...OPS, issueToken: true }),
    });
    const opsToken = ((await opsLogin.json()) as { token: string }).token;
    const second = await fetch(url('/api/v1/projects/demo/jobs/greet/run'), {
      method: 'POST',
      headers: { authorization: `Bearer ${opsToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ environment: 'prod', options: { who: 'again' } }),
    });
    const secondId = ((await second.json()) as { id: string }).id;
    await page.getByRole('link', { name: /Approvals/ }).click();
    const row = page.getByTestId('pending-approval').filter({ hasText: secondId });
    await row.getByRole('button', { name: 'Reject' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Comment').fill('not during the sale');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => row.count()).toBe(0);
    const decided = page.getByRole('table', { name: 'Decided approvals' });
    await expect.poll(() => decided.textContent()).toContain('not during the sale');
    const rejected = await api('GET', `/api/v1/projects/demo/executions/${secondId}`);
    expect(rejected.execution.state).toBe('aborted');
    expect(rejected.execution.message).toContain('not during the sale');
    await expect.poll(() => page.getByTestId('pending-approvals').count()).toBe(0);
  });

  it('runs an ad-hoc command and refuses it to a developer', async () => {
    await page.getByRole('link', { name: 'Commands' }).click();
    const form = page.getByRole('form', { name: 'Run a command' });
    await form.getByLabel('Node filter').fill('tags: web');
    await expect.poll(() => page.getByTestId('node-match').textContent()).toContain('1 node of 2');
    expect(await page.getByTestId('node-match').textContent()).toContain('dev-web-1');
    await form.getByLabel('Node filter').fill('!name: dev-web-1');
    await expect.poll(() => page.getByTestId('node-match').textContent()).toContain('dev-app-1');
    await form.getByLabel('Node filter').fill('name: dev-*');
    await expect.poll(() => page.getByTestId('node-match').textContent()).toContain('2 nodes of 2');
    await form.getByLabel('Command').fill('echo adhoc-$((40+2)) && exit 3');
    await form.getByRole('button', { name: 'Run on 2 nodes' }).click();
    await page.waitForURL(/\/executions\/[0-9A-Z]+$/);
    await expect.poll(() => logStatus().getAttribute('data-phase'), { timeout: 20_000 }).toBe('ended');
    expect(await page.getByTestId('log').textContent()).toContain('adhoc-42');
    // Even failed, the page says what ran.
    await expect.poll(() => page.getByTestId('execution-state').textContent()).toContain('failed');
    expect(await page.getByTestId('command').textContent()).toBe('echo adhoc-$((40+2)) && exit 3');
    await page.getByTestId('matrix').locator('.matrix__cell').first().hover();
    expect(await page.getByTestId('matrix-tip').textContent()).toContain('exit code3');
    await shot('command');

    await logOut();
    await logIn(DEV.username, DEV.password);
    const before = (await api('GET', '/api/v1/projects/demo/executions')).items.length;
    await page.goto(url('/p/demo/commands'));
    await form.getByLabel('Command').fill('uname -a');
    await form.getByRole('button', { name: /Run on/ }).click();
    const refusal = form.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Not allowed');
    expect(await refusal.textContent()).toContain('dan');
    expect(page.url()).toMatch(/\/commands$/);
    expect((await api('GET', '/api/v1/projects/demo/executions')).items.length).toBe(before);
    await shot('command-refused');
  });
});
