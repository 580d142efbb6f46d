import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeClient } from '../helpers/bridge-client';
import { launchChromium } from '../helpers/chromium';
import { type ComposeWorld, PASSWORDS, startComposeWorld } from '../helpers/compose-e2e';
import { withMessageId } from '../helpers/delivered-mail';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, autoconfigXml, axeViolations, openApp, startIspdb } from '../helpers/e2e-app';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type PostfixServer, startPostfix } from '../servers/postfix';

/**
 * The outgoing server in the settings dialog (Chromium, Postfix + Dovecot): an account without one is set
 * up there, tested first (a password typed for it, the server's self-signed certificate trusted exactly as
 * for the incoming server), stored only once the test passes, and the account then sends through it.
 */
describe('the outgoing server in the settings dialog', () => {
  let world: ComposeWorld;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });
  const dialog = () => world.page.getByRole('dialog', { name: 'Accounts' });
  const section = () => dialog().getByRole('region', { name: 'Outgoing server' });

  beforeAll(async () => {
    world = await startComposeWorld(async () => undefined);
    // Alice's account as the app would have it before: no outgoing server, so it cannot send.
    await world.bridge.api.updateAccount({ id: world.accountId, patch: { smtp: null } });
  }, 180_000);
  afterAll(async () => {
    await world?.close();
  });

  it('is set up, checked (certificate trusted in place) and stored; the account then sends through it', async () => {
    const { page, postfix } = world;
    await page.getByRole('button', { name: 'Accounts and settings' }).click();
    await poll(() => section().getByTestId('outgoing-server-summary').textContent()).toMatch(/None yet: this account cannot send mail/);
    await section().getByRole('button', { name: 'Set up outgoing server…' }).click();
    await section().locator('#edit-smtp-host').fill('127.0.0.1');
    await section().locator('#edit-smtp-port').fill(String(postfix.ports.submissions));
    await section().locator('#edit-smtp-security').selectOption('tls');
    await section().locator('#edit-smtp-password').fill(PASSWORDS.alice);
    await section().getByRole('button', { name: 'Use this outgoing server' }).click();

    // Postfix's certificate is self-signed: nothing is stored, and it can be trusted exactly, in place.
    const result = section().getByTestId('connection-result');
    await poll(() => result.textContent()).toMatch(/certificate/i);
    expect((await world.bridge.api.listAccounts({})).find((a) => a.id === world.accountId)?.smtp).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    await result.getByRole('button', { name: 'Trust this certificate' }).click();
    await poll(() => result.textContent()).toMatch(/Connected\./);
    await section().getByRole('button', { name: 'Use this outgoing server' }).click();
    await poll(() => section().getByTestId('outgoing-server-summary').textContent()).toBe(
      `127.0.0.1, port ${postfix.ports.submissions} (SSL/TLS), as alice, with its own password.`,
    );
    const account = (await world.bridge.api.listAccounts({})).find((a) => a.id === world.accountId)!;
    expect(account.smtp).toMatchObject({ host: '127.0.0.1', port: postfix.ports.submissions, security: 'tls', username: 'alice', passwordSource: 'own' });
    expect(account.smtp?.trustedFingerprint).toBe(postfix.certificate.fingerprint256);

    // And it sends.
    const queued = await world.bridge.api.sendMessage({
      content: { accountId: world.accountId, to: [{ name: '', address: 'bob@example.test' }], subject: 'Through the new outgoing server', text: 'Hello.\n' },
      delaySeconds: 0,
    });
    const [item] = await world.bridge.api.flushOutbox({ ids: [queued.id] });
    expect(item).toMatchObject({ state: 'filed' });
    await postfix.drain();
    expect(await withMessageId(world.dovecot, 'bob', 'INBOX', item!.messageId)).toHaveLength(1);
    expect(world.view.errors).toEqual([]);
  });

  it('Enter in an outgoing-server field saves the outgoing server, never the account form around it', async () => {
    const { page, postfix } = world;
    if ((await dialog().count()) === 0) await page.getByRole('button', { name: 'Accounts and settings' }).click();
    const before = (await world.bridge.api.listAccounts({})).find((a) => a.id === world.accountId)!;
    // An edit of the account form not saved yet: Enter in the outgoing section must not store it.
    await dialog().locator('#edit-name').fill('Renamed by Enter');
    await section().getByRole('button', { name: 'Change outgoing server…' }).click();
    await section().locator('#edit-smtp-port').fill(String(postfix.ports.submission));
    await section().locator('#edit-smtp-security').selectOption('starttls');
    // A stored password goes only to the server it was saved for: another port needs it typed again.
    await section().locator('#edit-smtp-password').fill(PASSWORDS.alice);
    await section().locator('#edit-smtp-host').press('Enter');

    await poll(() => section().getByTestId('outgoing-server-summary').textContent()).toBe(
      `127.0.0.1, port ${postfix.ports.submission} (STARTTLS), as alice, with its own password.`,
    );
    const after = (await world.bridge.api.listAccounts({})).find((a) => a.id === world.accountId)!;
    expect(after.name).toBe(before.name);
    expect(after.smtp).toMatchObject({ port: postfix.ports.submission, security: 'starttls' });
    expect(await dialog().locator('#edit-name').inputValue()).toBe('Renamed by Enter');
    expect(world.view.errors).toEqual([]);
  });
});

