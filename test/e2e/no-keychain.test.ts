import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, autoconfigXml, axeViolations, openApp, screenshotBothThemes, startIspdb } from '../helpers/e2e-app';
import { findSecrets } from '../helpers/secret-scan';
import { buildMessage } from '../helpers/ui-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { noSecretServiceEnv } from '../servers/secret-service';

const ALICE = `alice-Pw-${process.pid}-e2e`;
const BOB = `bob-Pw-${process.pid}-e2e`;
const TYPED_THEN_ABANDONED = `never-Stored-${process.pid}`;

/**
 * The app where no keychain answers (a desktop session without a Secret Service, VAULT_UNAVAILABLE), in
 * Chromium against a real Dovecot: the settings dialog says so and offers the two other places, the plain
 * file only as a knowing choice, or a password command set with `homing`. An account added either way
 * syncs; no password lands in plain text anywhere under the data directory, in the app's output or on the
 * page unless the user chose the file.
 */
describe('no system keychain: where the password goes is the user’s choice', () => {
  let server: DovecotServer;
  let ispdb: Awaited<ReturnType<typeof startIspdb>>;
  let app: DevWeb;
  let bare: NodeJS.ProcessEnv;
  let dataDir: string;
  let browser: Browser;
  let view: AppPage;
  let page: Page;
  /** Files the user chose to hold passwords in plain text (the insecure file, once chosen). */
  const chosenFiles: string[] = [];
  const printed: Record<string, string> = {};

  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });
  const dialog = () => page.getByRole('dialog', { name: 'Accounts' });
  const row = (subject: RegExp) => page.getByTestId('message-list').getByRole('option', { name: subject });
  const choice = () => dialog().getByTestId('password-source');

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startDovecot({ users: [{ name: 'alice', password: ALICE }, { name: 'bob', password: BOB }] });
    await server.deliver('alice', buildMessage({ from: 'Ines <ines@choir.example>', to: 'alice@localhost', subject: 'Rehearsal on Thursday', date: new Date(), id: 'nokey-a@x', text: 'Hello.' }));
    await server.deliver('bob', buildMessage({ from: 'Kim <kim@example.org>', to: 'bob@localhost', subject: 'Boiler service', date: new Date(), id: 'nokey-b@x', text: 'Monday.' }));
    ispdb = await startIspdb({
      localhost: autoconfigXml('localhost', [{ type: 'imap', host: '127.0.0.1', port: server.ports.imaps, socketType: 'SSL', username: '%EMAILLOCALPART%' }]),
    });
    bare = await noSecretServiceEnv();
    dataDir = join(mkdtempSync(join(tmpdir(), 'homing-e2e-nokey-')), 'data');
    app = await startDevWeb(dataDir, { ...bare, HOMING_ISPDB_URL: ispdb.url, NODE_EXTRA_CA_CERTS: server.certificate.certPath });
    browser = await launchChromium();
    view = await openApp(browser, app.url);
    page = view.page;
  }, 120_000);

  afterEach(async () => {
    // After every step: no password under the data directory (but the file the user chose), in what the
    // app or the CLI printed, or in what the page shows and keeps (a field the user is typing in holds it, of course).
    const pageText = page ? await page.evaluate(() => `${document.body.innerText}\n${JSON.stringify({ ...localStorage })}\n${JSON.stringify({ ...sessionStorage })}`) : '';
    expect(findSecrets([ALICE, BOB, TYPED_THEN_ABANDONED], { dirs: [dataDir], texts: { ...printed, devWeb: app.stderr(), page: pageText }, allowFiles: chosenFiles })).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await Promise.all([server?.destroy(), ispdb?.close()]);
  });

  it('the new-account dialog says no keychain answers and offers the plain file or a password command, nothing chosen for the user', async () => {
    await page.getByRole('button', { name: 'Add your mail account' }).click();
    await poll(() => choice().count()).toBe(1);
    await poll(() => choice().getByRole('status').textContent()).toMatch(/^No system keychain answers on this computer/);
    const keychain = choice().getByRole('radio', { name: 'In the system keychain' });
    const file = choice().getByRole('radio', { name: /^In a file on this computer, not encrypted/ });
    expect(await keychain.isDisabled()).toBe(true);
    expect(await keychain.isChecked()).toBe(false);
    expect(await file.isChecked()).toBe(false);
    expect(await choice().textContent()).toContain("homing account add … --password-command 'pass show mail/me'");
    // The sentence reads as one: its closing full stop follows the command, not stranded at the far right.
    const gap = await choice().locator('code').evaluate((code) => {
      const after = document.createRange();
      after.selectNodeContents(code.nextSibling!);
      const codeRects = code.getClientRects();
      return after.getBoundingClientRect().left - codeRects[codeRects.length - 1]!.right;
    });
    expect(gap).toBeLessThan(4);
    await screenshotBothThemes(page, 'no-keychain');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('without a choice nothing is stored anywhere: the dialog asks where to keep the password', async () => {
    await dialog().getByLabel('Email address').fill('alice@localhost');
    await dialog().getByLabel('Password', { exact: true }).fill(TYPED_THEN_ABANDONED);
    await dialog().getByRole('button', { name: 'Continue' }).click();
    await poll(() => dialog().getByRole('alert').textContent()).toMatch(/Choose where to keep the password/);
    expect(await dialog().getByRole('heading', { name: 'Add a mail account' }).count()).toBe(1);
    const listed = await runCli(['--data-dir', dataDir, 'account', 'list', '--json'], { env: bare });
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('the plain file, chosen knowingly: the account is added, syncs, and its password is only in that 0600 file', async () => {
    await dialog().getByLabel('Password', { exact: true }).fill(ALICE);
    await choice().getByRole('radio', { name: /^In a file on this computer, not encrypted/ }).check();
    const file = join(dataDir, 'insecure-passwords.json');
    chosenFiles.push(file);
    await dialog().getByRole('button', { name: 'Continue' }).click();
    await poll(() => dialog().getByTestId('autoconfig-summary').textContent()).toMatch(/Found IMAP settings/);
    await dialog().getByRole('button', { name: 'Connect and save' }).click();
    await poll(() => page.getByRole('dialog').count(), 60_000).toBe(0);
    await poll(() => row(/Rehearsal on Thursday/).count(), 60_000).toBe(1);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.values(stored)).toEqual([ALICE]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The settings say where it is kept.
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    await poll(() => choice().getByRole('radio', { name: /^In a file on this computer, not encrypted/ }).isChecked()).toBe(true);
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(view.errors).toEqual([]);
  });

  it('a password command set with homing while the app runs: the account syncs in the app, its password stored nowhere', async () => {
    const secrets = mkdtempSync(join(tmpdir(), 'homing-pass-store-'));
    const script = join(secrets, 'print-bob');
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' '${BOB}'\n`);
    chmodSync(script, 0o700);
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'bob@localhost', '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(server.ports.imaps),
        '--security', 'tls', '--username', 'bob', '--trust-fingerprint', server.certificate.fingerprint256, '--password-command', script],
      { env: bare },
    );
    printed['homing account add'] = added.stdout + added.stderr;
    expect(added.status, added.stderr).toBe(0);
    await page.getByRole('tree', { name: 'Mailboxes' }).getByRole('treeitem', { name: /^All Inboxes/ }).click();
    await poll(() => row(/Boiler service/).count(), 60_000).toBe(1);
    expect(await row(/Rehearsal on Thursday/).count()).toBe(1);

    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    await dialog().getByRole('button', { name: /bob@localhost/ }).click();
    await poll(() => choice().textContent()).toContain(`The password comes from the command ${script}, run at each login.`);
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('dialog').count()).toBe(0);
    const stored = JSON.parse(readFileSync(join(dataDir, 'insecure-passwords.json'), 'utf8')) as Record<string, string>;
    expect(Object.values(stored)).toEqual([ALICE]);
    expect(view.errors).toEqual([]);
  });
});
