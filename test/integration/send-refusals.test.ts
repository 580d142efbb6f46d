import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailClient } from '../../shared/client';
import type { OutboxItem } from '../../shared/contract/outgoing';
import { serverMessages, withMessageId } from '../helpers/delivered-mail';
import { type SendingFixture, startSendingFixture } from '../helpers/sending-fixture';
import type { DovecotServer } from '../servers/dovecot';
import type { PostfixServer } from '../servers/postfix';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
];

/**
 * Bad input against the real Postfix, configured as hosting providers do: a 25 MB SIZE, no SMTPUTF8, and
 * senders limited to the logged-in user's own address. Each ends in a coded error saying what is wrong,
 * with nothing lost; and a server with no Sent folder gets one.
 */
describe('sending what the server refuses (Postfix + Dovecot)', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  let service: MailClient;
  let accountId = '';
  let fixture: SendingFixture | undefined;

  beforeAll(async () => {
    fixture = await startSendingFixture({
      name: 'send-refusals',
      env: { HOMING_SENT_COPY_WAIT_MS: '0' },
      // No Sent (nor any special-use folder) on this server: the first filing has to make one.
      dovecot: { users, noSpecialFolders: true },
      postfix: { messageSizeLimit: 25 * 1024 * 1024, smtputf8: false, senderLoginCheck: true },
      smtp: { port: 'submission', security: 'starttls' },
    });
    ({ dovecot, service, accountId } = fixture);
    postfix = fixture.postfix!;
  });
  afterAll(() => fixture?.close());

  async function sendOne(subject: string, extra: { to?: string | string[]; identityId?: number; attachment?: Buffer } = {}): Promise<OutboxItem> {
    const queued = await service.sendMessage({
      content: {
        accountId,
        ...(extra.identityId ? { identityId: extra.identityId } : {}),
        to: [extra.to ?? 'bob@example.test'].flat().map((address) => ({ name: '', address })),
        subject,
        text: `${subject}\n`,
        attachments: extra.attachment ? [{ kind: 'data', filename: 'big.bin', contentType: 'application/octet-stream', base64: extra.attachment.toString('base64') }] : [],
      },
      delaySeconds: 0,
    });
    const [after] = await service.flushOutbox({ ids: [queued.id] });
    return after!;
  }

  it('no Sent folder on the server: one is made, and the copy filed there once', async () => {
    const item = await sendOne('first message, no Sent yet');
    expect(item).toMatchObject({ state: 'filed', sentCopy: 'appended' });
    expect(await withMessageId(dovecot, 'alice', 'Sent', item.messageId)).toHaveLength(1);
  });

  it('remembers the SIZE the server announced once it was reached (the composer warns above it)', async () => {
    const account = (await service.listAccounts({})).find((a) => a.id === accountId);
    expect(account?.smtp?.sizeLimit).toBe(25 * 1024 * 1024);
  });

  it('a wrong outgoing password: AUTH_FAILED, and the message stays queued', async () => {
    await service.updateAccount({ id: accountId, patch: { smtp: { password: 'not-the-password' } } });
    try {
      const item = await sendOne('wrong password');
      expect(item).toMatchObject({ state: 'queued', lastError: { code: 'AUTH_FAILED' } });
      // Fixed: the same message goes, once.
      await service.updateAccount({ id: accountId, patch: { smtp: { password: 'alice-secret' } } });
      await service.retryOutbox({ id: item.id });
      expect((await service.flushOutbox({ ids: [item.id] }))[0]).toMatchObject({ state: 'filed' });
      await postfix.drain();
      expect(await withMessageId(dovecot, 'bob', 'INBOX', item.messageId)).toHaveLength(1);
    } finally {
      await service.updateAccount({ id: accountId, patch: { smtp: { password: 'alice-secret' } } });
    }
  });

  it('a sender address the server will not take: SENDER_REFUSED naming it, back to the user', async () => {
    const other = await service.saveIdentity({ accountId, name: 'Not Alice', address: 'mallory@example.test' });
    const item = await sendOne('from someone else', { identityId: other.id });
    expect(item).toMatchObject({ state: 'failed', lastError: { code: 'SENDER_REFUSED' } });
    expect(item.lastError?.message).toContain('mallory@example.test');
  });

  it('a 40 MB attachment against a 25 MB SIZE: MESSAGE_TOO_LARGE with both numbers, refused before anything is uploaded', async () => {
    const before = (await postfix.log()).length;
    const item = await sendOne('too large', { attachment: Buffer.alloc(40 * 1024 * 1024, 1) });
    expect(item).toMatchObject({ state: 'failed', lastError: { code: 'MESSAGE_TOO_LARGE', detail: { limit: 25 * 1024 * 1024, size: item.size } } });
    expect(item.size).toBeGreaterThan(40 * 1024 * 1024);
    expect(item.lastError?.message).toContain(`${item.size} bytes`);
    expect(item.lastError?.message).toContain(`${25 * 1024 * 1024} bytes`);
    // Postfix never saw a MAIL FROM for it: nothing was uploaded.
    expect((await postfix.log()).slice(before)).not.toMatch(/from=<alice@example\.test>, size=4\d{7}/);
  });

  it('a non-ASCII local part to a server without SMTPUTF8: SMTPUTF8_UNSUPPORTED before submission', async () => {
    const item = await sendOne('international', { to: 'jörg@example.test' });
    expect(item).toMatchObject({ state: 'failed', lastError: { code: 'SMTPUTF8_UNSUPPORTED', detail: { addresses: ['jörg@example.test'] } } });
    // Not a single message reached anyone for it.
    expect((await serverMessages(dovecot, 'bob')).some((m) => m.source.includes('international'))).toBe(false);
  });

  it('one recipient of two refused at RCPT: sent to the other, and the outbox keeps saying so, filed, until the user has seen it', async () => {
    const item = await sendOne('one good, one refused', { to: ['bob@example.test', 'nobody@elsewhere.test'] });
    expect(item).toMatchObject({ state: 'filed', refusalsSeen: false, rejected: [{ address: 'nobody@elsewhere.test', response: expect.stringMatching(/^550 /) }] });
    await postfix.drain();
    expect(await withMessageId(dovecot, 'bob', 'INBOX', item.messageId)).toHaveLength(1);
    // No bounce comes for an address refused at RCPT: the outbox is where the user learns of it.
    expect((await service.listOutbox({})).map((i) => i.id)).toContain(item.id);
    // A flush does not report it again as just sent.
    expect((await service.flushOutbox({})).map((i) => i.id)).not.toContain(item.id);
    expect(await service.acknowledgeOutboxRefusals({ id: item.id })).toMatchObject({ state: 'filed', refusalsSeen: true });
    expect((await service.listOutbox({})).map((i) => i.id)).not.toContain(item.id);
    expect((await service.listOutbox({ includeFiled: true })).find((i) => i.id === item.id)).toMatchObject({ rejected: [{ address: 'nobody@elsewhere.test' }] });
  });
});
