import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, openApp } from '../helpers/e2e-app';
import { eml } from '../helpers/store';

/**
 * The window open while the user works in a terminal: `homing import` and `homing mark` are handed to the
 * running backend over its command socket, and the open window shows what they did without a reload.
 */
describe('homing in a terminal while the window is open', () => {
  let dataDir: string;
  let app: DevWeb;
  let browser: Browser;
  let view: AppPage;

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'homing-terminal-'));
    dataDir = join(root, 'data');
    writeFileSync(
      join(root, 'note.eml'),
      eml({ From: 'Terminal <t@example.org>', To: 'me@example.org', Subject: 'Typed in a terminal', 'Message-ID': '<terminal@example.org>' }, 'Hello.\r\n'),
    );
    writeFileSync(join(root, 'first.eml'), eml({ From: 'a@example.org', Subject: 'Already here', 'Message-ID': '<first@example.org>' }, 'Hi.\r\n'));
    // Something in the store first, so the window opens on its mailboxes rather than on the welcome screen.
    expect((await runCli(['--data-dir', dataDir, 'import', join(root, 'first.eml'), '--folder', 'Inbox'])).status).toBe(0);
    app = await startDevWeb(dataDir);
    browser = await launchChromium();
    view = await openApp(browser, app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shows a folder imported and a message marked read from the terminal, at once', async () => {
    const { page } = view;
    const tree = page.getByRole('tree', { name: 'Mailboxes' });
    await expect.poll(() => tree.getByRole('treeitem', { name: 'Local Folders' }).count(), { timeout: 15_000 }).toBe(1);

    const imported = await runCli(['--data-dir', dataDir, 'import', join(dataDir, '..', 'note.eml'), '--folder', 'Terminal']);
    expect(imported).toMatchObject({ status: 0, stderr: 'imported 1, already present 0, unparsable (kept raw) 0\n' });
    const folder = tree.getByRole('treeitem', { name: /^Terminal/ });
    await expect.poll(() => folder.count(), { timeout: 15_000 }).toBe(1);
    await folder.click();
    const row = page.getByTestId('message-list').getByRole('option', { name: /Typed in a terminal/ });
    await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 15_000 }).toMatch(/^Unread, /);

    const [message] = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--folder', 'Terminal', '--json'])).stdout) as Array<{ id: number }>;
    expect((await runCli(['--data-dir', dataDir, 'mark', String(message!.id), '--read'])).status).toBe(0);
    await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 15_000 }).not.toMatch(/^Unread, /);
    expect(view.errors).toEqual([]);
  });
});
