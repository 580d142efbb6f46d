import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, autoconfigXml, axeViolations, type Canary, openApp, screenshotBothThemes, startCanary, startIspdb } from '../helpers/e2e-app';
import { serverFiles } from '../helpers/imap-sync';
import { buildMessage, everydayMail, hostileMessage } from '../helpers/ui-corpus';
import { type DnsServer, startDnsServer } from '../servers/dns-server';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * The whole reader in Debian's Chromium, over the test bridge, against the real backend and two real
 * Dovecots: an IMAP account added through the settings dialog (autoconfig from a loopback ISPDB and DNS,
 * a certificate for another name fixed with one click), a POP3 account (a self-signed certificate trusted
 * by its fingerprint), reading (hostile HTML with a canary), search, actions, and the network gone.
 * The steps share one page and run in order, as a person would use the app.
 */
describe('the reader in Chromium against Dovecot', () => {
  let imap: DovecotServer;
  let pop: DovecotServer;
  let dns: DnsServer;
  let ispdb: Awaited<ReturnType<typeof startIspdb>>;
  let canary: Canary;
  let dataDir: string;
  let app: DevWeb;
  let browser: Browser;
  let view: AppPage;
  let page: Page;

  const row = (name: string | RegExp) => page.getByTestId('message-list').getByRole('option', { name });
  /** Polls for up to 15 s (the default second is too short for a sync or a frame to load on a busy machine). */
  const poll = <T>(probe: () => Promise<T> | T, timeout = 15_000) => expect.poll(probe, { timeout });
  const expectNoAxeViolations = async () => expect(await axeViolations(page)).toEqual([]);
  /** An account's line in the sidebar's sync status: its main words, and the line below them. */
  const accountItem = (name: RegExp) => page.getByTestId('sync-status').getByRole('listitem').filter({ hasText: name });
  const accountSummary = async (name: RegExp) => (await accountItem(name).getByTestId('sync-summary').allTextContents()).join(' ');
  const accountDetail = async (name: RegExp) => (await accountItem(name).locator('.sync-detail').allTextContents()).join(' ');
  /** A new message arriving while the app runs. */
  const newMail = (subject: string, id: string) =>
    buildMessage({ from: 'Sam Ortiz <sam@neighbours.example>', to: 'Alice Martin <alice@example.test>', subject, date: new Date(), id: `${id}@neighbours.example`, text: `${subject}\n\nSam` });

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    canary = await startCanary();
    [imap, pop] = await Promise.all([
      startDovecot({ users: [{ name: 'alice', password: 'alice-secret' }] }),
      startDovecot({ users: [{ name: 'bob', password: 'bob-secret' }] }),
    ]);
    const mail = everydayMail();
    for (const [i, m] of mail.entries()) await imap.deliver('alice', m.raw, { flags: i % 3 === 0 ? [] : ['\\Seen'] });
    await imap.deliver('alice', mail[0]!.raw, { folder: 'Archive', flags: ['\\Seen'] });
    await imap.deliver('alice', hostileMessage(canary.url));
    for (const [i, subject] of ['Welcome to your new mailbox', 'Your parcel is on its way', 'Minutes of the residents’ meeting'].entries()) {
      await pop.deliver(
        'bob',
        buildMessage({
          from: 'Pat Kowalski <pat@residents.example>',
          to: 'Bob Lee <bob@pop.example>',
          subject,
          date: new Date(Date.now() - (i + 1) * 7_200_000),
          id: `pop-${i}@residents.example`,
          text: `${subject}.\n\nPat`,
        }),
      );
    }
    dns = await startDnsServer({ 'mail.example.test': { A: ['127.0.0.1'] } });
    ispdb = await startIspdb({
      'example.test': autoconfigXml('example.test', [
        { type: 'imap', host: 'mail.example.test', port: imap.ports.imaps, socketType: 'SSL', username: '%EMAILLOCALPART%' },
        { type: 'pop3', host: 'mail.example.test', port: imap.ports.pop3s, socketType: 'SSL', username: '%EMAILLOCALPART%' },
      ]),
    });
    dataDir = mkdtempSync(join(tmpdir(), 'homing-e2e-mail-'));
    app = await startDevWeb(dataDir, {
      // Every account is watched from the start, as in the app; POP3 checks every 3 s here and retries
      // come within seconds, so new mail and the server's return are seen without clicking anything.
      HOMING_WATCH_TIMING: JSON.stringify({ checkIntervalMs: 3_000, retryBaseMs: 300, retryMaxMs: 3_000, needsUserMaxMs: 10_000 }),
      HOMING_DNS_SERVERS: dns.address,
      HOMING_ISPDB_URL: ispdb.url,
      // The IMAP server's certificate verifies normally (as a provider's would); the POP3 server's does not.
      NODE_EXTRA_CA_CERTS: imap.certificate.certPath,
    });
    browser = await launchChromium();
    view = await openApp(browser, app.url);
    page = view.page;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await Promise.all([imap?.destroy(), pop?.destroy(), dns?.close(), ispdb?.close(), canary?.close()]);
  });

  it('welcomes a new user', async () => {
    await poll(() => page.getByRole('heading', { name: 'Welcome to Homing' }).count()).toBe(1);
    await screenshotBothThemes(page, 'welcome');
    await expectNoAxeViolations();
  });

  it('adds an IMAP account: autoconfig finds the server, the certificate’s own name is one click away, mail appears', async () => {
    await page.getByRole('button', { name: 'Add your mail account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accounts' });
    await dialog.getByLabel('Your name').fill('Alice Martin');
    await dialog.getByLabel('Email address').fill('alice@example.test');
    await dialog.getByLabel('Password').fill('alice-secret');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await poll(() => dialog.getByTestId('autoconfig-summary').textContent(), 30_000).toMatch(/Found IMAP and POP3 settings/);
    expect(await dialog.getByLabel('IMAP server').inputValue()).toBe('mail.example.test');
    expect(await dialog.getByLabel('Port').inputValue()).toBe(String(imap.ports.imaps));
    expect(await dialog.getByLabel('User name').inputValue()).toBe('alice');
    await screenshotBothThemes(page, 'settings');
    await expectNoAxeViolations();

    await dialog.getByRole('button', { name: 'Connect and save' }).click();
    const result = dialog.getByTestId('connection-result');
    await poll(() => result.textContent(), 30_000).toMatch(/certificate is issued for a different name/);
    await screenshotBothThemes(page, 'settings-hostname');
    await dialog.getByRole('button', { name: 'Use 127.0.0.1 instead' }).click();

    // Saved, the dialog closes, the first sync runs and the inbox fills.
    await poll(() => page.getByRole('dialog').count(), 30_000).toBe(0);
    await poll(() => row(/Five breads to bake this autumn/).count(), 60_000).toBe(1);
    const accounts = JSON.parse((await runCli(['--data-dir', dataDir, 'account', 'list', '--json'])).stdout) as Array<{ host: string; email: string }>;
    expect(accounts).toMatchObject([{ email: 'alice@example.test', host: '127.0.0.1' }]);
    expect(view.errors).toEqual([]);
  });

  it('shows the folder tree, the list with unread counts and the offline coverage', async () => {
    const tree = page.getByRole('tree', { name: 'Mailboxes' });
    await poll(() => tree.getByRole('treeitem', { name: /^Inbox\W+\d+ unread$/ }).count()).toBe(1);
    await poll(() => tree.getByRole('treeitem', { name: 'Archive' }).count()).toBe(1);
    expect(await tree.getByRole('treeitem', { name: 'Local Folders' }).count()).toBe(1);
    await tree.getByRole('treeitem', { name: /^Inbox/ }).click();
    await poll(() => page.getByTestId('offline-coverage').textContent(), 30_000).toBe('All 14 messages available offline');

    // Sorting, and the panes resize from the keyboard.
    await page.getByRole('combobox', { name: 'Sort messages' }).selectOption('date-asc');
    await poll(() => page.getByTestId('message-list').getByRole('option').first().textContent()).toMatch(/Your e-ticket/);
    await page.getByRole('combobox', { name: 'Sort messages' }).selectOption('date-desc');
    await poll(() => page.getByTestId('message-list').getByRole('option').first().textContent()).toMatch(/Quarterly report/);
    const splitter = page.getByRole('separator', { name: 'Resize message list' });
    const width = Number(await splitter.getAttribute('aria-valuenow'));
    await splitter.focus();
    await page.keyboard.press('ArrowRight');
    await poll(() => splitter.getAttribute('aria-valuenow')).toBe(String(width + 12));
    await page.keyboard.press('ArrowLeft');
    await screenshotBothThemes(page, 'inbox');
    await expectNoAxeViolations();
  });

  it('reads an HTML newsletter: inline image shown, remote images blocked with the bar', async () => {
    await row(/Five breads to bake this autumn/).click();
    const frame = page.frameLocator('iframe[data-testid="message-frame"]');
    await poll(() => frame.getByRole('heading', { name: 'Five breads to bake this autumn' }).count()).toBe(1);
    // The cid: logo became a data: URL; the remote pictures have no source at all.
    expect(await frame.getByRole('img', { name: 'The Weekly Loaf' }).getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await frame.getByRole('img', { name: 'Five loaves on a board' }).getAttribute('src')).toMatch(/^data:image\/gif;base64,/);
    await poll(() => page.getByRole('region', { name: 'Remote content' }).textContent()).toMatch(/Remote content blocked/);
    await screenshotBothThemes(page, 'reader');
    await expectNoAxeViolations();
  });

  it('opens hostile HTML: no script runs, no dialog opens, the canary hears nothing until remote content is loaded', async () => {
    expect(canary.requests).toEqual([]);
    await row(/Quarterly report/).click();
    const frame = page.frameLocator('iframe[data-testid="message-frame"]');
    await poll(() => frame.getByRole('heading', { name: 'Quarterly report' }).count()).toBe(1);
    // Let everything that could load or run have its chance.
    await page.waitForTimeout(1000);
    expect(canary.requests).toEqual([]);
    expect(view.dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __homingCanary?: unknown }).__homingCanary ?? null)).toBeNull();
    // Links open outside (target=_blank, no opener); the javascript: link has no target at all.
    expect(await frame.locator('#safe-link').getAttribute('target')).toBe('_blank');
    expect(await frame.locator('#safe-link').getAttribute('rel')).toBe('noopener noreferrer');
    expect(await frame.locator('#js-link').getAttribute('href')).toBeNull();
    expect(await page.locator('iframe[data-testid="message-frame"]').getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');

    await page.getByRole('button', { name: 'Load for this message' }).click();
    await poll(() => canary.requests.filter((r) => r.startsWith('/pixel.gif')).length).toBe(1);
    await page.waitForTimeout(500);
    expect(view.dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __homingCanary?: unknown }).__homingCanary ?? null)).toBeNull();

    // "Load for this message" lasts while it is open; "always for this sender" is remembered by the store.
    await row(/Five breads/).click();
    await row(/Quarterly report/).click();
    await poll(() => page.getByRole('region', { name: 'Remote content' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Always for this sender' }).click();
    await poll(() => page.getByRole('region', { name: 'Remote content' }).count()).toBe(0);
    await row(/Five breads/).click();
    await row(/Quarterly report/).click();
    await poll(() => frame.getByRole('heading', { name: 'Quarterly report' }).count()).toBe(1);
    expect(await page.getByRole('region', { name: 'Remote content' }).count()).toBe(0);
    expect(view.dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __homingCanary?: unknown }).__homingCanary ?? null)).toBeNull();
    expect(view.errors).toEqual([]);
  });

  it('searches every folder with the query language and highlights the matches', async () => {
    await page.keyboard.press('/');
    await page.keyboard.type('subject:autumn');
    await page.keyboard.press('Enter');
    await poll(() => page.getByRole('heading', { name: 'Search results' }).count()).toBe(1);
    await poll(() => row(/Five breads/).count()).toBe(1);
    expect(await row(/Five breads/).locator('mark').first().textContent()).toMatch(/autumn/i);

    await page.getByRole('searchbox', { name: 'Search all mail' }).fill('from:hannah');
    await page.keyboard.press('Enter');
    // Two in the inbox and the copy in Archive: search crosses folders.
    await poll(() => page.getByTestId('list-count').textContent()).toMatch(/^3 matches for “from:hannah”/);
    await screenshotBothThemes(page, 'search');
    await expectNoAxeViolations();
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('heading', { name: 'Search results' }).count()).toBe(0);
  });

  it('shows a conversation, and moves and acts with the keyboard; a flag reaches the server', async () => {
    await row(/Re: Photos from the Lisbon trip/).first().click();
    await page.keyboard.press('Enter');
    const conversation = page.getByRole('region', { name: 'Conversation' });
    await poll(() => conversation.getByRole('listitem').count()).toBe(4);
    await screenshotBothThemes(page, 'conversation');

    await page.getByTestId('message-list').focus();
    await page.keyboard.press('j');
    const focusedName = async () => page.locator('[role="option"][aria-selected="true"]').textContent();
    // Newest first: after the Lisbon reply come the newsletter, and above it the hostile report.
    await expect.poll(focusedName).toMatch(/^The Weekly Loaf/);
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await expect.poll(focusedName).toMatch(/^(Unread, )?Finance Team/);

    await row(/Your invoice for October/).click();
    await page.keyboard.press('s');
    await poll(() => row(/Your invoice for October/).getByRole('img', { name: 'flagged' }).count()).toBe(1);
    await expect
      .poll(async () => (await serverFiles(imap, 'alice', 'INBOX')).find((f) => f.bytes.includes('inv-1031@hostingco.example'))?.flags ?? '', {
        timeout: 60_000,
      })
      .toContain('F');

    // The context menu offers the same actions, from the mouse or the keyboard.
    await row(/Your invoice for October/).click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Message actions' });
    await poll(() => menu.getByRole('menuitem').allTextContents()).toEqual(['ReplyCtrl+R', 'Reply allCtrl+Shift+R', 'ForwardCtrl+L', 'Forward as attachment', 'Mark as unreadu', 'Remove flags', 'Archivea', 'Tags…l', 'Move to…v', 'Delete#', 'Junk!']);
    await page.keyboard.press('Escape');
    await poll(() => menu.count()).toBe(0);

    await page.keyboard.press('?');
    await poll(() => page.getByRole('dialog', { name: 'Keyboard shortcuts' }).count()).toBe(1);
    await screenshotBothThemes(page, 'shortcuts');
    await expectNoAxeViolations();
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('saves an attachment, shows plain text and the source, moves and deletes with the keyboard', async () => {
    const frame = page.frameLocator('iframe[data-testid="message-frame"]');
    await row(/Your invoice for October/).click();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: /^Save invoice-2024-10\.pdf/ }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('invoice-2024-10.pdf');
    expect(readFileSync(await file.path())).toEqual(Buffer.from('%PDF-1.4\n% not really a PDF\n'));

    await page.keyboard.press('Control+u');
    await poll(() => frame.locator('body').textContent()).toContain('Message-ID: <inv-1031@hostingco.example>');
    await page.keyboard.press('Control+u');
    await poll(() => frame.locator('body').textContent()).toMatch(/^Dear customer/);

    await row(/Five breads/).click();
    await poll(() => frame.getByRole('heading', { name: 'Five breads to bake this autumn' }).count()).toBe(1);
    await page.keyboard.press('Shift+T');
    await poll(() => frame.locator('body').textContent()).toMatch(/Read online: https:\/\/weeklyloaf\.example\/42/);
    await page.keyboard.press('Shift+T');
    await poll(() => frame.getByRole('heading', { name: 'Five breads to bake this autumn' }).count()).toBe(1);

    await row(/Dinner on Saturday/).click();
    await page.keyboard.press('v');
    const picker = page.getByRole('dialog', { name: 'Move message to…' });
    await poll(() => picker.count()).toBe(1);
    await page.keyboard.type('Archive');
    await page.keyboard.press('Enter');
    await poll(() => row(/Dinner on Saturday/).count()).toBe(0);
    await expect
      .poll(async () => (await serverFiles(imap, 'alice', 'Archive')).some((f) => f.bytes.includes('dinner-1@bennett.example')), { timeout: 60_000 })
      .toBe(true);

    await row(/Your e-ticket/).click();
    await page.keyboard.press('#');
    await poll(() => row(/Your e-ticket/).count()).toBe(0);
    // The focus walked on to a neighbour, still in the list.
    expect(await page.locator('[role="option"][aria-selected="true"]').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('listbox');
    await expect
      .poll(async () => (await serverFiles(imap, 'alice', 'Trash')).some((f) => f.bytes.includes('ticket-5@rail.example')), { timeout: 60_000 })
      .toBe(true);
    expect(view.errors).toEqual([]);
  });

  it('adds a POP3 account by hand and trusts its self-signed certificate by fingerprint', async () => {
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accounts' });
    await dialog.getByRole('button', { name: 'Add account' }).click();
    await dialog.getByLabel('Email address').fill('bob@pop.example');
    await dialog.getByLabel('Password').fill('bob-secret');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await poll(() => dialog.getByTestId('autoconfig-summary').count(), 60_000).toBe(1);
    await dialog.getByRole('radio', { name: /POP3/ }).check();
    await dialog.getByLabel('POP3 server').fill('127.0.0.1');
    await dialog.getByLabel('Port').fill(String(pop.ports.pop3s));
    await dialog.getByLabel('Security').selectOption('tls');
    await dialog.getByLabel('User name').fill('bob');
    await dialog.getByRole('button', { name: 'Connect and save' }).click();
    const result = dialog.getByTestId('connection-result');
    await poll(() => result.textContent(), 30_000).toMatch(/not signed by an authority this computer trusts/);
    const shown = (await dialog.getByTestId('certificate-fingerprint').textContent())!.replace(/:/g, '').toLowerCase();
    expect(shown).toBe(pop.certificate.fingerprint256);
    await screenshotBothThemes(page, 'certificate');
    await expectNoAxeViolations();
    await dialog.getByRole('button', { name: 'Trust this certificate' }).click();
    await poll(() => page.getByRole('dialog').count(), 30_000).toBe(0);

    await page.getByRole('tree', { name: 'Mailboxes' }).getByRole('treeitem', { name: /^All Inboxes/ }).click();
    await poll(() => row(/Your parcel is on its way/).count(), 60_000).toBe(1);

    // New mail reaches both accounts by itself: adding the second account left the first one's IDLE alone.
    await imap.deliver('alice', newMail('Tea on Thursday?', 'tea-1'));
    await pop.deliver('bob', newMail('Bins are collected on Friday this week', 'bins-1'));
    await poll(() => row(/Tea on Thursday/).count(), 30_000).toBe(1);
    await poll(() => row(/Bins are collected on Friday/).count(), 30_000).toBe(1);
    await poll(() => accountSummary(/Alice Martin|alice@example\.test/), 30_000).toBe('Live — up to date');
  });

  it('edits an account’s POP3 server-copy policy and check interval', async () => {
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accounts' });
    await dialog.getByRole('button', { name: /bob@pop\.example/ }).click();
    await dialog.getByLabel('Check for new mail').selectOption('5');
    await dialog.getByTestId('pop3-policy').getByRole('radio', { name: /Delete from the server after/ }).check();
    await dialog.getByLabel('Days before deleting from the server').fill('30');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await poll(() => dialog.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);
    await screenshotBothThemes(page, 'settings-account');
    await page.keyboard.press('Escape');
    const accounts = JSON.parse((await runCli(['--data-dir', dataDir, 'account', 'list', '--json'])).stdout) as Array<{
      email: string;
      settings: { checkIntervalMinutes: number; pop3Delete: unknown };
    }>;
    expect(accounts.find((a) => a.email === 'bob@pop.example')?.settings).toMatchObject({
      checkIntervalMinutes: 5,
      pop3Delete: { kind: 'after-days', days: 30 },
    });
  });

  it('a wrong POP3 password typed in the account’s settings is said once, and put right in place', async () => {
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accounts' });
    await dialog.getByRole('button', { name: /bob@pop\.example/ }).click();
    await dialog.getByLabel('Password', { exact: true }).fill('not-bobs-password');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const result = dialog.getByTestId('connection-result');
    await poll(() => result.textContent(), 30_000).toMatch(/rejected/);
    // The code's meaning once, then the server's words: not 'The server rejected the user name or password.
    // The server rejected the user name or password: Authentication failed.'
    const said = (await result.locator('.connection-result-body').innerText()).replace(/\n/g, ' ');
    expect(said.match(/rejected the user name or password/g)).toHaveLength(1);
    expect(said).toMatch(/Authentication failed/);
    await result.getByLabel('Enter password for bob@pop.example').fill('bob-secret');
    await page.keyboard.press('Enter');
    await poll(() => dialog.getByRole('status').filter({ hasText: 'Saved.' }).count(), 30_000).toBe(1);
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('with Dovecot stopped, mail still opens and search still finds it; marking read reaches the server after restart', async () => {
    await Promise.all([imap.stop(), pop.stop()]);
    // Nobody clicks "Check": the IDLE connection notices the server gone, the POP3 check fails on its own.
    await poll(() => page.getByTestId('offline-indicator').count(), 60_000).toBe(1);
    await poll(() => accountSummary(/Alice Martin|alice@example\.test/), 30_000).toMatch(/^Offline since \d/);

    // An unread message, opened offline: it shows, and opening it marks it read locally.
    await page.getByRole('tree', { name: 'Mailboxes' }).getByRole('treeitem', { name: /^All Inboxes/ }).click();
    await row(/Your statement is ready/).click();
    const frame = page.frameLocator('iframe[data-testid="message-frame"]');
    await poll(() => frame.locator('body').textContent()).toMatch(/monthly statement is ready/);
    await poll(() => row(/Your statement is ready/).getByRole('img', { name: 'change waiting for the server' }).count()).toBe(1);
    // The status says so too, and never "up to date" while the server is down and a change waits.
    await poll(() => accountDetail(/Alice Martin|alice@example\.test/)).toMatch(/1 change waiting/);
    expect(await page.getByTestId('sync-status').textContent()).not.toMatch(/up to date/i);

    await page.keyboard.press('/');
    await page.keyboard.type('statement');
    await page.keyboard.press('Enter');
    await poll(() => row(/Your statement is ready/).count()).toBe(1);
    await row(/Your statement is ready/).click();
    await poll(() => frame.locator('body').textContent()).toMatch(/monthly statement is ready/);
    await screenshotBothThemes(page, 'offline');
    await page.keyboard.press('Escape');

    // Back up: the account reconnects by itself (backoff), sends the change once, and the marks clear.
    await imap.start();
    await expect
      .poll(async () => (await serverFiles(imap, 'alice', 'INBOX')).find((f) => f.bytes.includes('stmt-10@bank.example'))?.flags ?? '', {
        timeout: 90_000,
      })
      .toContain('S');
    await poll(() => accountSummary(/Alice Martin|alice@example\.test/), 30_000).toBe('Live — up to date');
    await poll(() => row(/Your statement is ready/).getByRole('img', { name: 'change waiting for the server' }).count()).toBe(0);
    await pop.start();
    await imap.deliver('alice', newMail('The plumber comes at nine', 'plumber-1'));
    await pop.deliver('bob', newMail('Residents’ garden day', 'garden-1'));
    await poll(() => row(/The plumber comes at nine/).count(), 30_000).toBe(1);
    await poll(() => row(/Residents’ garden day/).count(), 30_000).toBe(1);
    await poll(() => page.getByTestId('offline-indicator').count()).toBe(0);
    expect(view.errors).toEqual([]);
    expect(view.dialogs).toEqual([]);
  });

  it('removes an account after asking, with all of its local mail', async () => {
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accounts' });
    await dialog.getByRole('button', { name: /bob@pop\.example/ }).click();
    await dialog.getByRole('button', { name: 'Remove account…' }).click();
    await poll(() => dialog.getByRole('alertdialog').textContent()).toMatch(/Remove bob@pop\.example and all of its mail from this computer\?/);
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await poll(() => dialog.getByRole('button', { name: /bob@pop\.example/ }).count(), 30_000).toBe(0);
    // Said, and the focus stays in the dialog (it fell to the document with the Remove button), on the account
    // shown now, whose page starts at its top (it opened scrolled down to its own Remove account… button).
    await poll(() => dialog.getByRole('status').filter({ hasText: 'Removed bob@pop.example and its mail from this computer.' }).count()).toBe(1);
    await poll(() => page.evaluate(() => document.activeElement?.closest('dialog') !== null && document.activeElement?.getAttribute('aria-current') === 'true')).toBe(true);
    expect(await dialog.locator('.settings-main').evaluate((el) => el.scrollTop)).toBe(0);
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('tree', { name: 'Mailboxes' }).getByRole('treeitem', { name: /bob@pop\.example/i }).count()).toBe(0);
    await poll(() => row(/Your parcel is on its way/).count()).toBe(0);
    expect(view.errors).toEqual([]);
  });
});
