import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsDir } from '../helpers/chromium';
import { axeViolations, screenshotBothThemes } from '../helpers/e2e-app';
import { type MailWindow, openMailWindow } from '../helpers/mail-window-e2e';
import { buildMessage } from '../helpers/ui-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

const USERS = ['alice', 'bob', 'carol', 'dave'];

/**
 * The sidebar's sync status with four accounts, in Chromium against Dovecot: one line per account (a word
 * for its state) so the folder tree keeps the sidebar, the whole sentences on demand ("Details"), and an
 * account that fails (its password changed on the server) keeps its error and its fix in sight.
 */
describe('the sync status with several accounts', () => {
  let server: DovecotServer;
  let window: MailWindow;
  let page: Page;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });
  const panel = () => page.getByTestId('sync-status');
  const items = () => panel().getByRole('listitem');
  const heightOf = (selector: string) => page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().height);
  const itemHeights = () => items().evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().height)));

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startDovecot({ users: USERS.map((name) => ({ name, password: `${name}-secret` })) });
    for (const name of USERS) {
      await server.deliver(name, buildMessage({ from: 'Kim Lee <kim@example.net>', to: `${name}@example.org`, subject: `Hello ${name}`, date: new Date(), id: `hello-${name}@example.net`, text: 'Hello.' }));
    }
    window = await openMailWindow(server, USERS.map((user) => ({ user })), 'sync-accounts');
    page = window.page;
    await page.setViewportSize({ width: 1280, height: 720 });
  });
  afterAll(async () => {
    await window?.close();
    await server?.destroy();
  });

  it('shows one line per account, and the whole sentences on demand', async () => {
    await poll(() => items().count()).toBe(4);
    await poll(() => panel().getByTestId('sync-short').allTextContents()).toEqual(['Live', 'Live', 'Live', 'Live']);
    // One line each: it was three (the name, "Live — up to date", "checked just now") and 8 px apart,
    // 260 px for four accounts of a 720 px window's sidebar.
    for (const height of await itemHeights()) expect(height).toBeLessThanOrEqual(26);
    expect(await heightOf('.sync-panel')).toBeLessThanOrEqual(140);
    expect(await items().first().getAttribute('title')).toBe('Live — up to date\nchecked just now');
    await screenshotBothThemes(page, 'sync-status-compact');
    expect(await axeViolations(page)).toEqual([]);

    const details = panel().getByRole('button', { name: 'Details' });
    expect(await details.getAttribute('aria-expanded')).toBe('false');
    await details.click();
    await poll(() => panel().getByTestId('sync-summary').allTextContents()).toEqual(Array(4).fill('Live — up to date'));
    expect(await panel().locator('.sync-detail').allTextContents()).toEqual(Array(4).fill('checked just now'));
    const fewer = panel().getByRole('button', { name: 'Fewer details' });
    expect(await fewer.getAttribute('aria-expanded')).toBe('true');
    await screenshotBothThemes(page, 'sync-status-details');
    await fewer.click();
    await poll(() => panel().getByTestId('sync-summary').count()).toBe(0);
    expect(window.view.errors).toEqual([]);
  });

  it('keeps an account’s error and its fix in sight while the others stay one line', async () => {
    // Dave's password changed on the server: every account reconnects after a restart, his is refused.
    await server.setPassword('dave', 'changed-elsewhere');
    await server.stop();
    await server.start();
    const dave = items().filter({ hasText: 'dave@example.org' });
    await poll(() => dave.getAttribute('data-state'), 60_000).toBe('error');
    expect(await dave.getByTestId('sync-summary').textContent()).toMatch(/^Not syncing: /);
    expect(await dave.locator('.sync-error:not(.sync-phase)').textContent()).toMatch(/password/i);
    await poll(() => panel().getByTestId('sync-short').allTextContents(), 60_000).toEqual(['Live', 'Live', 'Live']);
    const heights = await itemHeights();
    for (const height of heights.slice(0, 3)) expect(height).toBeLessThanOrEqual(26);
    await screenshotBothThemes(page, 'sync-status-compact-error');
    expect(await axeViolations(page)).toEqual([]);
    expect(window.view.errors).toEqual([]);
  });
});
