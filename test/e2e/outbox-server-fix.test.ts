import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ComposeWorld, outboxItem, PASSWORDS, startComposeWorld } from '../helpers/compose-e2e';
import { withMessageId } from '../helpers/delivered-mail';
import { axeViolations } from '../helpers/e2e-app';
import { type DnsServer, startDnsServer } from '../servers/dns-server';
import { freePort } from '../servers/free-port';

/**
 * Messages waiting in the Outbox on the outgoing server's settings, fixed where they wait (Chromium, Postfix
 * and Dovecot). Before, a wrong port, a port speaking the other security, a refused password or a
 * certificate for the provider's own server name left the row with Send now, Edit and Discard: sending
 * again failed the same way, and the user had to find the account's outgoing server settings. Each fix
 * tests the changed server first (a wrong password is refused with nothing saved), saves it through
 * updateAccount, sends the message once, and the row leaves the Outbox.
 */
const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });

async function waitingEntry(world: ComposeWorld, subject: string, code: string): Promise<Locator> {
  const { bridge, page } = world;
  const queued = await bridge.api.sendMessage({
    content: { accountId: world.accountId, to: [{ name: '', address: 'bob@example.test' }], subject, text: `${subject}\n` },
    delaySeconds: 0,
  });
  await bridge.api.flushOutbox({ ids: [queued.id] });
  const waiting = await outboxItem(world, subject, 'queued');
  expect(waiting.lastError?.code).toBe(code);
  await page.getByRole('tree', { name: 'Mailboxes' }).getByRole('treeitem', { name: /^Outbox/ }).click();
  const entry = page.getByTestId('outbox-item').filter({ hasText: subject });
  await poll(() => entry.getByTestId('outbox-server-fix').count()).toBe(1);
  return entry;
}

async function deliveredOnce(world: ComposeWorld, subject: string, entry: Locator) {
  const item = await outboxItem(world, subject);
  await world.postfix.drain();
  expect(await withMessageId(world.dovecot, 'bob', 'INBOX', item.messageId)).toHaveLength(1);
  expect(await withMessageId(world.dovecot, 'alice', 'Sent', item.messageId)).toHaveLength(1);
  await poll(() => entry.count()).toBe(0);
}

const smtpOf = async (world: ComposeWorld) => (await world.bridge.api.listAccounts({})).find((a) => a.id === world.accountId)!.smtp!;

