import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { type CliResult, runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, axeViolations, openApp, screenshotBothThemes } from '../helpers/e2e-app';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany } from '../helpers/imap-sync';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * A folder the real Dovecot lists but will not open (a dangling Maildir++ link: "Mailbox doesn't exist"),
 * as the folder tree shows it: an error mark with the server's words, and an empty list that does not
 * claim the folder has no messages. The account itself synced.
 */
describe('a folder the server refuses to open, in Chromium', () => {
  let server: DovecotServer;
  let app: DevWeb;
  let browser: Browser;
  let view: AppPage;
  let page: Page;
  let synced: CliResult;
  const problem = "Could not be read from the server: Mailbox doesn't exist: Ghost";

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startDovecot();
    await deliverMany(server, 'alice', [{ raw: corpusMessage(1) }, { folder: 'Fine', raw: corpusMessage(2) }]);
    symlinkSync('/nonexistent-homing-folder', join(server.maildir('alice'), '.Ghost'));
    const dataDir = join(mkdtempSync(join(tmpdir(), 'homing-e2e-unreadable-')), 'data');
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1',
        '--port', String(server.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'PW',
        '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { PW: 'alice-secret' } },
    );
    expect(added.status, added.stderr).toBe(0);
    synced = await runCli(['--data-dir', dataDir, 'sync']);
    app = await startDevWeb(dataDir);
    browser = await launchChromium();
    view = await openApp(browser, app.url);
    page = view.page;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await server?.destroy();
  });

  it('marks the folder in the tree with the server\'s words and does not call it empty', async () => {
    // The account synced: one folder it could not open is not the account's failure.
    expect.soft(synced.status, synced.stderr).toBe(0);
    const tree = page.getByRole('tree', { name: 'Mailboxes' });
    const ghost = tree.getByRole('treeitem', { name: /^Ghost/ });
    await expect.poll(() => ghost.count(), { timeout: 15_000 }).toBe(1);
    await ghost.click();
    const empty = page.locator('.list-empty');
    await expect.poll(() => empty.count(), { timeout: 15_000 }).toBe(1);
    expect.soft(await empty.textContent()).toBe(`${problem}. Nothing from it is stored here yet.`);
    expect(await ghost.getByRole('img', { name: problem }).count()).toBe(1);
    expect(await ghost.locator('.tree-problem').getAttribute('title')).toBe(problem);
    // A folder that was read has no mark.
    expect(await tree.getByRole('treeitem', { name: /^Fine/ }).locator('.tree-problem').count()).toBe(0);
    await screenshotBothThemes(page, 'unreadable-folder');
    expect(await axeViolations(page)).toEqual([]);

    await tree.getByRole('treeitem', { name: /^Fine/ }).click();
    await expect.poll(() => page.getByTestId('message-list').getByRole('option').count(), { timeout: 15_000 }).toBe(1);
    expect(view.errors).toEqual([]);
  });
});
