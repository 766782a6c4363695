/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the real `serve` process and the
 * simulator, at desktop and phone size: log in with an account key, send from the test-send form and watch the message
 * reach `read`, filter failures by a code, open a message's history, revoke a key as admin; no console errors, and Tab
 * reaches every control of every page. Screenshots go to test-results/. Needs `npm run build` (the dashboard's assets).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { api, createServedSender, SERVED_ADMIN_KEY, servedRig } from '../helpers/served-gateway.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { startReceiver, type Receiver } from './webhooks-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];
const SHOTS = resolve(REPO_ROOT, 'test-results');
const GOOD = '4915112345001';
const UNREACHABLE = '4915112345002';
const VIEWPORTS = [{ name: 'desktop', width: 1280, height: 800 }, { name: 'phone', width: 390, height: 844 }] as const;
const PAGES = ['overview', 'errors', 'messages', 'numbers', 'webhooks', 'catalog', 'send'] as const;
const ADMIN_PAGES = ['overview', 'errors', 'messages', 'accounts', 'numbers', 'catalog'] as const;

// Without the browser the test cannot say anything; CI installs it (.ci/run), so there its absence is a failure.
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
const SUITE = hasChromium ? 'the dashboard in Chromium' : `the dashboard in Chromium (skipped: ${CHROMIUM} is missing; apt-get install chromium)`;

const rig = servedRig('switchboard-dashboard-');
let gateway: { url: string };
let simulator: RunningSimulator;
let accountKey: string;
let receiver: Receiver;

beforeAll(async () => {
  if (!hasChromium) return;
  if (!existsSync(resolve(REPO_ROOT, 'dist/dashboard/index.html'))) throw new Error('the dashboard is not built: run `npm run build` first');
  simulator = await rig.startSimulator({ seed: 15 });
  gateway = await rig.serve({ SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE: 'true' });
  accountKey = await createServedSender(simulator, gateway.url, 20);
  simulator.admin.setContact({ waId: UNREACHABLE, hasWhatsApp: false });
  receiver = await startReceiver();
  expect((await api(gateway.url, accountKey, 'POST', '/v1/webhooks', { url: receiver.url, event_types: ['message.read'] })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await rig.dispose();
  await receiver?.close();
});

interface Session {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

async function openBrowser(viewport: (typeof VIEWPORTS)[number]): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: viewport.width, height: viewport.height },
  });
  const page = context.pages()[0] ?? await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  return {
    context, page, consoleErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function logIn(page: Page, key: string): Promise<void> {
  await page.goto(`${gateway.url}/dashboard/`);
  await page.getByLabel('API key (account or admin)').fill(key);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Dashboard pages' }).waitFor();
}

async function openPage(page: Page, id: string, title: string): Promise<void> {
  await page.goto(`${gateway.url}/dashboard/#/${id}`);
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/**
 * Goes to a page by its address and waits until the shell has moved the focus to its heading: the switch of pages is
 * in the same document, so until then the previous page (and its focus) may still be what the keyboard acts on.
 */
async function showPage(page: Page, id: string): Promise<void> {
  await page.goto(`${gateway.url}/dashboard/#/${id}`);
  await page.locator(`nav a[aria-current="page"][href="#/${id}"]`).waitFor();
  await page.locator('main h1:focus').waitFor();
  await page.waitForLoadState('networkidle');
}

/** Every page of the list reached by keyboard alone, and not one console error in the whole session. */
async function tabThroughPages(session: { readonly page: Page; readonly consoleErrors: readonly string[] }, pages: readonly string[]): Promise<void> {
  for (const id of pages) {
    await showPage(session.page, id);
    await checkTabReachesEveryControl(session.page);
  }
  expect(session.consoleErrors).toEqual([]);
}

// Run in the page, so written as source text: the test's own program has no DOM types.
/** Marks every enabled, visible control with its index and answers the indexes. Of a radio group only the checked
 * button is a Tab stop (arrow keys move within the group); the skip link is off-screen until focused. */
const MARK_CONTROLS = `[...document.querySelectorAll('a[href], button, input, select, textarea')].filter((e, i) => {
  e.dataset.tabcheck = String(i);
  const otherRadio = e.type === 'radio' && !e.checked;
  return !e.disabled && !otherRadio && (e.getClientRects().length > 0 || e.classList.contains('skip'));
}).map((e) => e.dataset.tabcheck)`;
const FOCUSED_MARK = 'document.activeElement?.dataset?.tabcheck';
const focusMark = (id: string) => `document.querySelector('[data-tabcheck="${id}"]').focus()`;
const describeMark = (id: string) => `document.querySelector('[data-tabcheck="${id}"]').outerHTML.slice(0, 120)`;

/** Tab from the page's first control through all of them: each one must take the focus. */
async function checkTabReachesEveryControl(page: Page): Promise<void> {
  const controls = await page.evaluate<string[]>(MARK_CONTROLS);
  expect(controls.length).toBeGreaterThan(0);
  // Sequential navigation starts from the focused element: the page's first control (the skip link).
  await page.evaluate(focusMark(controls[0]!));
  expect(await page.evaluate<string | undefined>(FOCUSED_MARK)).toBe(controls[0]);
  const reached = new Set<string>(controls.slice(0, 1));
  // Date inputs take a Tab per field and scrolled tables one of their own, hence the margin.
  for (let i = 0; i < controls.length * 2 + 30 && reached.size < controls.length; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate<string | undefined>(FOCUSED_MARK);
    if (id !== undefined) reached.add(id);
  }
  const missed = await Promise.all(controls.filter((id) => !reached.has(id)).map((id) => page.evaluate<string>(describeMark(id))));
  expect(missed).toEqual([]);
}

describe.skipIf(!hasChromium)(SUITE, () => {
  mkdirSync(SHOTS, { recursive: true });

  for (const viewport of VIEWPORTS) {
    it(`works for an account key at ${viewport.name} size (${viewport.width}×${viewport.height})`, async () => {
      const session = await openBrowser(viewport);
      const { page } = session;
      try {
        await logIn(page, accountKey);

        // Test send: a template to a WhatsApp user, watched live until the simulator reports it read.
        await openPage(page, 'send', 'Test send');
        await page.getByLabel('Template').check();
        await page.getByLabel('Recipient (international digits)').fill(GOOD);
        await page.getByRole('button', { name: 'Send' }).click();
        await expect.poll(() => page.locator('[data-status]').getAttribute('data-status'), { timeout: 15_000 }).toBe('read');
        // Its read event posted to the account's endpoint shows in the history as it happens.
        await page.getByRole('table', { name: 'Posts to your webhook endpoints' }).getByRole('cell', { name: 'delivered (scheduled)' }).waitFor({ timeout: 15_000 });

        // A send the upstream fails (no WhatsApp on the recipient's number): it shows under its catalog code.
        const failed = await api(gateway.url, accountKey, 'POST', '/v1/messages', { to: UNREACHABLE, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
        expect(failed.status).toBe(202);
        await expect.poll(async () => (await api(gateway.url, accountKey, 'GET', `/v1/messages/${String(failed.body.id)}`)).body.status, { timeout: 15_000 }).toBe('failed');

        // The overview follows new messages without a reload.
        await openPage(page, 'overview', 'Overview');
        const readRow = page.getByRole('table', { name: /Status funnel/ }).getByRole('row', { name: /^read/ }).getByRole('cell').first();
        await expect.poll(async () => Number(await readRow.textContent()), { timeout: 10_000 }).toBeGreaterThan(0);
        const readBefore = Number(await readRow.textContent());
        const another = await api(gateway.url, accountKey, 'POST', '/v1/messages', { to: GOOD, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
        expect(another.status).toBe(202);
        await expect.poll(async () => Number(await readRow.textContent()), { timeout: 15_000 }).toBe(readBefore + 1);
        await page.screenshot({ path: join(SHOTS, `dashboard-overview-${viewport.name}.png`), fullPage: true });

        await openPage(page, 'errors', 'Errors');
        await page.getByLabel('Code', { exact: true }).selectOption('meta/131026');
        const row = page.getByRole('table', { name: /Failures by catalog code/ }).getByRole('row', { name: /meta\/131026/ });
        await expect.poll(() => row.count()).toBe(1);
        await page.screenshot({ path: join(SHOTS, `dashboard-errors-${viewport.name}.png`), fullPage: true });
        await row.getByRole('link', { name: 'Show messages with meta/131026' }).click();

        const list = page.getByRole('table', { name: /messages, newest first/ });
        await expect.poll(() => list.getByRole('link', { name: String(failed.body.id) }).count()).toBe(1);
        // Only failures with that code: this viewport's and the one before it.
        for (const cells of (await list.getByRole('row').allTextContents()).slice(1)) expect(cells).toMatch(/failed.*meta\/131026/);
        await list.getByRole('link', { name: String(failed.body.id) }).click();
        await expect.poll(() => page.locator('[data-status]').getAttribute('data-status')).toBe('failed');
        await page.getByRole('link', { name: /meta\/131026/ }).first().waitFor();
        await page.getByRole('cell', { name: 'message.failed' }).waitFor();
        await page.screenshot({ path: join(SHOTS, `dashboard-message-history-${viewport.name}.png`), fullPage: true });
        await checkTabReachesEveryControl(page);

        await openPage(page, 'webhooks', 'Webhook endpoints');
        await page.getByRole('button', { name: `Send a test event to ${receiver.url}` }).click();
        await page.getByRole('status').filter({ hasText: 'Test event: delivered (HTTP 200).' }).waitFor();

        await tabThroughPages(session, PAGES);
      } finally {
        await session.close();
      }
    }, 120_000);

    it(`lets an admin key create and revoke a key at ${viewport.name} size`, async () => {
      const session = await openBrowser(viewport);
      const { page } = session;
      try {
        await logIn(page, SERVED_ADMIN_KEY);
        await openPage(page, 'accounts', 'Accounts');
        await page.getByRole('link', { name: 'served' }).click();
        const keyName = `dashboard-${viewport.name}`;
        await page.getByLabel('New key name').fill(keyName);
        await page.getByRole('button', { name: 'Create key' }).click();
        const secret = await page.getByTestId('new-secret').textContent();
        expect((await api(gateway.url, secret!, 'GET', '/v1/me')).status).toBe(200);

        await page.getByRole('button', { name: `Revoke ${keyName}` }).click();
        await page.getByRole('button', { name: `Confirm: revoke ${keyName}` }).click();
        await page.getByRole('row', { name: new RegExp(`${keyName}.*revoked`) }).waitFor();
        expect((await api(gateway.url, secret!, 'GET', '/v1/me')).status).toBe(401);
        await page.waitForLoadState('networkidle');
        await checkTabReachesEveryControl(page);

        await tabThroughPages(session, ADMIN_PAGES);
      } finally {
        await session.close();
      }
    }, 120_000);
  }
});
