import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMessageId } from '../helpers/delivered-mail';
import { type SendingFixture, startSendingFixture } from '../helpers/sending-fixture';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
];

/**
 * Submission servers that offer one SASL mechanism only: AUTH LOGIN (older cPanel Exim setups, Plesk's
 * Postfix with Courier authentication) or AUTH CRAM-MD5. Real Postfix whose SASL is Dovecot's auth
 * service, AUTH restricted to that mechanism (smtpd_sasl_mechanism_filter; Dovecot's auth_mechanisms would
 * restrict its IMAP too, and filing the Sent copy would fail), over implicit TLS and over STARTTLS: the
 * outgoing server's test, a wrong password, and a message delivered once and filed.
 */
describe.each([
  { mechanism: 'LOGIN', dovecot: 'login' },
  { mechanism: 'CRAM-MD5', dovecot: 'cram-md5' },
])('an outgoing server that offers only AUTH $mechanism (Postfix + Dovecot SASL)', ({ mechanism, dovecot: dovecotMechanism }) => {
  let fixture: SendingFixture | undefined;

  beforeAll(async () => {
    fixture = await startSendingFixture({
      name: `send-sasl-${dovecotMechanism}`,
      env: { HOMING_SENT_COPY_WAIT_MS: '0' },
      dovecot: { users },
      postfix: { saslMechanisms: [dovecotMechanism] },
      smtp: { port: 'submissions', security: 'tls' },
    });
  });
  afterAll(() => fixture?.close());

  it('is offered that mechanism alone, logs in with it, and refuses a wrong password as a password problem', async () => {
    const { service, accountId } = fixture!;
    const tested = await service.testOutgoingServer({ accountId });
    expect(tested).toMatchObject({ ok: true });
    const auth = tested.ok ? tested.capabilities.filter((c) => c.startsWith('AUTH')) : [];
    expect(auth.every((line) => line.split(/[\s=]+/).slice(1).every((m) => m === mechanism)), auth.join('; ')).toBe(true);
    expect(auth.length).toBeGreaterThan(0);
    const { host, port, security, username } = (await service.listAccounts({})).find((a) => a.id === accountId)!.smtp!;
    const wrong = await service.testOutgoingServer({ accountId, server: { host, port, security, username }, password: 'not-the-password' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
  });

  it('sends a message through it, once, over implicit TLS and over STARTTLS', async () => {
    const { service, accountId, dovecot, postfix } = fixture!;
    for (const [port, security] of [
      [postfix!.ports.submissions, 'tls'],
      [postfix!.ports.submission, 'starttls'],
    ] as const) {
      await service.updateAccount({ id: accountId, patch: { smtp: { port, security }, password: 'alice-secret' } });
      const subject = `Through AUTH ${mechanism} with ${security}`;
      const queued = await service.sendMessage({ content: { accountId, to: [{ name: 'Bob', address: 'bob@example.test' }], subject, text: `${subject}\n` }, delaySeconds: 0 });
      const [item] = await service.flushOutbox({ ids: [queued.id] });
      expect(item, JSON.stringify(item?.lastError)).toMatchObject({ state: 'filed' });
      await postfix!.drain();
      expect(await withMessageId(dovecot, 'bob', 'INBOX', item!.messageId)).toHaveLength(1);
    }
  });
});
