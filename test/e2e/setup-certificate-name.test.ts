import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, autoconfigXml, openApp, startIspdb } from '../helpers/e2e-app';
import { type DnsServer, startDnsServer } from '../servers/dns-server';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type PostfixServer, startPostfix } from '../servers/postfix';

/**
 * The usual hosting case: mail.example.test serves the certificate of the provider's own server
 * (server42.hosting.test), for IMAP and SMTP alike, and autoconfig names mail.example.test for both. The
 * setup's "Use server42.hosting.test instead" moved the incoming server to the certificate's name; the
 * outgoing server autoconfig found stayed on mail.example.test, so every message sent waited in the Outbox
 * on 'The server's certificate is for server42.hosting.test, not for mail.example.test'. Found as a
 * newcomer setting an account up in dev:web. Real Dovecot and Postfix (one certificate, which this
 * process trusts as an authority, as a CA-signed one would be), names from a loopback DNS server.
 */
describe('setup on a host whose certificate names the provider’s server', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  let dns: DnsServer;
  let ispdb: Awaited<ReturnType<typeof startIspdb>>;
  let app: DevWeb;
  let browser: Browser;
  let view: AppPage;
  let page: Page;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 15_000) => expect.poll(probe, { timeout });
  const dialog = () => page.getByRole('dialog', { name: 'Accounts' });

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    dovecot = await startDovecot({ users: [{ name: 'alice', password: 'alice-secret' }], certificateNames: ['server42.hosting.test'] });
    postfix = await startPostfix({ dovecot });
    dns = await startDnsServer({ 'mail.example.test': { A: ['127.0.0.1'] }, 'server42.hosting.test': { A: ['127.0.0.1'] } });
    ispdb = await startIspdb({
      'example.test': autoconfigXml(
        'example.test',
        [{ type: 'imap', host: 'mail.example.test', port: dovecot.ports.imaps, socketType: 'SSL', username: '%EMAILLOCALPART%' }],
        [{ host: 'mail.example.test', port: postfix.ports.submissions, socketType: 'SSL', username: '%EMAILLOCALPART%' }],
      ),
    });
    app = await startDevWeb(mkdtempSync(join(tmpdir(), 'homing-e2e-cert-name-')), {
      HOMING_ISPDB_URL: ispdb.url,
      HOMING_DNS_SERVERS: dns.address,
      NODE_EXTRA_CA_CERTS: dovecot.certificate.certPath,
    });
    browser = await launchChromium();
    view = await openApp(browser, app.url);
    page = view.page;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await Promise.all([postfix?.destroy(), dns?.close(), ispdb?.close()]);
    await dovecot?.destroy();
  });

  it('"Use server42.hosting.test instead" moves the outgoing server on that host too, and it checks out', async () => {
    await page.getByRole('button', { name: 'Add your mail account' }).click();
    await dialog().getByLabel('Email address').fill('alice@example.test');
    await dialog().getByLabel('Password', { exact: true }).fill('alice-secret');
    // Where no keychain answers, the password goes to the file (the choice the dialog then asks for).
    const file = dialog().getByLabel(/In a file on this computer/);
    if ((await file.count()) > 0 && (await file.isEnabled())) await file.check();
    await dialog().getByRole('button', { name: 'Continue' }).click();
    await poll(() => dialog().getByTestId('autoconfig-summary').textContent(), 30_000).toMatch(/Found IMAP settings/);
    await dialog().getByRole('button', { name: 'Connect and save' }).click();
    const result = dialog().getByTestId('connection-result');
    await poll(() => result.textContent(), 30_000).toMatch(/server42\.hosting\.test/);
    await result.getByRole('button', { name: 'Use server42.hosting.test instead' }).click();
    await poll(() => page.getByRole('dialog').count(), 30_000).toBe(0);

    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    await poll(() => dialog().getByRole('heading', { name: /alice@example\.test/ }).count()).toBe(1);
    expect(await dialog().getByLabel('IMAP server').inputValue()).toBe('server42.hosting.test');
    // Without the fix: 'mail.example.test, port N (SSL/TLS)', and its check fails on the certificate's name.
    await poll(() => dialog().locator('.settings-main').innerText()).toMatch(new RegExp(`server42\\.hosting\\.test, port ${postfix.ports.submissions}`));
    await dialog().getByRole('button', { name: 'Change outgoing server…' }).click();
    await dialog().getByRole('button', { name: 'Check outgoing server' }).click();
    await poll(() => dialog().getByTestId('connection-result').textContent(), 30_000).toMatch(/^Connected/);
    await page.screenshot({ path: join(resultsDir, 'setup-certificate-name.png') });
    expect(view.errors).toEqual([]);
  });
});
