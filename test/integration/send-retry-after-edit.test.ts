import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailClient } from '../../shared/client';
import { serverMessages } from '../helpers/delivered-mail';
import { eventually } from '../helpers/imap-sync';
import { type SendingFixture, startSendingFixture } from '../helpers/sending-fixture';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
];

/**
 * A message queued while the outgoing server's certificate no longer matched the pinned one (rotated on
 * the server) waits 15 minutes between tries: only the user can fix it. Once the user trusts the new
 * certificate, it goes at once, as the account's watch loop reconnects at once after an edit. Before, it
 * kept waiting out the 15 minutes ("queued, TLS_CERT_CHANGED") after the fix. Found keeping homing sync
 * --watch running over a rotation of the submission server's certificate. Real Postfix and Dovecot; the
 * changed certificate is a pin that no longer matches Postfix's (what the client sees after a rotation).
 */
describe('a queued message after the user fixed its outgoing server', () => {
  let fixture: SendingFixture | undefined;
  let service: MailClient;
  let accountId = '';

  beforeAll(async () => {
    fixture = await startSendingFixture({ name: 'send-retry-edit', env: { HOMING_SENT_COPY_WAIT_MS: '0' }, dovecot: { users }, smtp: { port: 'submissions', security: 'tls' } });
    ({ service, accountId } = fixture);
    await service.syncAccounts({ accountIds: [accountId] });
    await service.startWatching({});
  });
  afterAll(() => fixture?.close());

  it('goes at once when the new certificate is trusted, and is delivered and filed once', async () => {
    const postfixPin = fixture!.postfix!.certificate.fingerprint256;
    await service.updateAccount({ id: accountId, patch: { smtp: { trustedFingerprint: 'ab'.repeat(32) }, password: 'alice-secret' } });
    const queued = await service.sendMessage({
      content: { accountId, to: [{ name: 'Bob', address: 'bob@example.test' }], cc: [], bcc: [], subject: 'Over the rotation', text: 'Sent once.\n', html: null, attachments: [], responseTo: null },
      delaySeconds: 0,
    });
    const waiting = await eventually(
      async () => (await service.listOutbox({})).find((i) => i.id === queued.id),
      (item) => item?.lastError?.code === 'TLS_CERT_CHANGED',
      30_000,
    );
    expect(waiting).toMatchObject({ state: 'queued' });
    // The 15-minute wait of an error only the user can fix.
    expect(Date.parse(waiting!.notBefore!) - Date.now()).toBeGreaterThan(10 * 60_000);

    await service.updateAccount({ id: accountId, patch: { smtp: { trustedFingerprint: postfixPin }, password: 'alice-secret' } });
    await eventually(async () => (await service.listOutbox({ includeFiled: true })).find((i) => i.id === queued.id)?.state, (state) => state === 'filed', 30_000);
    await fixture!.postfix!.drain();
    const atBob = (await serverMessages(fixture!.dovecot, 'bob')).filter((m) => m.source.includes('Subject: Over the rotation'));
    expect(atBob).toHaveLength(1);
    const inSent = (await serverMessages(fixture!.dovecot, 'alice', 'Sent')).filter((m) => m.source.includes('Subject: Over the rotation'));
    expect(inSent).toHaveLength(1);
  });
});

/**
 * The account edited while its message is being submitted with the old settings: that try fails (here the
 * old, wrong password: AUTH_FAILED, a wait of 15 minutes) after the edit's own "retry now" ran, so the
 * message waited out the old try's delay although the settings that work were already saved. Real Postfix
 * behind a fault proxy that only slows the server's bytes (so the edit lands mid-session); TLS passes
 * through it untouched.
 */
describe('a message being submitted while the account is edited', () => {
  let fixture: SendingFixture | undefined;
  let proxy: FaultProxy | undefined;

  beforeAll(async () => {
    fixture = await startSendingFixture({ name: 'send-edit-midway', env: { HOMING_SENT_COPY_WAIT_MS: '0' }, dovecot: { users }, smtp: { port: 'submissions', security: 'tls' } });
    proxy = await startFaultProxy({ host: '127.0.0.1', port: fixture.postfix!.ports.submissions });
    await fixture.service.syncAccounts({ accountIds: [fixture.accountId] });
    await fixture.service.startWatching({});
  });
  afterAll(async () => {
    await proxy?.close();
    await fixture?.close();
  });

  it('tries again at once with the new settings when the old try fails after the edit', async () => {
    const { service, accountId } = fixture!;
    // The outgoing server's own password is wrong, and its bytes come slowly (the session takes seconds).
    await service.updateAccount({ id: accountId, patch: { smtp: { port: proxy!.port, password: 'not-the-password' } } });
    proxy!.inject({ kind: 'throttle', bytesPerSecond: 400 }, 1);
    const queued = await service.sendMessage({
      content: { accountId, to: [{ name: 'Bob', address: 'bob@example.test' }], cc: [], bcc: [], subject: 'Edited midway', text: 'Sent once.\n', html: null, attachments: [], responseTo: null },
      delaySeconds: 0,
    });
    await eventually(() => proxy!.accepted, (n) => n >= 1, 10_000);
    // Mid-session: the user types the right password.
    await service.updateAccount({ id: accountId, patch: { smtp: { password: 'alice-secret' } } });
    // The old try ends with the old password refused; the message goes with the new one, not in 15 minutes.
    await eventually(
      async () => (await service.listOutbox({ includeFiled: true })).find((i) => i.id === queued.id),
      (item) => item?.state === 'filed',
      30_000,
    );
    expect(proxy!.accepted).toBeGreaterThanOrEqual(2);
    await fixture!.postfix!.drain();
    const atBob = (await serverMessages(fixture!.dovecot, 'bob')).filter((m) => m.source.includes('Subject: Edited midway'));
    expect(atBob).toHaveLength(1);
  });
});
