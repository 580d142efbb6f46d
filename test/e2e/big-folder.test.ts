import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeClient } from '../helpers/bridge-client';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, axeViolations, openApp, screenshotBothThemes } from '../helpers/e2e-app';
import { writeBulkMbox } from '../helpers/ui-corpus';

const COUNT = 100_000;
/** Rows the virtual list may mount at 860 px high: about 10 on screen plus overscan on both sides. */
const MOUNTED_AT_MOST = 40;

/**
 * A 100,000-message folder, bulk-imported with `homing import`, opened in Chromium: the list mounts only
 * what is on screen, scrolls to any place, and keeps selection and scroll position when mail arrives.
 * (Times are measured by `npm run bench -- ui`, never asserted here.)
 */
describe('a folder of 100,000 messages in Chromium', () => {
  let dataDir: string;
  let app: DevWeb;
  let browser: Browser;
  let view: AppPage;
  let page: Page;

  const list = () => page.getByTestId('message-list');
  const mounted = () => list().getByRole('option').count();
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'homing-e2e-big-'));
    dataDir = join(dir, 'data');
    const mbox = join(dir, 'big.mbox');
    await writeBulkMbox(mbox, COUNT);
    const imported = await runCli(['--data-dir', dataDir, 'import', mbox, '--folder', 'Archive 2019', '--json']);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: COUNT, duplicates: 0 });
    // The test delivers new mail through the bridge's importMail, which only an opted-in bridge serves.
    app = await startDevWeb(dataDir, {}, { allowPathMethods: true });
    browser = await launchChromium();
    view = await openApp(browser, app.url);
    page = view.page;
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('opens with the first rows and mounts only what is on screen', async () => {
    await poll(() => page.getByTestId('list-count').textContent()).toBe('100,000 messages · 100,000 unread');
    await poll(() => list().getByRole('option', { name: /Bulk message 0 about invoices/ }).count()).toBe(1);
    expect(await mounted()).toBeLessThanOrEqual(MOUNTED_AT_MOST);
    await poll(() => page.getByTestId('offline-coverage').textContent()).toBe('All 100,000 messages available offline');
    await screenshotBothThemes(page, 'big-folder');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('scrolls to the middle and to the end, fetching rows by range', async () => {
    await list().evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    // Row 50,000 or so: its summary arrives by range, replacing the placeholder.
    await poll(() => list().getByRole('option', { name: /Bulk message 4\d{4} about/ }).count()).toBeGreaterThan(3);
    expect(await mounted()).toBeLessThanOrEqual(MOUNTED_AT_MOST);

    await list().focus();
    await page.keyboard.press('End');
    await poll(() => list().getByRole('option', { name: /Bulk message 99999 about/ }).getAttribute('aria-selected')).toBe('true');
    expect(await list().getByRole('option', { name: /Bulk message 99999 about/ }).getAttribute('aria-posinset')).toBe('100000');
    expect(await mounted()).toBeLessThanOrEqual(MOUNTED_AT_MOST);
    await page.keyboard.press('Home');
    await poll(() => list().getByRole('option', { name: /Bulk message 0 about/ }).getAttribute('aria-selected')).toBe('true');
  });

  it('keeps the selection and the scroll position when new mail arrives above', async () => {
    await list().evaluate((el) => (el.scrollTop = 74 * 20_000));
    const target = list().getByRole('option', { name: /Bulk message 200\d\d about/ }).nth(3);
    await poll(() => target.count()).toBe(1);
    // Rows are told apart by their subject (opening one marks it read, which changes its text).
    const subjectOf = (text: string | null) => /Bulk message \d+/.exec(text ?? '')?.[0] ?? null;
    const chosen = subjectOf(await target.textContent());
    await target.click();
    const topBefore = await firstVisibleRow(page);

    // Mail arrives through the running service (as a sync would deliver it): newer than everything.
    const { api, close } = await bridgeClient(app.url);
    const dir = mkdtempSync(join(tmpdir(), 'homing-e2e-new-'));
    const eml = join(dir, 'new.eml');
    writeFileSync(eml, `From: New Sender <new@bulk.example>\r\nTo: alice@example.org\r\nSubject: Just arrived\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <just-arrived@bulk.example>\r\n\r\nHello.\r\n`);
    await api.importMail({ path: eml, accountId: 'local', folderPath: 'Archive 2019' });
    close();

    await poll(() => page.getByTestId('list-count').textContent()).toMatch(/^100,001 messages/);
    // The same row is selected and the same rows are on screen.
    expect(subjectOf(await list().locator('[role="option"][aria-selected="true"]').textContent())).toBe(chosen);
    expect(subjectOf(await firstVisibleRow(page))).toBe(subjectOf(topBefore));
    await list().evaluate((el) => (el.scrollTop = 0));
    await poll(() => list().getByRole('option').first().textContent()).toMatch(/Just arrived/);
    expect(view.errors).toEqual([]);
  });
});

/** The text of the first row whose top is inside the list's viewport. */
function firstVisibleRow(page: Page): Promise<string | null> {
  return page.getByTestId('message-list').evaluate((el) => {
    const top = el.getBoundingClientRect().top;
    const rows = [...el.querySelectorAll<HTMLElement>('[role="option"]')].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    return rows.find((row) => row.getBoundingClientRect().top >= top - 1)?.textContent ?? null;
  });
}
