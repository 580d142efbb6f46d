import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeClient } from '../helpers/bridge-client';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, openApp } from '../helpers/e2e-app';
import { freePort } from '../servers/free-port';
import { carriesPassword, type RecordingFakeImap, startRecordingFakeImap } from '../servers/recording-fake-imap';

const SECRET = 'Stored-Secret-e2e-71a2';

/**
 * The settings dialog when the user points an account at another server: the stored password is not
 * sent there (a recording fake IMAP server on loopback shows what it was sent); the dialog asks for the
 * password in place, and with it typed the new settings are tested and saved.
 */
describe('changing an account’s server in the settings dialog', () => {
  let app: DevWeb;
  let fake: RecordingFakeImap;
  let browser: Browser;
  let view: AppPage;
  let page: Page;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    fake = await startRecordingFakeImap();
    app = await startDevWeb(join(mkdtempSync(join(tmpdir(), 'homing-e2e-scope-')), 'data'));
    const { api, close } = await bridgeClient(app.url);
    // Saved for localhost on a port where nothing listens.
    await api.addAccount({ email: 'alice@example.org', protocol: 'imap', host: 'localhost', port: await freePort(), security: 'tls', username: 'alice', password: SECRET });
    close();
    browser = await launchChromium();
    view = await openApp(browser, app.url);
    page = view.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await fake?.close();
  });

  it('asks for the password instead of sending the stored one to the new server (a fake that records what it gets)', async () => {
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accounts' });
    await poll(() => dialog.getByRole('heading', { name: /alice@example\.org/ }).count()).toBe(1);
    await dialog.getByLabel('IMAP server').fill('127.0.0.1');
    await dialog.getByLabel('Port').fill(String(fake.port));
    await dialog.getByLabel('Security').selectOption('none');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const result = dialog.getByTestId('connection-result');
    await poll(() => result.textContent()).toMatch(/Type the password for alice@example\.org again: the server name and the port changed and the connection would be less protected, and a stored password/);
    const field = result.getByLabel('Enter password for alice@example.org');
    await poll(() => field.count()).toBe(1);
    expect(fake.connections).toBe(0);
    await page.screenshot({ path: join(resultsDir, 'password-required.png') });

    await field.fill('typed-for-the-new-server');
    await page.keyboard.press('Enter');
    await poll(() => dialog.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);
    expect(carriesPassword(fake.received(), 'typed-for-the-new-server', 'alice')).toBe(true);
    expect(carriesPassword(fake.received(), SECRET, 'alice')).toBe(false);
    expect(view.errors).toEqual([]);
  });
});
