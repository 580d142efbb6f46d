import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import { resultsDir } from '../helpers/chromium';
import { type AppPage, axeViolations, screenshotBothThemes } from '../helpers/e2e-app';
import { secondClient } from '../helpers/imap-sync';
import { type MailWindow, openMailWindow } from '../helpers/mail-window-e2e';
import { buildMessage } from '../helpers/ui-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * A folder at an account's top level, from the account's own context menu in the folder tree. Before,
 * only a folder's menu had "New subfolder…", so the window could make a folder only inside another one:
 * nothing beside INBOX on an IMAP account, and nothing at all in Local Folders, which starts with no
 * folder (so the move picker never offered it, and "file it into Local Folders" could not be done).
 */
describe('New folder… on an account in the folder tree', () => {
  let server: DovecotServer;
  let window: MailWindow;
  let view: AppPage;
  let page: Page;
  let alice: Account;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 15_000) => expect.poll(probe, { timeout });
  const accountMenu = () => page.getByRole('menu', { name: 'Account actions' });
  const serverFolders = async () => {
    const other = await secondClient(server);
    try {
      return (await other.list()).map((m) => m.path).sort();
    } finally {
      await other.logout();
    }
  };

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startDovecot();
    await server.deliver('alice', buildMessage({ from: 'Sam <sam@example.org>', subject: 'Keep this one', date: new Date(), id: 'keep-1@example.org', text: 'Worth keeping.' }));
    window = await openMailWindow(server, [{ user: 'alice' }], 'account-menu');
    ({ view, page } = window);
    alice = (await window.bridge.api.listAccounts({})).find((a) => a.email === 'alice@example.org')!;
    await page.getByText('Keep this one').first().waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await window?.close();
    await server?.destroy();
  });

  it('makes a folder beside INBOX on the IMAP account, here and on the server', async () => {
    const account = page.locator(`[id="tree-account:${alice.id}"]`);
    await account.click({ button: 'right' });
    await poll(() => accountMenu().getByRole('menuitem').allTextContents()).toEqual(['New folder…']);
    await screenshotBothThemes(page, 'account-menu');
    expect(await axeViolations(page)).toEqual([]);
    await accountMenu().getByRole('menuitem', { name: 'New folder…' }).click();
    const create = page.getByRole('dialog', { name: 'New folder in alice@example.org' });
    await create.getByRole('textbox', { name: 'Folder name' }).fill('Projects');
    await create.getByRole('button', { name: 'Create' }).click();
    await poll(() => create.count()).toBe(0);
    // At the account's top level (level 2, as INBOX), not inside another folder.
    const projects = page.locator('[id^="tree-folder:"]', { hasText: /^Projects/ });
    await poll(() => projects.getAttribute('aria-level')).toBe('2');
    await poll(serverFolders, 60_000).toContain('Projects');
    expect(view.errors).toEqual([]);
  });

  it('makes the first folder of Local Folders from the keyboard, and the move picker then offers it', async () => {
    await page.locator('[id="tree-account:local"]').focus();
    await page.keyboard.press('Shift+F10');
    await accountMenu().getByRole('menuitem', { name: 'New folder…' }).click();
    const create = page.getByRole('dialog', { name: 'New folder in Local Folders' });
    await create.getByRole('textbox', { name: 'Folder name' }).fill('Kept');
    await create.getByRole('button', { name: 'Create' }).click();
    await poll(() => create.count()).toBe(0);
    const kept = page.locator('[id^="tree-folder:"]', { hasText: /^Kept/ });
    await poll(() => kept.count()).toBe(1);

    // File the message there through the move picker.
    await page.getByTestId('message-list').getByText('Keep this one').click();
    await page.keyboard.press('v');
    const picker = page.getByRole('dialog', { name: /Move message to/ });
    await picker.getByRole('combobox', { name: 'Filter folders' }).fill('Kept');
    await picker.getByRole('option', { name: /Kept/ }).click();
    await kept.click();
    await poll(() => page.getByTestId('message-list').getByText('Keep this one').count()).toBe(1);
    const local = (await window.bridge.api.listFolders({})).find((f) => f.accountId === 'local' && f.name === 'Kept');
    expect(local?.total).toBe(1);
    expect(view.errors).toEqual([]);
  });
});
