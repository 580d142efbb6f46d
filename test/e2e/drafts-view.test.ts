import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsDir } from '../helpers/chromium';
import type { AppPage } from '../helpers/e2e-app';
import { type MailWindow, openMailWindow } from '../helpers/mail-window-e2e';
import { buildMessage } from '../helpers/ui-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * Opening All Drafts (or the Outbox) leaves nothing of the message read before: the reader is empty and
 * the toolbar's message buttons are off. Before, the reader kept showing the Inbox message beside the
 * list of drafts, and the toolbar's Delete (or the Delete key) sent that unseen message to the Trash, where
 * a user looking at a draft meant the draft. Found opening All Drafts after reading a message.
 */
describe('All Drafts does not act on the message read before', () => {
  let server: DovecotServer;
  let window: MailWindow;
  let view: AppPage;
  let page: Page;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 15_000) => expect.poll(probe, { timeout });

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startDovecot();
    await server.deliver('alice', buildMessage({ from: 'Sam <sam@example.org>', subject: 'Read me first', date: new Date(), id: 'read-1@example.org', text: 'Hello.' }));
    window = await openMailWindow(server, [{ user: 'alice' }], 'drafts-view');
    ({ view, page } = window);
    const account = (await window.bridge.api.listAccounts({})).find((a) => a.email === 'alice@example.org')!;
    await window.bridge.api.saveDraft({ content: { accountId: account.id, to: [], subject: 'Lunch plans', text: 'Thursday?' } });
  });

  afterAll(async () => {
    await window?.close();
    await server?.destroy();
  });

  it('the reader empties, the toolbar’s Delete is off, and the Delete key leaves the message alone', async () => {
    await page.getByTestId('message-list').getByText('Read me first').click();
    await poll(() => page.getByRole('region', { name: 'Message' }).getByText('Read me first').count()).toBe(1);
    await page.locator('[id="tree-view:drafts"]').click();
    await page.getByText('Lunch plans').first().waitFor();
    await poll(() => page.getByRole('region', { name: 'Message' }).getByText('Read me first').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete', exact: true }).isDisabled()).toBe(true);
    await page.keyboard.press('Delete');
    await page.waitForTimeout(500);
    const inbox = (await window.bridge.api.listFolders({})).find((f) => f.path === 'INBOX')!;
    expect(inbox.total).toBe(1);
    expect(view.errors).toEqual([]);
  });
});
