import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailClient } from '../../shared/client';
import { serverMessages } from '../helpers/delivered-mail';
import { eventually } from '../helpers/imap-sync';
import { type SendingFixture, startSendingFixture } from '../helpers/sending-fixture';
import { type PostfixServer, startPostfix } from '../servers/postfix';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
];

/**
 * A hosting server with a certificate no authority signed serves IMAP and SMTP under one name with that one
 * certificate. The user trusts it while adding the account (the setup's trust flow pins it for the
 * incoming server), and autoconfig's outgoing server on the same host is taken without a test. Before,
 * that outgoing server had no pin: the first message sent waited in the Outbox with "The server’s
 * certificate is not signed by an authority this computer trusts… trust exactly this certificate", with
 * no way to trust it there. Found adding an account in the app (dev:web) on Dovecot and Postfix sharing a
 * self-signed certificate and replying to a message. Real Postfix and Dovecot, no CA: only a pin makes
 * their certificate acceptable.
 */
describe('the outgoing server on the host whose certificate the user trusted', () => {
  let fixture: SendingFixture | undefined;
  let postfix: PostfixServer | undefined;
  let service: MailClient;

  beforeAll(async () => {
    fixture = await startSendingFixture({ name: 'send-trusted-cert', env: { HOMING_SENT_COPY_WAIT_MS: '0' }, dovecot: { users } });
    postfix = await startPostfix({ dovecot: fixture.dovecot });
    service = fixture.service;
  });
  afterAll(async () => {
    await postfix?.destroy();
    await fixture?.close();
  });

  /** Sends a message from `accountId` to alice now, and expects it sent and filed without an error. */
  async function sendFrom(accountId: string, subject: string): Promise<void> {
    const queued = await service.sendMessage({
      content: { accountId, to: [{ name: 'Alice', address: 'alice@example.test' }], cc: [], bcc: [], subject, text: 'Hello.\n', html: null, attachments: [], responseTo: null },
      delaySeconds: 0,
    });
    await service.flushOutbox({ ids: [queued.id] });
    const done = await eventually(
      async () => (await service.listOutbox({ includeFiled: true })).find((i) => i.id === queued.id),
      (item) => item?.state === 'filed' || item?.lastError != null,
      30_000,
    );
    expect(done?.lastError ?? null).toBeNull();
  }

  /** The bob account an earlier case added goes, so each case adds it afresh. */
  const removeBob = async () => service.removeAccount({ id: (await service.listAccounts({})).find((a) => a.email === 'bob@example.test')!.id, confirm: true });

  /** Bob's IMAP account with the Dovecot certificate trusted for it, and this outgoing server (or none). */
  const addBob = (smtp?: { host: string; port: number; security: 'tls'; trustedFingerprint?: string | null }) =>
    service.addAccount({
      email: 'bob@example.test',
      protocol: 'imap',
      host: '127.0.0.1',
      port: fixture!.dovecot.ports.imaps,
      security: 'tls',
      username: 'bob',
      password: 'bob-secret',
      trustedFingerprint: fixture!.dovecot.certificate.fingerprint256,
      ...(smtp ? { smtp } : {}),
    });

  it('trusts the same certificate for it, so the first message is sent', async () => {
    const pin = fixture!.dovecot.certificate.fingerprint256;
    const bob = await addBob({ host: '127.0.0.1', port: postfix!.ports.submissions, security: 'tls' });
    expect(bob.smtp?.trustedFingerprint).toBe(pin);
    await sendFrom(bob.id, 'First message from bob');
    await postfix!.drain();
    const atAlice = (await serverMessages(fixture!.dovecot, 'alice')).filter((m) => m.source.includes('Subject: First message from bob'));
    expect(atAlice).toHaveLength(1);
  });

  it('an outgoing server added later on that host (homing account edit --smtp-host) trusts it too', async () => {
    // Found as a newcomer: account add --trust-fingerprint, then account edit --smtp-host on the same name,
    // and homing send said TLS_CERT_UNTRUSTED for the certificate trusted minutes before.
    const pin = fixture!.dovecot.certificate.fingerprint256;
    await removeBob();
    const bob = await addBob();
    expect(bob.smtp).toBeNull();
    const edited = await service.updateAccount({ id: bob.id, patch: { smtp: { host: '127.0.0.1', port: postfix!.ports.submissions, security: 'tls' }, password: 'bob-secret' } });
    expect(edited.smtp?.trustedFingerprint).toBe(pin);
    await sendFrom(bob.id, 'Sent through the outgoing server added later');
    // Moved to another host it is verified normally again; an explicit "none" stays none.
    const moved = await service.updateAccount({ id: bob.id, patch: { smtp: { host: 'localhost' }, password: 'bob-secret' } });
    expect(moved.smtp?.trustedFingerprint).toBeNull();
    const none = await service.updateAccount({ id: bob.id, patch: { smtp: { host: '127.0.0.1', trustedFingerprint: null }, password: 'bob-secret' } });
    expect(none.smtp?.trustedFingerprint).toBeNull();
  });

  it('keeps what was asked: another host gets no pin, an outgoing pin given (or none) stays', async () => {
    const other = 'ab'.repeat(32);
    await removeBob();
    const elsewhere = await addBob({ host: 'localhost', port: postfix!.ports.submissions, security: 'tls' });
    expect(elsewhere.smtp?.trustedFingerprint).toBeNull();
    const given = await service.updateAccount({ id: elsewhere.id, patch: { smtp: { host: '127.0.0.1', trustedFingerprint: other }, password: 'bob-secret' } });
    expect(given.smtp?.trustedFingerprint).toBe(other);
    await service.removeAccount({ id: elsewhere.id, confirm: true });
    const refused = await addBob({ host: '127.0.0.1', port: postfix!.ports.submissions, security: 'tls', trustedFingerprint: null });
    expect(refused.smtp?.trustedFingerprint).toBeNull();
  });
});