/**
 * A new account set up in the app takes the outgoing server autoconfig found with the incoming one (the
 * provider's file names both), logging in as the incoming server does; it sends at once.
 */
describe('a new account and its outgoing server from autoconfig', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  let ispdb: Awaited<ReturnType<typeof startIspdb>>;
  let app: DevWeb;
  let browser: Browser;
  let view: AppPage;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });

  beforeAll(async () => {
    dovecot = await startDovecot({ users: Object.entries(PASSWORDS).map(([name, password]) => ({ name, password })) });
    postfix = await startPostfix({ dovecot });
    ispdb = await startIspdb({
      localhost: autoconfigXml(
        'localhost',
        [{ type: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, socketType: 'SSL', username: '%EMAILLOCALPART%' }],
        [{ host: '127.0.0.1', port: postfix.ports.submissions, socketType: 'SSL', username: '%EMAILLOCALPART%' }],
      ),
    });
    // Postfix serves Dovecot's certificate, which covers 127.0.0.1: trusted like a provider's.
    app = await startDevWeb(mkdtempSync(join(tmpdir(), 'homing-e2e-outgoing-')), {
      HOMING_ISPDB_URL: ispdb.url,
      NODE_EXTRA_CA_CERTS: dovecot.certificate.certPath,
      HOMING_SENT_COPY_WAIT_MS: '0',
    });
    browser = await launchChromium();
    view = await openApp(browser, app.url);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await Promise.all([postfix?.destroy(), ispdb?.close()]);
    await dovecot?.destroy();
  });

  it('is stored with the account, and the account sends through it', async () => {
    const { page } = view;
    await page.getByRole('button', { name: 'Add your mail account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accounts' });
    await dialog.getByLabel('Email address').fill('alice@localhost');
    await dialog.getByLabel('Password').fill(PASSWORDS.alice);
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await poll(() => dialog.getByTestId('autoconfig-summary').count()).toBe(1);
    await dialog.getByRole('button', { name: 'Connect and save' }).click();
    await poll(() => page.getByRole('dialog').count()).toBe(0);

    const bridge = await bridgeClient(app.url);
    try {
      const [account] = (await bridge.api.listAccounts({})).filter((a) => a.email === 'alice@localhost');
      expect(account?.smtp).toMatchObject({ host: '127.0.0.1', port: postfix.ports.submissions, security: 'tls', username: 'alice', passwordSource: 'incoming' });
      const queued = await bridge.api.sendMessage({
        content: { accountId: account!.id, to: [{ name: '', address: 'bob@example.test' }], subject: 'From a new account', text: 'Hello.\n' },
        delaySeconds: 0,
      });
      const [item] = await bridge.api.flushOutbox({ ids: [queued.id] });
      expect(item).toMatchObject({ state: 'filed' });
      await postfix.drain();
      expect(await withMessageId(dovecot, 'bob', 'INBOX', item!.messageId)).toHaveLength(1);
    } finally {
      bridge.close();
    }
    expect(view.errors).toEqual([]);
  });
});
