import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { bridgeClient } from '../helpers/bridge-client';
import { resultsDir } from '../helpers/chromium';
import { type AppPage, axeViolations, screenshotBothThemes } from '../helpers/e2e-app';
import { horizontalOverflows, outside, widthOf } from '../helpers/e2e-layout';
import { type MailWindow, openMailWindow } from '../helpers/mail-window-e2e';
import { serverFiles } from '../helpers/imap-sync';
import { buildMessage, everydayMail } from '../helpers/ui-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/** Messages of one long conversation, oldest first (the strip must scroll to the one that is open). */
const CHOIR_REPLIES = 12;

/**
 * Using the app day to day, in Chromium against Dovecot: marking read and unread as a person does
 * (issue 24 item 3), the window at laptop and desktop sizes (item 4), and the small things that make it
 * feel unfinished (item 10: account labels, the conversation strip, search snippets). Accounts are added
 * and synced with the CLI first; the steps share one page and run in order.
 */
describe('daily use in Chromium against Dovecot', () => {
  let server: DovecotServer;
  let window: MailWindow;
  let view: AppPage;
  let page: Page;
  /** The service over the bridge, as another window would see it: the queue of changes for the server. */
  let bridge: Awaited<ReturnType<typeof bridgeClient>>;
  const queueEmpty = async () => (await bridge.api.listPendingOperations({})).length === 0;

  const row = (name: string | RegExp) => page.getByTestId('message-list').getByRole('option', { name });
  const poll = <T>(probe: () => Promise<T> | T, timeout = 15_000) => expect.poll(probe, { timeout });
  const isUnread = async (name: RegExp) => /^Unread, /.test((await row(name).first().textContent()) ?? '');
  const serverFlags = async (messageId: string) =>
    (await serverFiles(server, 'alice', 'INBOX')).find((f) => f.bytes.includes(messageId))?.flags ?? null;
  const frame = () => page.frameLocator('iframe[data-testid="message-frame"]');
  const openSettingsPage = async (name: string) => {
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accounts' });
    await dialog.getByRole('button', { name: new RegExp(`^${name}`) }).click();
    return dialog;
  };

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startDovecot({
      users: [
        { name: 'alice', password: 'alice-secret' },
        { name: 'bob', password: 'bob-secret' },
      ],
    });
    for (const [i, m] of everydayMail().entries()) await server.deliver('alice', m.raw, { flags: i % 3 === 0 ? [] : ['\\Seen'] });
    const start = Date.now() - 40 * 86_400_000;
    for (let i = 0; i <= CHOIR_REPLIES; i++) {
      const raw = buildMessage({
        from: i % 2 === 0 ? 'Ines Duarte <ines@choir.example>' : 'Alice Martin <alice@example.org>',
        subject: i === 0 ? 'Choir rehearsal schedule' : 'Re: Choir rehearsal schedule',
        date: new Date(start + i * 3_600_000),
        id: `choir-${i}@choir.example`,
        ...(i > 0 ? { inReplyTo: `choir-${i - 1}@choir.example` } : {}),
        text: `Rehearsal note number ${i}.\n\nInes`,
      });
      await server.deliver('alice', raw, { flags: ['\\Seen'] });
    }
    await server.deliver(
      'bob',
      buildMessage({ from: 'Pat <pat@residents.example>', to: 'bob@example.org', subject: 'Residents’ meeting', date: new Date(), id: 'bob-1@x', text: 'Hello Bob.' }),
    );
    // Alice gave her name; Bob did not: the sidebar must still label both the same way.
    window = await openMailWindow(server, [{ user: 'alice', name: 'Alice Martin' }, { user: 'bob' }], 'daily');
    ({ bridge, view, page } = window);
    await row(/Your invoice for October/).waitFor({ timeout: 30_000 });
  });

  // Each step starts from the plain window, whatever the one before left open (a failed step included).
  afterEach(async () => {
    for (let i = 0; i < 3 && (await page.getByRole('dialog').count()) > 0; i++) await page.keyboard.press('Escape');
    // From the results, the first Escape goes back to the search field and the second leaves the search.
    for (let i = 0; i < 2 && (await page.getByRole('searchbox', { name: 'Search all mail' }).inputValue()) !== ''; i++) await page.keyboard.press('Escape');
  });

  afterAll(async () => {
    await window?.close();
    await server?.destroy();
  });

  it('item 3: "Mark as unread" on an open message that was read when opened stays unread, here and on the server', async () => {
    expect(await serverFlags('inv-1031@hostingco.example')).toContain('S');
    await row(/Your invoice for October/).click();
    await poll(() => frame().locator('body').textContent()).toMatch(/Dear customer/);
    expect(await isUnread(/Your invoice for October/)).toBe(false);
    await page.keyboard.press('u');
    await poll(() => isUnread(/Your invoice for October/)).toBe(true);
    // The change reaches the server and nothing marks it read again behind the user's back.
    await poll(() => serverFlags('inv-1031@hostingco.example'), 60_000).not.toContain('S');
    await poll(queueEmpty, 60_000).toBe(true);
    expect(await isUnread(/Your invoice for October/)).toBe(true);
    expect(await serverFlags('inv-1031@hostingco.example')).not.toContain('S');
    expect(view.errors).toEqual([]);
  });

  it('item 3: an unread message is marked read once when opened; marked unread again, it stays unread', async () => {
    await row(/Your statement is ready/).click();
    await poll(() => isUnread(/Your statement is ready/)).toBe(false);
    await poll(() => serverFlags('stmt-10@bank.example'), 60_000).toContain('S');
    await page.keyboard.press('u');
    await poll(() => serverFlags('stmt-10@bank.example'), 60_000).not.toContain('S');
    await poll(queueEmpty, 60_000).toBe(true);
    expect(await isUnread(/Your statement is ready/)).toBe(true);
  });

  it('item 3: the reading preference: never, or after N seconds open (moving on first leaves the message unread)', async () => {
    let dialog = await openSettingsPage('Reading');
    await dialog.getByRole('radio', { name: /^Never/ }).check();
    await screenshotBothThemes(page, 'settings-reading');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('dialog').count()).toBe(0);

    await row(/Release 0\.1\.0 is out/).click();
    await poll(() => frame().locator('body').textContent()).toMatch(/Homing 0\.1\.0 has been released/);
    await page.waitForTimeout(1000);
    expect(await isUnread(/Release 0\.1\.0 is out/)).toBe(true);

    // A long delay: opened and left before it ends, the message stays unread.
    dialog = await openSettingsPage('Reading');
    await dialog.getByRole('radio', { name: /^After/ }).check();
    await dialog.getByRole('spinbutton', { name: 'Seconds before an open message is marked read' }).fill('60');
    await page.keyboard.press('Escape');
    await row(/Your e-ticket/).click();
    await poll(() => frame().locator('body').textContent()).toMatch(/Booking reference/);
    expect(await isUnread(/Your e-ticket/)).toBe(true);
    await row(/Release 0\.1\.0 is out/).click();
    await poll(() => frame().locator('body').textContent()).toMatch(/Homing 0\.1\.0 has been released/);
    await page.waitForTimeout(500);
    expect(await isUnread(/Your e-ticket/)).toBe(true);

    // A short one: kept open, it is marked read.
    dialog = await openSettingsPage('Reading');
    await dialog.getByRole('spinbutton', { name: 'Seconds before an open message is marked read' }).fill('2');
    await page.keyboard.press('Escape');
    await row(/Your e-ticket/).click();
    await poll(() => isUnread(/Your e-ticket/)).toBe(false);
    await poll(() => serverFlags('ticket-5@rail.example'), 60_000).toContain('S');

    dialog = await openSettingsPage('Reading');
    await dialog.getByRole('radio', { name: /^At once/ }).check();
    await page.keyboard.press('Escape');
    expect(view.errors).toEqual([]);
  });

  it('item 10: every account is labelled by its address, in its own letters', async () => {
    const tree = page.getByRole('tree', { name: 'Mailboxes' });
    for (const address of ['alice@example.org', 'bob@example.org']) {
      const item = tree.getByRole('treeitem', { name: address, exact: true });
      await poll(() => item.count()).toBe(1);
      expect(await item.evaluate((el) => getComputedStyle(el).textTransform)).toBe('none');
    }
  });

  it('item 10: the conversation strip highlights the open message and scrolls to it', async () => {
    await page.getByRole('searchbox', { name: 'Search all mail' }).fill('subject:choir');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('list-count').textContent()).toMatch(/^13 matches/);
    // The newest reply is at the list's top; open its conversation.
    await page.getByTestId('message-list').getByRole('option').first().click();
    await page.keyboard.press('Enter');
    const strip = page.getByRole('region', { name: 'Conversation' });
    await poll(() => strip.getByRole('listitem').count()).toBe(CHOIR_REPLIES + 1);
    const current = strip.locator('[aria-current="true"]');
    await poll(() => current.count()).toBe(1);
    await poll(() => current.textContent()).toMatch(new RegExp(`Rehearsal note number ${CHOIR_REPLIES}\\b`));
    const inView = () =>
      current.evaluate((el) => {
        const list = el.closest('.conversation-list')!.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        return r.top >= list.top - 1 && r.bottom <= list.bottom + 1;
      });
    await poll(inView).toBe(true);
    // The highlight is visible: a background unlike the other rows'.
    const background = (locator: typeof current) => locator.evaluate((el) => getComputedStyle(el).backgroundColor);
    const other = strip.getByRole('button', { name: /Rehearsal note number 0\b/ });
    expect(await background(current)).not.toBe(await background(other));
    // Picking another message moves the highlight there and keeps it in view.
    await other.click();
    await poll(() => current.textContent()).toMatch(/Rehearsal note number 0\b/);
    await poll(inView).toBe(true);
    // The focus is on the entry picked, now the current one: the reader replaced the strip while the message
    // loaded, and the focus fell to the document with the entry pressed (Enter from the keyboard too).
    await poll(() => page.evaluate(() => document.activeElement?.closest('[aria-label="Conversation"]') !== null && document.activeElement?.getAttribute('aria-current'))).toBe('true');
    await screenshotBothThemes(page, 'conversation-strip');
    expect(await axeViolations(page)).toEqual([]);
    // Another message and back: the reader shows the list's message, not the one picked the time before.
    await page.getByTestId('message-list').getByRole('option').nth(1).click();
    await poll(() => frame().locator('body').textContent()).toMatch(new RegExp(`Rehearsal note number ${CHOIR_REPLIES - 1}\\b`));
    await page.getByTestId('message-list').getByRole('option').first().click();
    await poll(() => frame().locator('body').textContent()).toMatch(new RegExp(`Rehearsal note number ${CHOIR_REPLIES}\\b`));
  });

  it('item 10: search snippets show where the text matched, not the From address', async () => {
    await page.getByRole('searchbox', { name: 'Search all mail' }).fill('hannah');
    await page.keyboard.press('Enter');
    await poll(() => row(/^(Unread, )?Hannah Schmidt.*Photos from the Lisbon trip/).count()).toBeGreaterThan(0);
    const first = row(/^(Unread, )?Hannah Schmidt.*Photos from the Lisbon trip/).first();
    const preview = first.locator('.row-preview');
    // Hannah signed the message: the preview shows the body around that match.
    await poll(() => preview.locator('mark').first().textContent()).toBe('Hannah');
    expect(await preview.textContent()).not.toMatch(/studio-nord/);
    // A word in the subject is marked in the subject line itself.
    await page.getByRole('searchbox', { name: 'Search all mail' }).fill('lisbon');
    await page.keyboard.press('Enter');
    await poll(() => row(/Photos from the Lisbon trip/).first().locator('.row-subject mark').first().textContent()).toBe('Lisbon');
    await page.keyboard.press('Escape');
  });

  it('the search field: Down goes into the results at the first hit, Escape comes back to the field, a second Escape leaves the search', async () => {
    const search = page.getByRole('searchbox', { name: 'Search all mail' });
    const focusedElement = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName);
    const selected = page.getByTestId('message-list').locator('[role="option"][aria-selected="true"]');
    await page.keyboard.press('/');
    await page.keyboard.type('subject:choir');
    // Pressed before the search-as-you-type pause: the search starts at once. It did nothing: the caret
    // stayed in the field, and the results were reachable only with Tab.
    await page.keyboard.press('ArrowDown');
    await poll(focusedElement).toBe('message-list');
    await poll(() => page.getByTestId('list-count').textContent()).toMatch(/^13 matches/);
    await poll(() => selected.count()).toBe(1);
    expect(await selected.getAttribute('aria-posinset')).toBe('1');
    await page.keyboard.press('ArrowDown');
    await poll(() => selected.getAttribute('aria-posinset')).toBe('2');
    await screenshotBothThemes(page, 'search-into-results');
    // The focused list's selected hit: its marked words and the conversation count keep their contrast
    // (white on the selection lightened was 3.1:1 and 3.6:1).
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await poll(focusedElement).toBe('Search all mail');
    expect(await search.inputValue()).toBe('subject:choir');
    expect(await page.getByRole('heading', { name: 'Search results' }).count()).toBe(1);
    // Down again: back in the results where the user was.
    await page.keyboard.press('ArrowDown');
    await poll(focusedElement).toBe('message-list');
    expect(await selected.getAttribute('aria-posinset')).toBe('2');
    await page.keyboard.press('Escape');
    await poll(focusedElement).toBe('Search all mail');
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('heading', { name: 'Search results' }).count()).toBe(0);
    expect(await search.inputValue()).toBe('');
    expect(view.errors).toEqual([]);
  });

  it('a right click on an unread message opens its menu without opening it or marking it read; the menu acts on it alone', async () => {
    const menu = page.getByRole('menu', { name: 'Message actions' });
    const newsletter = /Five breads to bake this autumn/;
    await row(/Your invoice for October/).click();
    await poll(() => frame().locator('body').textContent()).toMatch(/Dear customer/);
    expect(await isUnread(newsletter)).toBe(true);
    await row(newsletter).click({ button: 'right' });
    await menu.waitFor();
    // The menu is the newsletter's (it offers Mark as read), the row outlined; the invoice stays selected
    // and in the reader. It selected the row, which opened it and marked it read.
    expect(await menu.getByRole('menuitem', { name: /^Mark as read/ }).count()).toBe(1);
    expect(await row(newsletter).getAttribute('aria-selected')).toBe('false');
    expect(await row(/Your invoice for October/).getAttribute('aria-selected')).toBe('true');
    expect(await frame().locator('body').textContent()).toMatch(/Dear customer/);
    await screenshotBothThemes(page, 'context-menu-unselected-row');
    await page.waitForTimeout(500);
    expect(await isUnread(newsletter)).toBe(true);
    await page.keyboard.press('Escape');
    await poll(() => menu.count()).toBe(0);
    expect(await isUnread(newsletter)).toBe(true);

    // Flag from its menu flags the newsletter, not the open invoice, and leaves it unread.
    await row(newsletter).click({ button: 'right' });
    await menu.getByRole('menuitem', { name: /^Flag/ }).click();
    await poll(() => row(newsletter).getByRole('img', { name: 'flagged' }).count()).toBe(1);
    expect(await row(/Your invoice for October/).getByRole('img', { name: 'flagged' }).count()).toBe(0);
    expect(await isUnread(newsletter)).toBe(true);
    await row(newsletter).click({ button: 'right' });
    await menu.getByRole('menuitem', { name: /^Remove flag/ }).click();
    await poll(() => row(newsletter).getByRole('img', { name: 'flagged' }).count()).toBe(0);
    await poll(queueEmpty, 60_000).toBe(true);
    expect(await serverFlags('loaf-42@weeklyloaf.example')).not.toMatch(/[SF]/);
    expect(await serverFlags('inv-1031@hostingco.example')).not.toContain('F');
    expect(view.errors).toEqual([]);
  });

  for (const [width, height] of [
    [800, 600],
    [900, 600],
    [1280, 800],
    [1920, 1080],
  ] as const) {
    it(`item 4: at ${width}×${height} nothing in the window is cut off sideways`, async () => {
      await page.setViewportSize({ width, height });
      await page.getByTestId('mail-shell').waitFor();
      await row(/Five breads to bake this autumn/).click();
      await poll(() => page.getByRole('region', { name: 'Remote content' }).count()).toBe(1);
      await poll(() => frame().getByRole('heading', { name: 'Five breads to bake this autumn' }).count()).toBe(1);
      const panes = ['.shell', '.sidebar', '.list-pane', '.reader', '.toolbar', '.list-toolbar', '.list-header', '.reader-top', '.reader-header', '.remote-bar'];
      expect(await horizontalOverflows(page, panes)).toEqual([]);
      // Every toolbar button (View source included) and the banner's buttons lie inside the reader.
      expect(await outside(page, '.reader', 'button')).toEqual([]);
      // A toolbar label is one line or folded away, never wrapped into the toolbar's height ("Show / plain / text").
      expect(await page.evaluate(() => [...document.querySelectorAll('.tool-button.with-label span')].filter((s) => s.getClientRects().length > 1).map((s) => s.textContent))).toEqual([]);
      // The sender's name and address are whole: the date moves under them rather than cutting them short.
      expect(await horizontalOverflows(page, ['.reader-sender'])).toEqual([]);
      // The remote-content banner reads as a sentence, not a one-word column.
      expect(await widthOf(page, '.remote-bar-text')).toBeGreaterThanOrEqual(200);
      expect(await widthOf(page, '.reader')).toBeGreaterThanOrEqual(400);
      // Splitters keep sane minimums: the list stays wide enough for a sender and a subject.
      expect(await widthOf(page, '.list-pane')).toBeGreaterThanOrEqual(260);
      await page.keyboard.press('Control+u');
      await poll(() => frame().locator('body').textContent()).toContain('Message-ID: <loaf-42@weeklyloaf.example>');
      expect(await horizontalOverflows(page, panes)).toEqual([]);
      expect(await outside(page, '.reader', 'button')).toEqual([]);
      await page.keyboard.press('Control+u');
      if (width !== 900) await screenshotBothThemes(page, `${width < 1000 ? 'narrow' : 'wide'}-${width}x${height}`);
      expect(await axeViolations(page)).toEqual([]);
      expect(view.errors).toEqual([]);
    });
  }

  it('small windows: at 640×700, 800×600 and 1024×768 the list shows at least three whole rows beside the open message; stacked, a splitter shares the height and is remembered', async () => {
    const listHeight = () => page.evaluate(() => document.querySelector('[data-testid="message-list"]')?.getBoundingClientRect().height ?? 0);
    for (const [width, height] of [
      [640, 700],
      [800, 600],
      [1024, 768],
    ] as const) {
      await page.setViewportSize({ width, height });
      await row(/Five breads to bake this autumn/).click();
      await poll(() => frame().getByRole('heading', { name: 'Five breads to bake this autumn' }).count()).toBe(1);
      // A row is 74 px: the list was 153 px at 640×700 (two rows), the reader's header and an empty body the rest.
      await poll(listHeight).toBeGreaterThanOrEqual(3 * 74);
      // The message keeps a readable height: what does not fit above it (header, banners) scrolls away with
      // the reader (the frame had 13 px under the remote-content banner at 640×700), and all of it can be seen.
      const frameBox = () => page.locator('iframe[data-testid="message-frame"]').evaluate((el) => ({ top: el.getBoundingClientRect().top, height: el.getBoundingClientRect().height }));
      await poll(async () => (await frameBox()).height).toBeGreaterThanOrEqual(150);
      await page.locator('.reader-message').evaluate((el) => (el.scrollTop = el.scrollHeight));
      const shown = await frameBox();
      expect(shown.top + shown.height, `${width}×${height}`).toBeLessThanOrEqual(height + 1);
      await page.locator('.reader-message').evaluate((el) => (el.scrollTop = 0));
      expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(height);
    }

    // Stacked, the line between the list and the reader moves with the keyboard (and the mouse), and stays.
    await page.setViewportSize({ width: 640, height: 700 });
    const splitter = page.getByRole('separator', { name: 'Resize message list' });
    // The layout follows the resize on React's next render, not within setViewportSize.
    await poll(() => splitter.getAttribute('aria-orientation')).toBe('horizontal');
    const before = await listHeight();
    await splitter.focus();
    await page.keyboard.press('ArrowDown');
    await poll(listHeight).toBe(before + 12);
    await page.keyboard.press('End');
    await poll(listHeight).toBeGreaterThan(before + 12);
    const tallest = await listHeight();
    await page.reload();
    await row(/Five breads to bake this autumn/).waitFor({ timeout: 30_000 });
    await poll(listHeight).toBe(tallest);
    await page.getByRole('separator', { name: 'Resize message list' }).focus();
    await page.keyboard.press('Home');
    await poll(listHeight).toBeGreaterThanOrEqual(2 * 74);
    await screenshotBothThemes(page, 'stacked-640x700');
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1400, height: 860 });
  });
});
