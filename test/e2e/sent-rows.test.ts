import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsDir } from '../helpers/chromium';
import { type AppPage, screenshotBothThemes } from '../helpers/e2e-app';
import { type MailWindow, openMailWindow } from '../helpers/mail-window-e2e';
import { buildMessage } from '../helpers/ui-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * The rows of Sent (and Drafts) name whom the mail went to ("To: Ines Park, Carol"), as Thunderbird's,
 * Apple Mail's and Outlook's do. Before, every row of Sent showed the sender, that is the user's own
 * address on every line, so a sent message could be told apart only by its subject. Found reading Sent
 * after a reply-all in the app.
 */
describe('rows in Sent name the recipients', () => {
  let server: DovecotServer;
  let window: MailWindow;
  let view: AppPage;
  let page: Page;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 15_000) => expect.poll(probe, { timeout });
  const senders = () => page.getByTestId('message-list').locator('.row-sender bdi').allInnerTexts();

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startDovecot();
    await server.deliver(
      'alice',
      buildMessage({ from: 'Alice <alice@example.org>', to: 'Ines Park <ines@choir.example>, Carol <carol@example.org>', subject: 'Rehearsal moved', date: new Date(), id: 'sent-1@example.org', text: 'Thursday instead.' }),
      { folder: 'Sent', flags: ['\\Seen'] },
    );
    await server.deliver('alice', buildMessage({ from: 'Ines Park <ines@choir.example>', to: 'Alice <alice@example.org>', subject: 'Rehearsal', date: new Date(Date.now() - 60_000), id: 'in-1@example.org', text: 'When?' }));
    window = await openMailWindow(server, [{ user: 'alice' }], 'sent-rows');
    ({ view, page } = window);
    await page.getByTestId('message-list').getByText('Rehearsal', { exact: true }).waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await window?.close();
    await server?.destroy();
  });

  it('Sent shows "To: …", the Inbox still shows the sender', async () => {
    expect(await senders()).toEqual(['Ines Park']);
    const sent = (await window.bridge.api.listFolders({})).find((f) => f.specialUse === 'sent')!;
    await page.locator(`[id="tree-folder:${sent.id}"]`).click();
    await poll(senders).toEqual(['To: Ines Park, Carol']);
    expect(await page.getByTestId('message-list').locator('.row-sender').first().getAttribute('title')).toBe('ines@choir.example, carol@example.org');
    await screenshotBothThemes(page, 'sent-rows');
    expect(view.errors).toEqual([]);
  });

  it('a search finds both: the sent one by whom it went to, the received one by its sender', async () => {
    await page.keyboard.press('/');
    await page.keyboard.type('rehearsal');
    await page.keyboard.press('Enter');
    await poll(async () => (await senders()).sort()).toEqual(['Ines Park', 'To: Ines Park, Carol']);
    expect(view.errors).toEqual([]);
  });
});
