import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import type { Folder } from '../../shared/contract/messages';
import type { bridgeClient } from '../helpers/bridge-client';
import { resultsDir } from '../helpers/chromium';
import { runCli } from '../helpers/cli';
import { screenshotBothThemes } from '../helpers/e2e-app';
import { serverFiles } from '../helpers/imap-sync';
import { type MailWindow, openMailWindow } from '../helpers/mail-window-e2e';
import { buildMessage, everydayMail, writeBulkMbox } from '../helpers/ui-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

const BULK = 1200;

/**
 * What a keyboard user of the mail window trips on, in Chromium against Dovecot with two accounts: the
 * focus after deleting a folder, the search hints opening only when asked for, counts in the user's
 * locale, and Undo after Junk / Not junk (on the server too).
 */
describe('the mail window for a keyboard user, against Dovecot', () => {
  let server: DovecotServer;
  let window: MailWindow;
  let page: Page;
  let bridge: Awaited<ReturnType<typeof bridgeClient>>;
  let alice: Account;
  let folders: Folder[];

  const poll = <T>(probe: () => Promise<T> | T, timeout = 20_000) => expect.poll(probe, { timeout });
  const list = () => page.getByTestId('message-list');
  const row = (name: string | RegExp) => list().getByRole('option', { name });
  const refreshFolders = async () => (folders = await bridge.api.listFolders({}));
  const folderOf = (path: string) => folders.find((f) => f.accountId === alice.id && f.path === path)!;
  const treeItem = (folder: Folder) => page.locator(`[id="tree-folder:${folder.id}"]`);
  const toast = () => page.getByTestId('toast');
  const focusedId = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
  const queueEmpty = async () => (await bridge.api.listPendingOperations({})).length === 0;
  const serverHas = async (folder: string, messageId: string) => (await serverFiles(server, 'alice', folder)).some((f) => f.bytes.includes(messageId));
  const hints = () => page.locator('#search-hints');
  const searchField = () => page.getByRole('searchbox', { name: 'Search all mail' });
  /** The tree's items in reading order, by element id. */
  const treeOrder = () => page.getByRole('tree', { name: 'Mailboxes' }).getByRole('treeitem').evaluateAll((items) => items.map((i) => i.id));

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startDovecot({
      users: [
        { name: 'alice', password: 'alice-secret' },
        { name: 'bob', password: 'bob-secret' },
      ],
    });
    for (const m of everydayMail()) await server.deliver('alice', m.raw, { flags: ['\\Seen'] });
    await server.deliver(
      'alice',
      buildMessage({ from: 'Prize Desk <winner@prize-desk.example>', subject: 'You have won a prize', date: new Date(Date.now() - 600_000), id: 'prize-7@prize-desk.example', text: 'Claim it now.' }),
    );
    for (const folder of ['Old projects', 'Old receipts', 'Zeppelins']) {
      await server.deliver('alice', buildMessage({ from: 'Sam <sam@example.org>', subject: `Kept in ${folder}`, date: new Date(Date.now() - 9 * 86_400_000), id: `${folder.replace(/\W/g, '')}@example.org`, text: 'Old.' }), {
        folder,
        flags: ['\\Seen'],
      });
    }
    await server.deliver('bob', buildMessage({ from: 'Pat <pat@residents.example>', to: 'bob@example.org', subject: 'Residents’ meeting', date: new Date(), id: 'bob-7@x', text: 'Hello Bob.' }));
    window = await openMailWindow(server, [{ user: 'alice' }, { user: 'bob' }], 'keyboard');
    ({ bridge, page } = window);
    alice = (await bridge.api.listAccounts({})).find((a) => a.email === 'alice@example.org')!;
    await refreshFolders();
    await row(/You have won a prize/).waitFor({ timeout: 30_000 });
  });

  // Each step starts from the plain window, whatever the one before left open (a failed step included).
  afterEach(async () => {
    for (let i = 0; i < 3 && (await page.locator('[role="dialog"], [role="menu"]').count()) > 0; i++) await page.keyboard.press('Escape');
    if ((await searchField().inputValue()) !== '') await page.getByRole('button', { name: 'Clear search' }).click();
    if (await toast().getByRole('button', { name: 'Dismiss' }).count()) await toast().getByRole('button', { name: 'Dismiss' }).click();
  });

  afterAll(async () => {
    await window?.close();
    await server?.destroy();
  });

  it('deleting a folder from the keyboard (its menu, or Delete) leaves the focus on the folder after it', async () => {
    // Shift+F10 on the folder, the menu's last item, Enter in the confirm.
    const old = folderOf('Old projects');
    const order = await treeOrder();
    const next = order[order.indexOf(`tree-folder:${old.id}`) + 1]!;
    await treeItem(old).focus();
    await page.keyboard.press('Shift+F10');
    const menu = page.getByRole('menu', { name: 'Folder actions' });
    await menu.waitFor();
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('menuitem');
    await page.keyboard.press('End');
    // Still there after the shell rendered again (a sync status): the menu gave the focus back to its first item.
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Delete folder…');
    await page.keyboard.press('Enter');
    const sure = page.getByRole('dialog', { name: 'Delete the folder Old projects?' });
    await sure.waitFor();
    await page.keyboard.press('Enter');
    await poll(() => toast().textContent()).toContain('Deleted the folder Old projects');
    await poll(() => treeItem(old).count()).toBe(0);
    // It fell to <body>: the folder the focus was on (and the confirm gave it back to) was gone.
    await poll(focusedId).toBe(next);
    await screenshotBothThemes(page, 'keyboard-folder-deleted');

    // Delete on a folder asks the same; confirmed, the focus is on the next folder again, and arrows go on.
    const receipts = folderOf('Old receipts');
    const order2 = await treeOrder();
    const after = order2[order2.indexOf(`tree-folder:${receipts.id}`) + 1]!;
    await treeItem(receipts).focus();
    await page.keyboard.press('Delete');
    await page.getByRole('dialog', { name: 'Delete the folder Old receipts?' }).waitFor();
    await page.keyboard.press('Enter');
    await poll(() => treeItem(receipts).count()).toBe(0);
    await poll(focusedId).toBe(after);
    await page.keyboard.press('ArrowUp');
    expect(await focusedId()).toBe(order2[order2.indexOf(`tree-folder:${receipts.id}`) - 1]);
    // The account's last folder: the focus goes to the one before it, not to the next account.
    const zeppelins = folderOf('Zeppelins');
    const order3 = await treeOrder();
    const zAt = order3.indexOf(`tree-folder:${zeppelins.id}`);
    expect(order3[zAt + 1]).toMatch(/^tree-account:/);
    await treeItem(zeppelins).focus();
    await page.keyboard.press('Delete');
    await page.getByRole('dialog', { name: 'Delete the folder Zeppelins?' }).waitFor();
    await page.keyboard.press('Enter');
    await poll(() => treeItem(zeppelins).count()).toBe(0);
    await poll(focusedId).toBe(order3[zAt - 1]);
    await poll(queueEmpty).toBe(true);
    expect(window.view.errors).toEqual([]);
  });

  it('opens the search hints when the user comes to the field, not when the window moves the focus there', async () => {
    await list().focus();
    // The window moving the focus (a rescue, a way back): no popup over what is under it.
    await searchField().evaluate((field: HTMLInputElement) => field.focus());
    expect(await focusedId()).toBe('INPUT');
    await page.waitForTimeout(200);
    expect(await hints().count()).toBe(0);
    // A key typed there opens them.
    await page.keyboard.press('Backspace');
    await hints().waitFor();
    await page.keyboard.press('Escape');
    expect(await hints().count()).toBe(0);

    // The search shortcut, from the list.
    await list().focus();
    await page.keyboard.press('/');
    await hints().waitFor();
    // Escape leaves the field for the list: the focus fell to <body> (the field blurred itself).
    await page.keyboard.press('Escape');
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('message-list');
    // A click.
    await searchField().click();
    await hints().waitFor();
    await screenshotBothThemes(page, 'keyboard-search-hints');
    await page.keyboard.press('Escape');
    // Tab into it, from the control before it.
    await searchField().focus();
    await page.keyboard.press('Shift+Tab');
    expect(await hints().count()).toBe(0);
    await page.keyboard.press('Tab');
    await hints().waitFor();
    await page.keyboard.press('Escape');

  });

  it('shows counts in the user’s locale everywhere: the folder badge, the selection, the move picker, the folder delete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-e2e-keyboard-bulk-'));
    const mbox = join(dir, 'bulk.mbox');
    await writeBulkMbox(mbox, BULK);
    const imported = await runCli(['--data-dir', window.dataDir, 'import', mbox, '--folder', 'Bulk', '--json']);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: BULK });
    await refreshFolders();
    const bulk = folders.find((f) => f.path === 'Bulk')!;

    // A German page: 1.200, as the rest of the user's desktop writes it.
    expect(bulk.unread).toBe(BULK);
    const german = await window.browser.newPage({ locale: 'de-DE', viewport: { width: 1400, height: 860 } });
    try {
      await german.goto(window.app.url);
      const tree = german.locator(`[id="tree-folder:${bulk.id}"]`);
      await poll(() => tree.locator('.tree-badge').textContent()).toBe(', 1.200 unread');
      await tree.click();
      await german.getByTestId('message-list').getByRole('option').first().waitFor();
      await german.getByTestId('list-count').waitFor();
      await poll(() => german.getByTestId('list-count').textContent()).toBe('Local Folders · 1.200 unread');
      await german.getByTestId('message-list').focus();
      await german.keyboard.press('Control+a');
      await poll(() => german.locator('.toolbar-count').textContent()).toBe('1.200 selected');
      expect(await german.getByRole('button', { name: 'Delete 1.200 messages' }).count()).toBe(1);
      await german.keyboard.press('v');
      await german.getByRole('dialog', { name: 'Move 1.200 messages to…' }).waitFor();
      await german.keyboard.press('Escape');
      await tree.focus();
      await german.keyboard.press('Delete');
      const ask = german.getByRole('dialog', { name: 'Delete the folder Bulk?' });
      await ask.waitFor();
      expect(await ask.textContent()).toContain('Its 1.200 messages go to the Trash.');
      await screenshotBothThemes(german, 'keyboard-counts-german');
      await german.keyboard.press('Escape');
    } finally {
      await german.close();
    }
  });

  it('Junk and Not junk can be undone, with the toast’s Undo or Ctrl+Z: the message back where it was, on the server too, and the filter unlearns it', async () => {
    await treeItem(folderOf('INBOX')).click();
    await row(/You have won a prize/).click();
    await page.keyboard.press('!');
    await poll(() => toast().textContent()).toContain('Moved the message to Junk.');
    await poll(() => row(/You have won a prize/).count()).toBe(0);
    expect((await bridge.api.getJunkStatus({})).trainedJunk).toBe(1);
    await poll(queueEmpty).toBe(true);
    expect(await serverHas('Junk', 'prize-7@prize-desk.example')).toBe(true);
    await screenshotBothThemes(page, 'keyboard-junk-undo-toast');
    expect(await toast().getByRole('button', { name: 'Undo' }).count()).toBe(1);

    await page.keyboard.press('Control+z');
    await poll(() => toast().textContent()).toContain('Undone.');
    await poll(() => row(/You have won a prize/).count()).toBe(1);
    expect((await bridge.api.getJunkStatus({})).trainedJunk).toBe(0);
    await poll(queueEmpty).toBe(true);
    await poll(() => serverHas('INBOX', 'prize-7@prize-desk.example')).toBe(true);
    expect(await serverHas('Junk', 'prize-7@prize-desk.example')).toBe(false);
    const [hit] = (await bridge.api.search({ query: 'from:prize-desk.example', limit: 1 })).hits;
    expect(hit?.flags).not.toContain('$Junk');

    // In Junk, Not junk and the toast's Undo: back in Junk, still learnt as junk.
    await row(/You have won a prize/).click();
    await page.keyboard.press('!');
    await poll(() => row(/You have won a prize/).count()).toBe(0);
    await treeItem(folderOf('Junk')).click();
    await row(/You have won a prize/).click();
    await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Not junk', exact: true }).click();
    await poll(() => toast().textContent()).toContain('back to the inbox as not junk');
    await poll(() => row(/You have won a prize/).count()).toBe(0);
    expect(await bridge.api.getJunkStatus({})).toMatchObject({ trainedJunk: 0, trainedNotJunk: 1 });
    await toast().getByRole('button', { name: 'Undo' }).click();
    await poll(() => row(/You have won a prize/).count()).toBe(1);
    expect(await bridge.api.getJunkStatus({})).toMatchObject({ trainedJunk: 1, trainedNotJunk: 0 });
    await poll(queueEmpty).toBe(true);
    await poll(() => serverHas('Junk', 'prize-7@prize-desk.example')).toBe(true);
    expect(await serverHas('INBOX', 'prize-7@prize-desk.example')).toBe(false);
    await treeItem(folderOf('INBOX')).click();
  });

});
