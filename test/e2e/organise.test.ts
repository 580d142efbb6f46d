import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../shared/contract/accounts';
import type { Folder } from '../../shared/contract/messages';
import { bridgeClient } from '../helpers/bridge-client';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, axeViolations, type Canary, openApp, screenshotBothThemes, startCanary } from '../helpers/e2e-app';
import { eventually, secondClient, serverFiles } from '../helpers/imap-sync';
import { buildMessage, everydayMail } from '../helpers/ui-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * Organising mail in Chromium against Dovecot (issue 19, the window's part): sorting, search as you
 * type, drag and drop onto folders with the toast's Undo and Ctrl+Z, Archive, the folder context menu,
 * tags, printing. Accounts are added and synced with the CLI first; the steps share one page and run in
 * order, each starting from the plain window.
 */
describe('organising mail in Chromium against Dovecot', () => {
  let server: DovecotServer;
  let canary: Canary;
  let dataDir: string;
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
  const onServer = async (folder: string, messageId: string) => (await serverFiles(server, 'alice', folder)).some((f) => f.bytes.includes(messageId));
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

    dataDir = mkdtempSync(join(tmpdir(), 'homing-e2e-organise-'));
    for (const user of ['alice', 'bob']) {
      const added = await runCli(
        [
          '--data-dir', dataDir, 'account', 'add', '--email', `${user}@example.org`, '--protocol', 'imap', '--host', '127.0.0.1',
          '--port', String(server.ports.imaps), '--security', 'tls', '--username', user, '--password-env', 'E2E_PASSWORD',
          '--trust-fingerprint', server.certificate.fingerprint256,
        ],
        { env: { E2E_PASSWORD: `${user}-secret` } },
      );
      expect(added.status, added.stderr).toBe(0);
    }
    const synced = await runCli(['--data-dir', dataDir, 'sync']);
    expect(synced.status, synced.stderr).toBe(0);
    app = await startDevWeb(dataDir);
    bridge = await bridgeClient(app.url);
    const accounts = await bridge.api.listAccounts({});
    alice = accounts.find((a) => a.email === 'alice@example.org')!;
    bob = accounts.find((a) => a.email === 'bob@example.org')!;
    folders = await bridge.api.listFolders({});
    // As the desktop shell does at start: every account stays in sync, so changes reach the server on their own.
    await bridge.api.startWatching({});
    await eventually(
      async () => (await bridge.api.getSyncStatus({})).filter((s) => s.phase === 'watching').length,
      (watching) => watching === 2,
      60_000,
    );
    browser = await launchChromium();
    view = await openApp(browser, app.url);
    page = view.page;
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
    bridge?.close();
    await browser?.close();
    await app?.stop();
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

  it('drags several messages at once, with Undo in the toast; another server account is no drop target yet', async () => {
    const garden = list().getByRole('option').filter({ hasText: 'Garden allotment rota' }).filter({ hasNotText: 'Re: Garden' });
    const reply = row(/Re: Garden allotment rota/);
    await garden.click();
    await reply.click({ modifiers: ['Control'] });
    const projects = folderOf(alice, 'Projects');
    // Bob's inbox takes no mail from Alice's account until moves between server accounts exist.
    await reply.hover();
    await page.mouse.down();
    await treeItem(folderOf(bob, 'INBOX')).hover();
    await treeItem(folderOf(bob, 'INBOX')).hover({ position: { x: 30, y: 10 } });
    expect(await treeItem(folderOf(bob, 'INBOX')).getAttribute('class')).not.toMatch(/drop-target/);
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
    expect(view.errors).toEqual([]);
  });

  it('archives with e, and says what a delete did (its undo waits for the service)', async () => {
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
    await poll(() => toast().textContent()).toContain('Deleted the message.');
    expect(await toast().getByRole('button', { name: 'Undo' }).count()).toBe(0);
    await poll(queueEmpty, 60_000).toBe(true);
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

  it('offers Rename and Delete on a folder of one’s own and Empty Trash on the Trash; a refused name keeps the dialog open with the reason', async () => {
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
    await poll(() => dialog.getByRole('alert').count()).toBe(1);
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

    await treeItem(folderOf(alice, 'Trash')).click({ button: 'right' });
    await poll(() => menu.getByRole('menuitem').allTextContents()).toEqual(['Mark folder read', 'Empty Trash…', 'New subfolder…']);
    await page.keyboard.press('Escape');
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
    await page.keyboard.press('Escape');
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
