import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { axeViolations, screenshotBothThemes } from '../helpers/e2e-app';
import { serverFiles } from '../helpers/imap-sync';
import { buildMessage } from '../helpers/ui-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * The sidebar's sync status in Chromium against a real Dovecot (issue 24, item 7): live while IDLE is
 * open, offline since when with the server stopped, the changes made meanwhile counted and never "up to
 * date", the row marks cleared once the server confirmed them, and relative times that advance.
 */
describe('the sync status tells the truth', () => {
  let server: DovecotServer;
  let app: DevWeb;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });
  const item = () => page.getByTestId('sync-status').getByRole('listitem').first();
  const summary = async () => (await item().getByTestId('sync-summary').allTextContents()).join(' ');
  const detail = async () => (await item().locator('.sync-detail').allTextContents()).join(' ');
  /**
   * Both lines read in one go: the watch session checks every 3 s here (a pass, shown as such), so two
   * separate reads can straddle a status change and pair a line of one state with the other's.
   */
  const both = () =>
    item().evaluate((li) => [li.querySelector('[data-testid="sync-summary"]')?.textContent ?? '', li.querySelector('.sync-detail')?.textContent ?? ''].join(' / '));
  const row = (name: RegExp) => page.getByTestId('message-list').getByRole('option', { name });
  const waitingMark = (name: RegExp) => row(name).getByRole('img', { name: 'change waiting for the server' });

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startDovecot();
    for (const [i, subject] of ['Boiler service on Monday', 'Choir practice moved', 'Your library books are due'].entries()) {
      await server.deliver('alice', buildMessage({ from: 'Kim Lee <kim@example.org>', subject, date: new Date(Date.now() - (i + 1) * 3_600_000), id: `status-${i}@example.org`, text: `${subject}.` }));
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'homing-e2e-status-'));
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--name', 'Alice', '--protocol', 'imap', '--host', '127.0.0.1',
        '--port', String(server.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'HOMING_TEST_PASSWORD',
        '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { HOMING_TEST_PASSWORD: 'alice-secret' } },
    );
    expect(added.status, added.stderr).toBe(0);
    app = await startDevWeb(dataDir, {
      HOMING_WATCH_TIMING: JSON.stringify({ checkIntervalMs: 3_000, retryBaseMs: 500, retryMaxMs: 3_000 }),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => errors.push(error.message));
    // The page's clock can be moved forward to see relative times advance; it runs at real speed until then.
    await page.clock.install();
    await page.goto(app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await server?.destroy();
  });

  it('says live once IDLE is open, with no click on "Check"', async () => {
    await poll(both).toBe('Live — up to date / checked just now');
    await poll(() => row(/Boiler service on Monday/).count()).toBe(1);
  });

  it('with the server stopped: offline since when, retrying by itself, the change made meanwhile counted', async () => {
    await server.stop();
    await poll(() => summary()).toMatch(/^Offline since \d{1,2}[:.]\d{2}/);
    await poll(() => detail()).toMatch(/^(retrying in \d+ seconds|retrying now|trying to reconnect)$/);
    await row(/Choir practice moved/).click();
    await poll(() => waitingMark(/Choir practice moved/).count()).toBe(1);
    await poll(() => detail()).toMatch(/1 change waiting/);
    expect(await page.getByTestId('sync-status').textContent()).not.toMatch(/up to date/i);
    await screenshotBothThemes(page, 'sync-status-offline');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('with the server back: reconnects by itself, sends the change once, and clears the mark', async () => {
    await server.start();
    await expect
      .poll(async () => (await serverFiles(server, 'alice', 'INBOX')).find((f) => f.bytes.includes('status-1@example.org'))?.flags ?? '', { timeout: 60_000 })
      .toContain('S');
    await poll(() => summary()).toBe('Live — up to date');
    await poll(() => waitingMark(/Choir practice moved/).count()).toBe(0);
    await screenshotBothThemes(page, 'sync-status-live');
  });

  it('advances "checked … ago" as time passes, without new events', async () => {
    await poll(() => detail()).toBe('checked just now');
    await page.clock.fastForward('03:10');
    await poll(() => detail()).toMatch(/^checked [34] minutes ago$/);
    expect(errors).toEqual([]);
  });
});
