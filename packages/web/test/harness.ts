/**
 * What every console end-to-end test shares: the real parts it needs (Debian Chromium, the built
 * console), a real pont server on a fresh data directory, a fresh browser profile, a screenshot
 * when a test fails, and logging in through the login page.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type RunningServer, startServer } from '@pont/server';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { beforeEach, expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const WEB_DIR = fileURLToPath(new URL('../dist', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('./.artifacts', import.meta.url));

type SystemActor = Parameters<RunningServer['pont']['auth']['createUser']>[0];
export const systemActor: SystemActor = {
  type: 'system',
  id: 'system',
  name: 'pont',
  role: 'admin',
  groups: [],
};

export const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Fails loudly, never skips, when a real part is missing. */
export function requireRealParts(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is required at ${CHROMIUM} for the console end-to-end test (Debian package "chromium"); it is never skipped`,
    );
  }
  if (!existsSync(join(WEB_DIR, 'index.html'))) {
    throw new Error(
      `the console is not built (${WEB_DIR}/index.html missing): run npm run build -w @pont/web`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
}

/** A real pont server serving the built console on a free port. */
export function startConsoleServer(dataDir: string, adminPassword: string): Promise<RunningServer> {
  return startServer(
    loadConfig({
      PONT_DATA_DIR: dataDir,
      PONT_PORT: '0',
      PONT_ADMIN_PASSWORD: adminPassword,
      PONT_LOG_LEVEL: 'warn',
      PONT_WEB_DIR: WEB_DIR,
    }),
    { handleSignals: false, print: () => {} },
  );
}

/** Debian's Chromium with the flags this machine needs, on a fresh profile. */
export async function openBrowser(
  profileDir: string,
  timeoutMs: number,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport: { width: 1440, height: 900 },
  });
  context.setDefaultTimeout(timeoutMs);
  return { context, page: context.pages()[0] ?? (await context.newPage()) };
}

/** Keeps a full-page screenshot of whatever failed, under test/.artifacts/. */
export function screenshotOnFailure(page: () => Page | undefined, prefix: string): void {
  beforeEach(({ onTestFailed, task }) => {
    onTestFailed(async () => {
      await page()?.screenshot({ path: join(ARTIFACTS, `${prefix}${slug(task.name)}.png`), fullPage: true });
    });
  });
}

/** Logs in through the login page and waits until the console says who is logged in. */
export async function logIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect.poll(() => page.getByTestId('whoami').textContent()).toBe(username);
}

export async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/login/);
}