describe('the Outbox’s way out of wrong outgoing server settings', () => {
  let world: ComposeWorld;

  beforeAll(async () => {
    world = await startComposeWorld(async () => undefined);
  }, 180_000);
  afterAll(async () => {
    await world?.close();
  });

  it('a port that refuses the connection: sending’s usual ports are offered, the right one typed in, the password asked for, and it is sent', async () => {
    const { bridge, postfix, page } = world;
    const closed = await freePort();
    await bridge.api.updateAccount({ id: world.accountId, patch: { smtp: { port: closed }, password: PASSWORDS.alice } });
    const subject = 'Waiting on a closed port';
    const entry = await waitingEntry(world, subject, 'CONNECTION_REFUSED');
    const fix = entry.getByTestId('outbox-server-fix');
    expect(await fix.textContent()).toContain(`Nothing answers on port ${closed}`);
    expect(await fix.getByRole('button', { name: 'Use SSL/TLS on port 465' }).count()).toBe(1);
    expect(await fix.getByRole('button', { name: 'Use STARTTLS on port 587' }).count()).toBe(1);
    await fix.getByLabel('Port').fill(String(postfix.ports.submissions));
    await fix.getByLabel('Security').selectOption('tls');
    await fix.getByRole('button', { name: 'Use this port' }).click();
    // Another port: the stored password is not sent there without the user typing it.
    const password = fix.getByLabel(/Enter password for alice on 127\.0\.0\.1/);
    await password.fill('not-the-password');
    await fix.getByRole('button', { name: 'Save and send' }).click();
    await poll(() => fix.getByRole('alert').textContent()).toMatch(/password/i);
    expect((await smtpOf(world)).port).toBe(closed);
    expect(await axeViolations(page)).toEqual([]);
    await password.fill(PASSWORDS.alice);
    await fix.getByRole('button', { name: 'Save and send' }).click();
    await deliveredOnce(world, subject, entry);
    const smtp = await smtpOf(world);
    // The same host keeps its certificate pin.
    expect(smtp).toMatchObject({ port: postfix.ports.submissions, security: 'tls', passwordSource: 'incoming', trustedFingerprint: postfix.certificate.fingerprint256 });
    expect(world.view.errors).toEqual([]);
  });

  it('a port that speaks STARTTLS set up as SSL/TLS: “Use STARTTLS on port N”, and it is sent', async () => {
    const { bridge, postfix } = world;
    await bridge.api.updateAccount({ id: world.accountId, patch: { smtp: { port: postfix.ports.submission, security: 'tls' }, password: PASSWORDS.alice } });
    const subject = 'Waiting on the security setting';
    const entry = await waitingEntry(world, subject, 'TLS_WRONG_PORT');
    const fix = entry.getByTestId('outbox-server-fix');
    await fix.getByRole('button', { name: `Use STARTTLS on port ${postfix.ports.submission}` }).click();
    // STARTTLS is weaker than SSL/TLS: the password is typed again for it.
    await fix.getByLabel(/Enter password for alice/).fill(PASSWORDS.alice);
    await fix.getByRole('button', { name: 'Save and send' }).click();
    await deliveredOnce(world, subject, entry);
    expect(await smtpOf(world)).toMatchObject({ port: postfix.ports.submission, security: 'starttls' });
  });

  it('a password the outgoing server refuses: entered in place, saved as its own when the incoming server has another, and it is sent', async () => {
    const { bridge, postfix } = world;
    // The outgoing server logs in as bob with alice's (incoming) password: refused.
    await bridge.api.updateAccount({ id: world.accountId, patch: { smtp: { port: postfix.ports.submissions, security: 'tls', username: 'bob' }, password: PASSWORDS.alice } });
    const subject = 'Waiting on a password';
    const entry = await waitingEntry(world, subject, 'AUTH_FAILED');
    const fix = entry.getByTestId('outbox-server-fix');
    expect(await fix.textContent()).toMatch(/did not accept the password for bob/);
    const password = fix.getByLabel(/Enter password for bob on 127\.0\.0\.1/);
    await password.fill('still-wrong');
    await fix.getByRole('button', { name: 'Save and send' }).click();
    await poll(() => fix.getByRole('alert').textContent()).toMatch(/password/i);
    expect((await smtpOf(world)).passwordSource).toBe('incoming');
    await password.fill(PASSWORDS.bob);
    await fix.getByRole('button', { name: 'Save and send' }).click();
    await deliveredOnce(world, subject, entry);
    // bob's password went to the outgoing server alone: the incoming server still logs alice in with hers.
    expect((await smtpOf(world)).passwordSource).toBe('own');
    expect(await bridge.api.testConnection({ accountId: world.accountId })).toMatchObject({ ok: true });
  });
});

/**
 * The hosting case: the account sends through mail.example.test, whose certificate names the provider's own
 * server (server42.hosting.test), verified by an authority this process trusts (as a CA-signed one would
 * be); names from a loopback DNS server.
 */
describe('the Outbox’s way out of a certificate for the provider’s server name', () => {
  let world: ComposeWorld;
  let dns: DnsServer;

  beforeAll(async () => {
    dns = await startDnsServer({ 'mail.example.test': { A: ['127.0.0.1'] }, 'server42.hosting.test': { A: ['127.0.0.1'] } });
    world = await startComposeWorld(async () => undefined, {
      // localhost too: the test's own IMAP checks of the mailboxes connect by that name.
      dovecot: { certificateNames: ['server42.hosting.test', 'localhost'] },
      env: (dovecot) => ({ HOMING_DNS_SERVERS: dns.address, NODE_EXTRA_CA_CERTS: dovecot.certificate.certPath }),
    });
  }, 180_000);
  afterAll(async () => {
    await world?.close();
    await dns?.close();
  });

  it('“Use server42.hosting.test instead” asks for the password, moves the outgoing server there, and it is sent', async () => {
    const { bridge, postfix } = world;
    await bridge.api.updateAccount({ id: world.accountId, patch: { smtp: { host: 'mail.example.test' }, password: PASSWORDS.alice } });
    const subject = 'Waiting on the server name';
    const entry = await waitingEntry(world, subject, 'TLS_CERT_HOSTNAME');
    const fix = entry.getByTestId('outbox-server-fix');
    await fix.getByRole('button', { name: 'Use server42.hosting.test instead' }).click();
    await fix.getByLabel(/Enter password for alice on server42\.hosting\.test/).fill(PASSWORDS.alice);
    await fix.getByRole('button', { name: 'Save and send' }).click();
    await deliveredOnce(world, subject, entry);
    expect(await smtpOf(world)).toMatchObject({ host: 'server42.hosting.test', port: postfix.ports.submissions, trustedFingerprint: null });
    expect(world.view.errors).toEqual([]);
  });
});
