import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, autoconfigXml, axeViolations, openApp, screenshotBothThemes, startIspdb } from '../helpers/e2e-app';
import { buildMessage } from '../helpers/ui-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * Setting an account up and fixing it, in Chromium against a real Dovecot that refuses a wrong password
 * (issue 24 items 5, 6 and 10): the dialog's first focus, an address at a single-label domain, a wrong
 * password fixed where the failure is reported, Save that tests before it stores, the result never under
 * the footer, unsaved edits never dropped silently, one spelling of "email" and one kind of apostrophe.
 */
describe('account setup and repair in Chromium against Dovecot', () => {
  let server: DovecotServer;
  let ispdb: Awaited<ReturnType<typeof startIspdb>>;
  let app: DevWeb;
  let browser: Browser;
  let view: AppPage;
  let page: Page;

  const poll = <T>(probe: () => Promise<T> | T, timeout = 15_000) => expect.poll(probe, { timeout });
  const dialog = () => page.getByRole('dialog', { name: 'Accounts' });
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
  /** The focus is inside the element (the result took it, or a field in it did). */
  const holdsFocus = (locator: Locator) => locator.evaluate((el) => el.contains(document.activeElement));
  /** The element lies in view above the dialog's sticky footer. */
  const aboveFooter = (locator: Locator) =>
    locator.evaluate((el) => {
      const main = el.closest('.settings-main')!.getBoundingClientRect();
      const footer = el.closest('.settings-form')!.querySelector('.settings-actions')!.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return r.top >= main.top - 1 && r.bottom <= footer.top + 1;
    });
  /** What the UI says, checked for the house style: "email" (never "e-mail"), curly apostrophes only. */
  const wording: string[] = [];
  const collectWording = async () => wording.push(await page.locator('body').innerText());
  /** Each sentence of a result box once. */
  const sentences = (text: string) =>
    text
      .split(/(?<=[.!?])\s+/)
      .map((s) => s.trim())
      .filter(Boolean);

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startDovecot({ users: [{ name: 'alice', password: 'alice-secret' }] });
    await server.deliver(
      'alice',
      buildMessage({ from: 'Ines <ines@choir.example>', to: 'alice@localhost', subject: 'Welcome back', date: new Date(), id: 'welcome-1@x', text: 'Hello.' }),
    );
    // Autoconfig for "localhost" from a loopback ISPDB: IMAP over TLS on Dovecot, whose certificate covers 127.0.0.1.
    ispdb = await startIspdb({
      localhost: autoconfigXml('localhost', [{ type: 'imap', host: '127.0.0.1', port: server.ports.imaps, socketType: 'SSL', username: '%EMAILLOCALPART%' }]),
    });
    app = await startDevWeb(mkdtempSync(join(tmpdir(), 'homing-e2e-setup-')), {
      HOMING_ISPDB_URL: ispdb.url,
      NODE_EXTRA_CA_CERTS: server.certificate.certPath,
    });
    browser = await launchChromium();
    view = await openApp(browser, app.url);
    page = view.page;
    await page.setViewportSize({ width: 1024, height: 640 });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await Promise.all([server?.destroy(), ispdb?.close()]);
  });

  it('item 10: the setup dialog opens with the cursor in the email field', async () => {
    await page.getByRole('button', { name: 'Add your mail account' }).click();
    await poll(() => dialog().getByRole('heading', { name: 'Add a mail account' }).count()).toBe(1);
    await poll(focusedId).toBe('new-email');
    await collectWording();
  });

  it('item 10: closing the dialog with something typed asks before dropping it', async () => {
    await dialog().getByLabel('Email address').fill('alice@localhost');
    await page.keyboard.press('Escape');
    const prompt = dialog().getByRole('alertdialog');
    await poll(() => prompt.textContent()).toMatch(/^Discard the new account\?/);
    await screenshotBothThemes(page, 'settings-discard');
    expect(await axeViolations(page)).toEqual([]);
    await prompt.getByRole('button', { name: 'Keep editing' }).click();
    await poll(() => prompt.count()).toBe(0);
    expect(await dialog().getByLabel('Email address').inputValue()).toBe('alice@localhost');
  });

  it('item 10 and 6: alice@localhost is a whole address; the server step has a password field', async () => {
    await dialog().getByLabel('Password', { exact: true }).fill('not-her-password');
    await dialog().getByRole('button', { name: 'Continue' }).click();
    await poll(() => dialog().getByTestId('autoconfig-summary').textContent(), 30_000).toMatch(/Found IMAP settings/);
    expect(await dialog().getByLabel('IMAP server').inputValue()).toBe('127.0.0.1');
    expect(await dialog().getByLabel('Password', { exact: true }).inputValue()).toBe('not-her-password');
    await collectWording();
  });

  it('items 5 and 6: a wrong password is reported in view, once, with "Enter password" in place; fixed there, the account is saved', async () => {
    await dialog().getByRole('button', { name: 'Connect and save' }).click();
    const result = dialog().getByTestId('connection-result');
    await poll(() => result.textContent(), 30_000).toMatch(/rejected the user name or password/);
    // In view above the sticky footer, holding the focus (in the password field that fixes it).
    await poll(() => aboveFooter(result)).toBe(true);
    await poll(() => holdsFocus(result)).toBe(true);
    await poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('password');
    // Every sentence once (it used to say "rejected the user name or password" three ways).
    const said = sentences((await result.locator('.connection-result-body').innerText()).replace(/\n/g, ' '));
    expect(new Set(said).size).toBe(said.length);
    expect(said.filter((s) => /check the user name/i.test(s))).toHaveLength(1);
    await collectWording();
    await screenshotBothThemes(page, 'settings-password');
    expect(await axeViolations(page)).toEqual([]);

    await result.getByLabel('Enter password for alice@localhost').fill('alice-secret');
    await page.keyboard.press('Enter');
    await poll(() => page.getByRole('dialog').count(), 30_000).toBe(0);
    await poll(() => page.getByTestId('message-list').getByRole('option', { name: /Welcome back/ }).count(), 60_000).toBe(1);
    expect(view.errors).toEqual([]);
  });

  it('item 6: Save tests a changed password before storing it; the failure offers "Enter password" in place', async () => {
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    await poll(() => dialog().getByRole('heading', { name: /alice@localhost/ }).count()).toBe(1);
    await dialog().getByLabel('Password', { exact: true }).fill('a-typo');
    await dialog().getByRole('button', { name: 'Save' }).click();
    const result = dialog().getByTestId('connection-result');
    await poll(() => result.textContent(), 30_000).toMatch(/rejected the user name or password/);
    await poll(() => aboveFooter(result)).toBe(true);
    await poll(() => holdsFocus(result)).toBe(true);
    expect(await dialog().getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(0);
    await collectWording();

    // Nothing was stored: closing asks about the typed password; discarded, the stored one still works.
    await page.keyboard.press('Escape');
    const prompt = dialog().getByRole('alertdialog');
    await poll(() => prompt.textContent()).toMatch(/^Discard the changes to alice@localhost\?/);
    await prompt.getByRole('button', { name: 'Discard' }).click();
    await poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    await dialog().getByRole('button', { name: 'Test connection' }).click();
    await poll(() => dialog().getByTestId('connection-result').textContent(), 30_000).toMatch(/^Connected\./);
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('Save with the server unreachable offers "Save anyway", which stores the settings untested; a refused password does not', async () => {
    // A loopback port nothing listens on: the server refuses the connection, as one that is down does.
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    await poll(() => dialog().getByRole('heading', { name: /alice@localhost/ }).count()).toBe(1);
    await dialog().getByLabel('Port', { exact: true }).fill(String(closed));
    await dialog().getByLabel('Password', { exact: true }).fill('alice-secret');
    await dialog().getByRole('button', { name: 'Save', exact: true }).click();
    await poll(() => dialog().getByTestId('connection-result').textContent(), 30_000).toMatch(/refused the connection/);
    await dialog().getByRole('button', { name: 'Save anyway' }).click();
    await poll(() => dialog().getByRole('status').filter({ hasText: 'Saved without a connection test' }).count()).toBe(1);
    await poll(() => dialog().getByRole('button', { name: 'Save anyway' }).count()).toBe(0);
    // Back to the working port (tested: connected, saved); a wrong password is never offered "Save anyway".
    await dialog().getByLabel('Port', { exact: true }).fill(String(server.ports.imaps));
    await dialog().getByLabel('Password', { exact: true }).fill('a-typo');
    await dialog().getByRole('button', { name: 'Save', exact: true }).click();
    await poll(() => dialog().getByTestId('connection-result').textContent(), 30_000).toMatch(/rejected the user name or password/);
    expect(await dialog().getByRole('button', { name: 'Save anyway' }).count()).toBe(0);
    await dialog().getByLabel('Password', { exact: true }).fill('alice-secret');
    await dialog().getByRole('button', { name: 'Save', exact: true }).click();
    await poll(() => dialog().getByRole('status').filter({ hasText: /^Saved\.$/ }).count(), 30_000).toBe(1);
    await page.keyboard.press('Escape');
    await poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('item 6: when the server stops taking the stored password, the main window offers "Enter password" in place', async () => {
    // The password changes on the server (as after a reset in the provider's web interface). Dovecot
    // looks at its passwd-file at most once a second, so a login right after writing it could still be
    // let in with the old password (the connection test just before logged in): setPassword waits until
    // Dovecot's auth service takes the new one.
    await server.setPassword('alice', 'new-secret');
    await page.getByRole('button', { name: /Check alice@localhost/ }).click();
    const fix = page.getByRole('region', { name: 'Password needed' });
    await poll(() => fix.textContent(), 60_000).toMatch(/alice@localhost/);
    await collectWording();
    await screenshotBothThemes(page, 'password-needed');
    expect(await axeViolations(page)).toEqual([]);
    await fix.getByLabel('Enter password for alice@localhost').fill('wrong-again');
    await page.keyboard.press('Enter');
    await poll(() => fix.textContent(), 30_000).toMatch(/rejected the user name or password/);
    await fix.getByLabel('Enter password for alice@localhost').fill('new-secret');
    await page.keyboard.press('Enter');
    await poll(() => fix.count(), 60_000).toBe(0);
    expect(view.errors).toEqual([]);
  });

  it('item 5: in a large window the dialog uses the room', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    const box = await dialog().boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(1000);
    expect(box!.height).toBeGreaterThanOrEqual(800);
    await collectWording();
    await page.keyboard.press('Escape');
  });

  it('item 10: every screen seen says "email" and uses curly apostrophes', () => {
    const text = wording.join('\n');
    expect(text.match(/e-mail/gi) ?? []).toEqual([]);
    expect(text.match(/\p{L}'\p{L}/gu) ?? []).toEqual([]);
  });
});
