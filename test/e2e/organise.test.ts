import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import type { Folder } from '../../shared/contract/messages';
import type { bridgeClient } from '../helpers/bridge-client';
import { resultsDir } from '../helpers/chromium';
import type { DevWeb } from '../helpers/dev-web';
import { type AppPage, axeViolations, type Canary, screenshotBothThemes, startCanary } from '../helpers/e2e-app';
import { type MailWindow, openMailWindow } from '../helpers/mail-window-e2e';
import { secondClient, serverFiles } from '../helpers/imap-sync';
import { buildMessage, everydayMail } from '../helpers/ui-corpus';
import { type DovecotServer, maildirFolder, startDovecot } from '../servers/dovecot';

/**
 * Organising mail in Chromium against Dovecot (issue 19, the window's part): sorting, search as you
 * type, drag and drop onto folders with the toast's Undo and Ctrl+Z, Archive, the folder context menu,
 * tags, printing. Accounts are added and synced with the CLI first; the steps share one page and run in
 * order, each starting from the plain window.
 */
describe('organising mail in Chromium against Dovecot', () => {
  let server: DovecotServer;
  let canary: Canary;
  let window: MailWindow;
  let app: DevWeb;
  let browser: Browser;
  let view: AppPage;
  let page: Page;
  let bridge: Awaited<ReturnType<typeof bridgeClient>>;
  let alice: Account;
  let bob: Account;
  let folders: Folder[];

  const poll = <T>(probe: () => Promise<T> | T, timeout = 20_000) => expect.poll(probe, { timeout });
  const list = () => page.getByTestId('message-list');
  const row = (name: string | RegExp) => list().getByRole('option', { name });
  const folderOf = (account: Account, path: string) => folders.find((f) => f.accountId === account.id && f.path === path)!;
  const treeItem = (folder: Folder) => page.locator(`[id="tree-folder:${folder.id}"]`);
  const toast = () => page.getByTestId('toast');
  const onServer = async (folder: string, messageId: string, user = 'alice') => (await serverFiles(server, user, folder)).some((f) => f.bytes.includes(messageId));
  /** Alice's folders and one message's keywords as the server has them (another IMAP client asks). */
  const serverFolders = async () => {
    const other = await secondClient(server);
    try {
      return (await other.list()).map((m) => m.path).sort();
    } finally {
      await other.logout();
    }
  };
  const serverKeywords = async (messageId: string) => {
    const other = await secondClient(server);
    try {
      await other.mailboxOpen('INBOX');
      const uids = (await other.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
      const flags: string[] = [];
      for await (const m of other.fetch(uids.join(','), { flags: true }, { uid: true })) flags.push(...(m.flags ?? []));
      return flags.filter((f) => !f.startsWith('\\')).map((f) => f.toLowerCase()).sort();
    } finally {
      await other.logout();
    }
  };
  const queueEmpty = async () => (await bridge.api.listPendingOperations({})).length === 0;
  const rowIds = () => list().locator('[role="option"]:not(.placeholder)').evaluateAll((rows) => rows.map((r) => Number(r.id.replace('message-row-', ''))));
  const openFolder = async (folder: Folder) => {
    await treeItem(folder).click();
    await page.locator('#list-title', { hasText: new RegExp(`^${folder.path === 'INBOX' ? 'Inbox' : folder.name}$`) }).waitFor();
  };
  const expectNoAxeViolations = async () => expect(await axeViolations(page)).toEqual([]);

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    canary = await startCanary();
    server = await startDovecot({
      // Per-folder ACL files, so a step can make a folder read-only and have the server refuse a change.
      extraConfig: 'mail_plugins = $mail_plugins acl\nprotocol imap {\n  mail_plugins = $mail_plugins acl imap_acl\n}\nplugin {\n  acl = vfile\n}\n',
      users: [
        { name: 'alice', password: 'alice-secret' },
        { name: 'bob', password: 'bob-secret' },
      ],
    });
    for (const [i, m] of everydayMail().entries()) await server.deliver('alice', m.raw, { flags: i % 3 === 0 ? [] : ['\\Seen'] });
    await server.deliver(
      'alice',
      buildMessage({
        from: 'Print Shop <hello@printshop.example>',
        subject: 'Your poster proof',
        date: new Date(Date.now() - 3_600_000),
        id: 'proof-1@printshop.example',
        text: 'Here is the proof of your poster.',
        html: `<h1>Poster proof</h1><p>Here is the proof of your poster.</p><img src="${canary.url}/proof.gif" alt="proof" width="40" height="40">`,
      }),
      { flags: ['\\Seen'] },
    );
    for (const [i, subject] of ['Plans for the shed', 'Shed materials list'].entries()) {
      await server.deliver('alice', buildMessage({ from: 'Sam <sam@example.org>', subject, date: new Date(Date.now() - (i + 5) * 86_400_000), id: `shed-${i}@example.org`, text: 'Shed.' }), {
        folder: 'Projects',
        flags: ['\\Seen'],
      });
    }
    await server.deliver('bob', buildMessage({ from: 'Pat <pat@residents.example>', to: 'bob@example.org', subject: 'Residents’ meeting', date: new Date(), id: 'bob-1@x', text: 'Hello Bob.' }));
    // Tags as another mail program set them: Thunderbird's "Work" ($label2) and a tag of the user's own.
    const other = await secondClient(server);
    try {
      await other.mailboxOpen('INBOX');
      const uidOf = async (messageId: string) => (await other.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
      await other.messageFlagsAdd({ uid: (await uidOf('inv-1031@hostingco.example')).join(',') }, ['$label2'], { uid: true });
      await other.messageFlagsAdd({ uid: (await uidOf('stmt-10@bank.example')).join(',') }, ['receipts', '$Forwarded'], { uid: true });
    } finally {
      await other.logout();
    }

    window = await openMailWindow(server, [{ user: 'alice' }, { user: 'bob' }], 'organise');
    ({ app, bridge, browser, view, page } = window);
    const accounts = await bridge.api.listAccounts({});
    alice = accounts.find((a) => a.email === 'alice@example.org')!;
    bob = accounts.find((a) => a.email === 'bob@example.org')!;
    folders = await bridge.api.listFolders({});
    await row(/Your invoice for October/).waitFor({ timeout: 30_000 });
    await openFolder(folderOf(alice, 'INBOX'));
  });

  // Each step starts from the plain window, whatever the one before left open (a failed step included).
  afterEach(async () => {
    await page.mouse.up().catch(() => undefined);
    for (let i = 0; i < 3 && (await page.locator('[role="dialog"], [role="menu"]').count()) > 0; i++) await page.keyboard.press('Escape');
    if ((await page.getByRole('searchbox', { name: 'Search all mail' }).inputValue()) !== '') {
      await page.getByRole('button', { name: 'Clear search' }).click();
    }
    if (await page.getByTestId('toast').getByRole('button', { name: 'Dismiss' }).count()) await page.getByTestId('toast').getByRole('button', { name: 'Dismiss' }).click();
  });

  afterAll(async () => {
    await window?.close();
    await server?.destroy();
    await canary?.close();
  });

  it('sorts the list by sender, subject and size, either way, from the list header, and remembers the order', async () => {
    const sort = page.getByRole('combobox', { name: 'Sort messages' });
    const summaries = async () => {
      const ids = await rowIds();
      const byId = new Map((await bridge.api.getMessageSummaries({ ids })).map((m) => [m.id, m]));
      return ids.map((id) => byId.get(id)!);
    };
    const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    const sender = (m: { from: { name: string; address: string } | null }) => fold(m.from?.name || m.from?.address || '');
    const inOrder = (keys: string[]) => keys.every((k, i) => i === 0 || Buffer.compare(Buffer.from(keys[i - 1]!), Buffer.from(k)) <= 0);

    await sort.selectOption('sender-asc');
    await poll(async () => inOrder((await summaries()).map(sender))).toBe(true);
    const bySender = await rowIds();
    expect((await summaries()).map(sender)[0]).toBe('alice martin');
    await screenshotBothThemes(page, 'organise-sorted-by-sender');
    await expectNoAxeViolations();

    await sort.selectOption('sender-desc');
    await poll(rowIds).toEqual([...bySender].reverse());

    // By subject, "Re:" does not count: a reply sorts beside what it answers.
    await sort.selectOption('subject-asc');
    await poll(async () => {
      const subjects = (await summaries()).map((m) => m.subject);
      return Math.abs(subjects.indexOf('Re: Garden allotment rota') - subjects.indexOf('Garden allotment rota'));
    }).toBe(1);

    await sort.selectOption('size-desc');
    await poll(async () => {
      const sizes = (await summaries()).map((m) => m.size);
      return sizes.every((s, i) => i === 0 || sizes[i - 1]! >= s);
    }).toBe(true);

    // The order stays for the next start of the window.
    await page.reload();
    await openFolder(folderOf(alice, 'INBOX'));
    expect(await sort.inputValue()).toBe('size-desc');
    await sort.selectOption('date-desc');
    expect(view.errors).toEqual([]);
  });

  it('searches as you type, and an older answer arriving late never replaces a newer one', async () => {
    // A second window whose bridge traffic the test holds: the answer to the first query is kept back
    // until the second one has been answered and shown.
    const second = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const queries: string[] = [];
    const late: { release: (() => void) | null; delivered: boolean; laterAnswered: boolean } = { release: null, delivered: false, laterAnswered: false };
    await second.routeWebSocket(/\/bridge/, (ws) => {
      const upstream = ws.connectToServer();
      const searchIds = new Map<number, string>();
      ws.onMessage((message) => {
        const call = JSON.parse(String(message)) as { id: number; method: string; args: { query?: string } };
        if (call.method === 'search') {
          queries.push(call.args.query!);
          searchIds.set(call.id, call.args.query!);
        }
        upstream.send(message);
      });
      upstream.onMessage((message) => {
        const reply = JSON.parse(String(message)) as { id?: number };
        const query = reply.id === undefined ? undefined : searchIds.get(reply.id);
        if (query === 'garden') {
          late.release = () => {
            ws.send(message);
            late.delivered = true;
          };
          return;
        }
        ws.send(message);
        if (query === 'invoice') late.laterAnswered = true;
      });
    });
    try {
      await second.goto(app.url);
      const box = second.getByRole('searchbox', { name: 'Search all mail' });
      await box.waitFor();
      await box.click();
      await second.keyboard.type('garden');
      await poll(() => queries).toContain('garden');
      // No Enter: the query went out by itself, once. Letter-by-letter queries are not sent.
      expect(queries.every((q) => 'garden'.startsWith(q))).toBe(true);
      await box.fill('');
      await box.pressSequentially('invoice');
      await poll(() => late.laterAnswered).toBe(true);
      const results = second.getByTestId('message-list').getByRole('option');
      await poll(() => results.first().textContent()).toMatch(/invoice/i);
      // Now the older answer arrives.
      expect(late.release).not.toBeNull();
      late.release!();
      await poll(() => late.delivered).toBe(true);
      await second.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      expect(await second.getByTestId('list-count').textContent()).toMatch(/for “invoice”/);
      expect(await results.allTextContents()).not.toContainEqual(expect.stringMatching(/Garden allotment/));
      expect(await box.inputValue()).toBe('invoice');
    } finally {
      await second.close();
    }

    // In the main window: results follow the typing, and emptying the field goes back to the folder.
    const box = page.getByRole('searchbox', { name: 'Search all mail' });
    await box.click();
    await page.keyboard.type('tag:work');
    await poll(() => page.getByTestId('list-count').textContent()).toMatch(/1 match for “tag:work”/);
    await expect.poll(() => row(/Your invoice for October/).count()).toBe(1);
    await box.fill('');
    await poll(() => page.locator('#list-title').textContent()).toBe('Inbox');
    expect(view.errors).toEqual([]);
  });

  it('a message deleted from search results leaves them (it is in the Trash now), so a second Delete does not remove it for good', async () => {
    const box = page.getByRole('searchbox', { name: 'Search all mail' });
    await box.fill('subject:garden');
    await poll(() => page.getByTestId('list-count').textContent()).toMatch(/2 matches/);
    const first = row(/^(?!.*Re: ).*Garden allotment rota/);
    const reply = row(/Re: Garden allotment rota/);
    await first.click();
    await poll(() => first.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Delete');
    await poll(() => toast().textContent()).toMatch(/Deleted the message/);
    // Gone from the results, the focus on the other hit: a second Delete acts on that one, not on the Trash copy.
    await poll(() => first.count()).toBe(0);
    await poll(() => reply.getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('list-count').textContent()).toMatch(/1 match/);
    const trashed = await bridge.api.search({ query: 'in:trash subject:garden', limit: 10 });
    expect(trashed.hits.map((h) => h.subject)).toEqual(['Garden allotment rota']);
    // Undo puts it back in the Inbox, and so back in the results.
    await page.keyboard.press('Control+z');
    await poll(() => first.count()).toBe(1);
    await poll(async () => (await bridge.api.search({ query: 'in:trash subject:garden', limit: 10 })).total).toBe(0);
    expect(view.errors).toEqual([]);
  });

  it('shows IMAP keywords as coloured tags in the list and the reader (bookkeeping keywords are not tags)', async () => {
    const invoice = row(/Your invoice for October/);
    await expect.poll(() => invoice.locator('.tag-chip').allTextContents()).toEqual(['Work']);
    const statement = row(/Your statement is ready/);
    await expect.poll(() => statement.locator('.tag-chip').allTextContents()).toEqual(['receipts']);
    // The option's name (its text) says it, for screen readers too.
    expect(await statement.textContent()).toContain('Tags: receipts');
    await invoice.click();
    await poll(() => page.locator('.reader-header .tag-chip').allTextContents()).toEqual(['Work']);
    await screenshotBothThemes(page, 'organise-tags');
    await expectNoAxeViolations();
  });

  it('drags a message onto a folder: the folder lights up, the message moves, the toast offers Undo, Ctrl+Z takes it back', async () => {
    const dinner = row(/Dinner on Saturday/);
    const archive = folderOf(alice, 'Archive');
    await dinner.hover();
    await page.mouse.down();
    await treeItem(folderOf(alice, 'Projects')).hover();
    await treeItem(archive).hover();
    await treeItem(archive).hover({ position: { x: 40, y: 12 } });
    await poll(() => treeItem(archive).getAttribute('class')).toMatch(/drop-target/);
    await screenshotBothThemes(page, 'organise-drop-target');
    await page.mouse.up();
    await poll(() => dinner.count()).toBe(0);
    await poll(() => toast().textContent()).toContain('Moved the message to Archive.');
    expect(await treeItem(archive).getAttribute('class')).not.toMatch(/drop-target/);
    await poll(() => onServer('Archive', 'dinner-1@bennett.example'), 60_000).toBe(true);
    await screenshotBothThemes(page, 'organise-undo-toast');
    await expectNoAxeViolations();

    // Ctrl+Z from the list takes it back, here and on the server.
    await list().focus();
    await page.keyboard.press('Control+z');
    await poll(() => dinner.count()).toBe(1);
    await poll(() => toast().textContent()).toContain('Undone.');
    await poll(() => onServer('INBOX', 'dinner-1@bennett.example'), 60_000).toBe(true);
    await poll(() => onServer('Archive', 'dinner-1@bennett.example')).toBe(false);
    await poll(queueEmpty, 60_000).toBe(true);
    // A sync after it all keeps the message where it is, once.
    await bridge.api.syncAccounts({ accountIds: [alice.id] });
    const stored = async () => (await bridge.api.search({ query: 'paella', limit: 10 })).hits.map((h) => h.folder);
    expect(await stored()).toEqual(['INBOX']);
    expect(await dinner.count()).toBe(1);
  });

  it('drags several messages at once, with Undo in the toast; one dropped on another account’s inbox moves to that server', async () => {
    const garden = list().getByRole('option').filter({ hasText: 'Garden allotment rota' }).filter({ hasNotText: 'Re: Garden' });
    const reply = row(/Re: Garden allotment rota/);
    await garden.click();
    await reply.click({ modifiers: ['Control'] });
    const projects = folderOf(alice, 'Projects');
    await reply.hover();
    await page.mouse.down();
    await treeItem(projects).hover();
    await treeItem(projects).hover({ position: { x: 40, y: 12 } });
    await poll(() => treeItem(projects).getAttribute('class')).toMatch(/drop-target/);
    await page.mouse.up();
    await poll(() => toast().textContent()).toContain('Moved 2 messages to Projects.');
    await poll(async () => (await garden.count()) + (await reply.count())).toBe(0);
    await toast().getByRole('button', { name: 'Undo' }).click();
    await poll(async () => (await garden.count()) + (await reply.count())).toBe(2);
    await poll(async () => (await onServer('INBOX', 'rota-1@cooperativa.example')) && (await onServer('INBOX', 'rota-2@example.jp')), 60_000).toBe(true);
    await poll(queueEmpty, 60_000).toBe(true);
    expect(await onServer('Projects', 'rota-1@cooperativa.example')).toBe(false);

    // Across accounts: Bob's inbox lights up too; the message is uploaded there, then leaves Alice's server.
    const appointment = row(/Appointment reminder/);
    const bobInbox = folderOf(bob, 'INBOX');
    await appointment.click();
    await appointment.hover();
    await page.mouse.down();
    await treeItem(bobInbox).hover();
    await treeItem(bobInbox).hover({ position: { x: 30, y: 10 } });
    await poll(() => treeItem(bobInbox).getAttribute('class')).toMatch(/drop-target/);
    await page.mouse.up();
    await poll(() => appointment.count()).toBe(0);
    await poll(() => onServer('INBOX', 'appt-77@clinic.example', 'bob'), 60_000).toBe(true);
    await poll(() => onServer('INBOX', 'appt-77@clinic.example'), 60_000).toBe(false);
    await poll(queueEmpty, 60_000).toBe(true);
    expect((await serverFiles(server, 'bob', 'INBOX')).filter((f) => f.bytes.includes('appt-77@clinic.example'))).toHaveLength(1);
    expect(view.errors).toEqual([]);
  });

  it('archives with e; a delete goes to the Trash, and the toast’s Undo brings it back, on the server too', async () => {
    const statement = row(/Your statement is ready/);
    await statement.click();
    await page.keyboard.press('e');
    await poll(() => statement.count()).toBe(0);
    await poll(() => toast().textContent()).toContain('Archived the message.');
    await poll(() => onServer('Archive', 'stmt-10@bank.example'), 60_000).toBe(true);
    await toast().getByRole('button', { name: 'Undo' }).click();
    await poll(() => statement.count()).toBe(1);
    await poll(() => onServer('INBOX', 'stmt-10@bank.example'), 60_000).toBe(true);

    const ticket = row(/Your e-ticket/);
    await ticket.click();
    await page.keyboard.press('#');
    await poll(() => ticket.count()).toBe(0);
    await poll(() => toast().textContent()).toMatch(/Deleted/);
    await poll(() => onServer('Trash', 'ticket-5@rail.example'), 60_000).toBe(true);
    await toast().getByRole('button', { name: 'Undo' }).click();
    await poll(() => toast().textContent()).toContain('Undone');
    await poll(() => ticket.count()).toBe(1);
    await poll(() => onServer('INBOX', 'ticket-5@rail.example'), 60_000).toBe(true);
    await poll(queueEmpty, 60_000).toBe(true);
    expect(await onServer('Trash', 'ticket-5@rail.example')).toBe(false);
  });

  it('opens a folder’s context menu by mouse and keyboard; Mark folder read marks every message, on the server too', async () => {
    const inbox = folderOf(alice, 'INBOX');
    await poll(() => treeItem(inbox).locator('.tree-badge').count()).toBe(1);
    await treeItem(inbox).click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Folder actions' });
    // The Inbox is not renamed or deleted, and Empty Trash is a Trash's: Export is the desktop app's.
    await poll(() => menu.getByRole('menuitem').allTextContents()).toEqual(['Mark folder read', 'Run rules on this folder now', 'New subfolder…']);
    await screenshotBothThemes(page, 'organise-folder-menu');
    await expectNoAxeViolations();
    await page.keyboard.press('Escape');
    await poll(() => menu.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`tree-folder:${inbox.id}`);

    await page.keyboard.press('Shift+F10');
    await poll(() => menu.count()).toBe(1);
    await page.keyboard.press('Enter');
    await poll(() => treeItem(inbox).locator('.tree-badge').count()).toBe(0);
    await poll(() => toast().textContent()).toContain('Marked every message in Inbox as read.');
    await poll(async () => (await serverFiles(server, 'alice', 'INBOX')).every((f) => f.flags.includes('S')), 60_000).toBe(true);
    expect(view.errors).toEqual([]);
  });

  it('renames, makes a subfolder, deletes (to the Trash, undone, then again) and empties the Trash from the folder menu, on the server too; a refused name keeps the dialog open with the reason', async () => {
    const projects = folderOf(alice, 'Projects');
    await treeItem(projects).click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Folder actions' });
    await poll(() => menu.getByRole('menuitem').allTextContents()).toEqual(['Mark folder read', 'Run rules on this folder now', 'New subfolder…', 'Rename…', 'Delete folder…']);
    await menu.getByRole('menuitem', { name: 'Rename…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rename Projects' });
    const name = dialog.getByRole('textbox', { name: 'New name' });
    await poll(() => name.inputValue()).toBe('Projects');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('INPUT');
    // A name the account already has: the service says no, and the dialog says why, still open.
    await name.fill('Archive');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    // Said once: the service's own sentence, not the code's general meaning before it.
    await poll(async () => (await dialog.getByRole('alert').textContent())?.trim()).toBe('A folder Archive already exists in this account.');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await screenshotBothThemes(page, 'organise-rename-refused');
    await expectNoAxeViolations();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await poll(() => dialog.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`tree-folder:${projects.id}`);
    expect(await treeItem(projects).textContent()).toContain('Projects');

    // Deleting asks first, saying where the messages go.
    await page.keyboard.press('Shift+F10');
    await menu.getByRole('menuitem', { name: 'Delete folder…' }).click();
    const ask = page.getByRole('dialog', { name: 'Delete the folder Projects?' });
    await poll(() => ask.textContent()).toContain('Its 2 messages go to the Trash. You can undo this.');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await poll(() => ask.count()).toBe(0);

    // Rename for real: the same folder, under its new name here and on the server.
    await page.keyboard.press('Shift+F10');
    await menu.getByRole('menuitem', { name: 'Rename…' }).click();
    await name.fill('Shed');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await poll(() => dialog.count()).toBe(0);
    await poll(() => treeItem(projects).textContent()).toContain('Shed');
    await poll(() => toast().textContent()).toContain('Renamed Projects to Shed.');
    await poll(serverFolders, 60_000).toContain('Shed');
    expect(await serverFolders()).not.toContain('Projects');

    // A subfolder of it.
    const shed = page.locator('[id^="tree-folder:"]', { hasText: /^Shed/ });
    await shed.focus();
    await page.keyboard.press('Shift+F10');
    await menu.getByRole('menuitem', { name: 'New subfolder…' }).click();
    const create = page.getByRole('dialog', { name: 'New folder in Shed' });
    await create.getByRole('textbox', { name: 'Folder name' }).fill('Plans/2025');
    await create.getByRole('button', { name: 'Create' }).click();
    await poll(async () => (await create.getByRole('alert').textContent())?.trim()).toBe('A folder name cannot contain "/": it separates folders from their subfolders on this account.');
    await create.getByRole('textbox', { name: 'Folder name' }).fill('Plans');
    await create.getByRole('button', { name: 'Create' }).click();
    await poll(() => create.count()).toBe(0);
    const plans = page.locator('[id^="tree-folder:"]', { hasText: /^Plans/ });
    await poll(() => plans.count()).toBe(1);
    await poll(async () => (await serverFolders()).filter((path) => /^Shed.Plans$/.test(path)).length, 60_000).toBe(1);

    // Delete it with its subfolder: the messages go to the Trash, and Undo brings it all back.
    const deleteShed = async () => {
      await shed.click({ button: 'right' });
      await menu.getByRole('menuitem', { name: 'Delete folder…' }).click();
      const sure = page.getByRole('dialog', { name: 'Delete the folder Shed?' });
      await poll(() => sure.textContent()).toContain('Its messages and its subfolders’ go to the Trash. You can undo this.');
      await sure.getByRole('button', { name: 'Delete folder' }).click();
      await poll(() => sure.count()).toBe(0);
      await poll(() => shed.count()).toBe(0);
      await poll(() => toast().textContent()).toContain('Deleted the folder Shed; 2 messages went to the Trash.');
      await poll(() => onServer('Trash', 'shed-0@example.org'), 60_000).toBe(true);
      await poll(async () => (await serverFolders()).some((path) => path.startsWith('Shed')), 60_000).toBe(false);
    };
    await deleteShed();
    await toast().getByRole('button', { name: 'Undo' }).click();
    await poll(() => toast().textContent()).toContain('Undone');
    await poll(() => shed.count()).toBe(1);
    await poll(() => onServer('Shed', 'shed-1@example.org'), 60_000).toBe(true);
    await poll(queueEmpty, 60_000).toBe(true);
    expect(await onServer('Trash', 'shed-1@example.org')).toBe(false);

    // Again, and then Empty Trash: asked first, gone for good, from the server too.
    await deleteShed();
    const trash = folderOf(alice, 'Trash');
    await treeItem(trash).click({ button: 'right' });
    await poll(() => menu.getByRole('menuitem').allTextContents()).toEqual(['Mark folder read', 'Empty Trash…', 'New subfolder…']);
    await menu.getByRole('menuitem', { name: 'Empty Trash…' }).click();
    const empty = page.getByRole('dialog', { name: 'Empty the Trash?' });
    await poll(() => empty.textContent()).toMatch(/in the Trash of alice@example\.org will be deleted for good\. This cannot be undone\./);
    await screenshotBothThemes(page, 'organise-empty-trash');
    await expectNoAxeViolations();
    await empty.getByRole('button', { name: 'Empty Trash' }).click();
    await poll(() => empty.count()).toBe(0);
    await poll(() => toast().textContent()).toMatch(/Deleted \d+ messages for good\./);
    expect(await toast().getByRole('button', { name: 'Undo' }).count()).toBe(0);
    await poll(async () => (await serverFiles(server, 'alice', 'Trash')).length, 60_000).toBe(0);
    await poll(queueEmpty, 60_000).toBe(true);
    expect(view.errors).toEqual([]);
  });

  it('opens the tag menu (l, or the toolbar’s Tags button): each tag a checkbox, checked where every selected message has it', async () => {
    await openFolder(folderOf(alice, 'INBOX'));
    await row(/Your invoice for October/).click();
    await page.keyboard.press('l');
    const menu = page.getByRole('menu', { name: 'Tags' });
    await poll(() => menu.getByRole('menuitemcheckbox').count()).toBeGreaterThanOrEqual(5);
    const names = await menu.getByRole('menuitemcheckbox').allTextContents();
    expect(names.slice(0, 5)).toEqual(['Important1', 'Work2', 'Personal3', 'To Do4', 'Later5']);
    expect(await menu.getByRole('menuitemcheckbox', { name: /^Work/ }).getAttribute('aria-checked')).toBe('true');
    expect(await menu.getByRole('menuitemcheckbox', { name: /^Important/ }).getAttribute('aria-checked')).toBe('false');
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['New tag…']);
    await screenshotBothThemes(page, 'organise-tag-menu');
    await expectNoAxeViolations();
    await page.keyboard.press('Escape');
    await poll(() => menu.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox');

    // Two messages, one tagged: Work is mixed.
    await row(/Your statement is ready/).click({ modifiers: ['Control'] });
    await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Tags…' }).click();
    await poll(() => menu.getByRole('menuitemcheckbox', { name: /^Work/ }).getAttribute('aria-checked')).toBe('mixed');

    // Important from the menu tags both, on the server too; key 1 then takes it off both (both have it).
    await menu.getByRole('menuitemcheckbox', { name: /^Important/ }).click();
    await poll(() => menu.count()).toBe(0);
    // Each chip but the last ends in a comma for screen readers.
    const chips = async (subject: RegExp) => (await row(subject).locator('.tag-chip').allTextContents()).map((t) => t.replace(/,\s*$/, ''));
    await poll(() => chips(/Your invoice for October/)).toContain('Important');
    await poll(() => chips(/Your statement is ready/)).toContain('Important');
    await poll(() => serverKeywords('inv-1031@hostingco.example'), 60_000).toEqual(['$label1', '$label2']);
    await poll(() => serverKeywords('stmt-10@bank.example'), 60_000).toContain('$label1');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox');
    await page.keyboard.press('1');
    await poll(() => chips(/Your invoice for October/)).toEqual(['Work']);
    await poll(() => chips(/Your statement is ready/)).toEqual(['receipts']);
    await poll(() => serverKeywords('inv-1031@hostingco.example'), 60_000).toEqual(['$label2']);
    await poll(queueEmpty, 60_000).toBe(true);
    expect(view.errors).toEqual([]);
  });

  it('tells a change the server refused as it is (the server’s words; the message as the server has it), and Discard the change clears it', async () => {
    // Bob's inbox becomes read-only for him: a new session opens it [READ-ONLY] and STORE gets NO.
    await bridge.api.stopWatching({ accountIds: [bob.id] });
    const acl = join(maildirFolder(server.maildir('bob'), 'INBOX'), 'dovecot-acl');
    writeFileSync(acl, 'owner lr\n');
    try {
      await openFolder(folderOf(bob, 'INBOX'));
      const meeting = row(/Residents’ meeting/);
      await meeting.click();
      await page.keyboard.press('s');
      await poll(() => meeting.locator('.row-icon.flag').count()).toBe(1);
      await poll(() => meeting.locator('.row-pending').count()).toBe(1);
      await bridge.api.syncAccounts({ accountIds: [bob.id] });
      const notice = page.locator('.reader-notice', { hasText: 'The server refused a change to this message' });
      await poll(() => notice.textContent(), 30_000).toContain('It shows the server’s state again');
      expect(await notice.textContent()).not.toMatch(/next sync/);
      expect(await meeting.locator('.row-icon.flag').count()).toBe(0);
      await screenshotBothThemes(page, 'organise-refused-change');
      await expectNoAxeViolations();
      await notice.getByRole('button', { name: 'Discard the change' }).click();
      await poll(() => notice.count()).toBe(0);
      await poll(() => meeting.locator('.row-pending').count()).toBe(0);
      expect(await bridge.api.listPendingOperations({ accountId: bob.id })).toEqual([]);
    } finally {
      rmSync(acl, { force: true });
      await bridge.api.startWatching({ accountIds: [bob.id] });
      await openFolder(folderOf(alice, 'INBOX'));
    }
    expect(view.errors).toEqual([]);
  });

  it('prints the message as the reader shows it, with no remote content until it is allowed', async () => {
    // The page printed is caught as the app builds it (a frame of its own, gone once printed).
    await page.evaluate(() => {
      const w = window as unknown as { printed: string[] };
      w.printed = [];
      new MutationObserver((changes) => {
        for (const change of changes)
          for (const node of change.addedNodes) if (node instanceof HTMLIFrameElement && node.classList.contains('print-frame')) w.printed.push(node.srcdoc);
      }).observe(document.body, { childList: true });
    });
    const printed = () => page.evaluate(() => (window as unknown as { printed: string[] }).printed);
    await row(/Your poster proof/).click();
    await poll(() => page.frameLocator('iframe[data-testid="message-frame"]').locator('h1').textContent()).toBe('Poster proof');
    await page.keyboard.press('Control+p');
    await poll(async () => (await printed()).length).toBe(1);
    const [html] = await printed();
    await poll(() => page.locator('iframe.print-frame').count()).toBe(0);
    expect(canary.requests).toEqual([]);

    // The print preview and the PDF, in a page of their own.
    const preview = await browser.newPage({ viewport: { width: 800, height: 1000 } });
    try {
      await preview.emulateMedia({ media: 'print' });
      await preview.setContent(html!);
      expect(await preview.locator('.homing-print-header h1').textContent()).toBe('Your poster proof');
      expect(await preview.locator('.homing-print-header').textContent()).toMatch(/FromPrint Shop <hello@printshop\.example>/);
      expect(await preview.locator('body').textContent()).toContain('Here is the proof of your poster.');
      await preview.screenshot({ path: join(resultsDir, 'organise-print-preview.png'), fullPage: true });
      const pdf = await preview.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(1000);
    } finally {
      await preview.close();
    }
    expect(canary.requests).toEqual([]);

    // Remote content loaded for this message: the printed page has it too.
    await page.getByRole('button', { name: 'Load for this message' }).click();
    await poll(() => canary.requests.length).toBeGreaterThan(0);
    const before = canary.requests.length;
    await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: /^Print/ }).click();
    await poll(async () => (await printed()).length).toBe(2);
    await poll(() => canary.requests.length).toBeGreaterThan(before);
    expect(view.dialogs).toEqual([]);
    expect(view.errors).toEqual([]);
  });
});
