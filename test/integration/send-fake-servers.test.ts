import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailClient } from '../../shared/client';
import type { OutboxItem } from '../../shared/contract/outgoing';
import { withMessageId } from '../helpers/delivered-mail';
import { type SendingFixture, startSendingFixture } from '../helpers/sending-fixture';
import type { DovecotServer } from '../servers/dovecot';
import { type FakePersonality, type FakeSmtpServer, startFakeSmtp } from '../servers/fake-smtp';
import { adminClient } from '../servers/mail-server';

/**
 * What Postfix will not do on demand, from a scripted fake SMTP server (test/servers/fake-smtp.ts): each
 * personality ends in its coded error and the right outbox state. The account is a real IMAP account on
 * Dovecot, so the Sent copies are filed for real.
 */
describe('sending against a scripted fake SMTP server', () => {
  let dovecot: DovecotServer;
  let service: MailClient;
  let accountId = '';
  let fixture: SendingFixture | undefined;
  const fakes: FakeSmtpServer[] = [];

  beforeAll(async () => {
    fixture = await startSendingFixture({
      name: 'fake-smtp',
      // Read by the worker when it starts: no wait before filing, and a silent server given up on quickly.
      env: { HOMING_SENT_COPY_WAIT_MS: '0', HOMING_SMTP_TIMEOUT_MS: '3000' },
      // Nothing listens on port 1: each test points the account at its own fake (fake() below).
      smtp: { port: 1, security: 'tls' },
    });
    ({ dovecot, service, accountId } = fixture);
    // The store knows the Sent folder, as after any first sync.
    expect((await service.syncAccounts({ accountIds: [accountId] }))[0]).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await fixture?.close();
    for (const fake of fakes) await fake.close();
  });

  async function fake(personality: FakePersonality): Promise<FakeSmtpServer> {
    const server = await startFakeSmtp({
      personality,
      certificate: dovecot.certificate,
      fileCopy: async (raw) => {
        const client = await adminClient(dovecot, 'alice');
        try {
          await client.append('Sent', raw, ['\\Seen']);
        } finally {
          await client.logout();
        }
      },
    });
    fakes.push(server);
    const plain = personality === 'no-starttls' || personality === 'silent';
    // Another port is another server: the password is given again (a stored one only goes where it was saved for).
    await service.updateAccount({ id: accountId, patch: { smtp: { port: server.port, security: plain ? 'starttls' : 'tls', password: 'alice-secret' } } });
    return server;
  }

  async function sendOne(subject: string, to = ['bob@example.test'], attachment?: Buffer): Promise<OutboxItem> {
    const attachments = attachment ? [{ kind: 'data' as const, filename: 'big.bin', contentType: 'application/octet-stream', base64: attachment.toString('base64') }] : [];
    const queued = await service.sendMessage({
      content: { accountId, to: to.map((address) => ({ name: '', address })), cc: [], bcc: [], subject, text: `${subject}\n`, html: null, attachments, responseTo: null },
      delaySeconds: 0,
    });
    const [after] = await service.flushOutbox({ ids: [queued.id] });
    return after!;
  }

  it('fake that accepts: sent and filed, one copy in Sent (the baseline for the others)', async () => {
    const server = await fake('accept');
    const item = await sendOne('accepted');
    expect(item).toMatchObject({ state: 'filed', sentCopy: 'appended', lastError: null });
    expect(server.received).toHaveLength(1);
    expect(await withMessageId(dovecot, 'alice', 'Sent', item.messageId)).toHaveLength(1);
  });

  it('fake that cuts the connection after the final dot: SEND_UNCERTAIN, "may have been sent", never retried on its own', async () => {
    const server = await fake('drop-after-dot');
    const item = await sendOne('cut after the dot');
    expect(item).toMatchObject({ state: 'uncertain', lastError: { code: 'SEND_UNCERTAIN' } });
    expect(server.received).toHaveLength(1);
    // A flush of everything due does not touch it.
    await service.flushOutbox({});
    expect(server.received).toHaveLength(1);
    expect((await service.listOutbox({})).find((i) => i.id === item.id)?.state).toBe('uncertain');
    // The user's choice "it went out": filed, not sent again.
    await service.markOutboxSent({ id: item.id });
    const [filed] = await service.flushOutbox({ ids: [item.id] });
    expect(filed).toMatchObject({ state: 'filed', sentCopy: 'appended' });
    expect(server.received).toHaveLength(1);
  });

  it('fake that cuts the connection in the middle of the message: not sent, queued for a retry (CONNECTION_LOST)', async () => {
    const server = await fake('drop-mid-data');
    // Big enough that the cut comes long before the client has written its last byte; with a small one the
    // whole message (and its dot) may already be on its way when the cut comes, which is "may have been sent".
    const item = await sendOne('cut mid-message', ['bob@example.test'], Buffer.alloc(8 * 1024 * 1024, 7));
    expect(item).toMatchObject({ state: 'queued', lastError: { code: 'CONNECTION_LOST' } });
    expect(item.notBefore).not.toBeNull();
    expect(server.received).toHaveLength(0);
  });

  it('fake that greets with 421: SERVER_BUSY, queued for a retry', async () => {
    await fake('greeting-421');
    expect(await sendOne('busy')).toMatchObject({ state: 'queued', lastError: { code: 'SERVER_BUSY', detail: { responseCode: 421 } } });
  });

  it('fake that answers RCPT with 452: SERVER_BUSY, queued for a retry', async () => {
    await fake('rcpt-452');
    expect(await sendOne('no storage')).toMatchObject({ state: 'queued', lastError: { code: 'SERVER_BUSY', detail: { responseCode: 452 } } });
  });

  it('fake that answers the final dot with 552: MESSAGE_TOO_LARGE, failed (back to the user with the server’s words)', async () => {
    const item = await (async () => {
      await fake('data-552');
      return sendOne('too large for the fake');
    })();
    expect(item).toMatchObject({ state: 'failed', lastError: { code: 'MESSAGE_TOO_LARGE' } });
    expect(item.lastError?.message).toContain('message exceeds fixed maximum message size');
    // Retry is the user's: it goes again (and fails again here).
    await service.retryOutbox({ id: item.id });
    expect((await service.flushOutbox({ ids: [item.id] }))[0]).toMatchObject({ state: 'failed' });
    // Cancel makes it a draft again, with what the user wrote.
    const { draftId } = await service.cancelOutbox({ id: item.id });
    expect((await service.getDraft({ id: draftId })).content).toMatchObject({ subject: 'too large for the fake', to: [{ address: 'bob@example.test' }] });
    expect((await service.listOutbox({})).some((i) => i.id === item.id)).toBe(false);
  });

  it('fake that refuses one recipient of two: sent to the other, filed, the refusal named with the server’s words', async () => {
    const server = await fake('reject-one-rcpt');
    const item = await sendOne('partly refused', ['bob@example.test', 'refused@example.test']);
    expect(item).toMatchObject({ state: 'filed', rejected: [{ address: 'refused@example.test', response: expect.stringContaining('no such user') }] });
    expect(server.received).toHaveLength(1);
  });

  it('fake that files its own Sent copy: Homing finds it by Message-ID and appends nothing (one copy)', async () => {
    await fake('files-own-copy');
    const item = await sendOne('server files it');
    expect(item).toMatchObject({ state: 'filed', sentCopy: 'server' });
    expect(await withMessageId(dovecot, 'alice', 'Sent', item.messageId)).toHaveLength(1);
  });

  it('fake without STARTTLS: AUTH_PLAINTEXT_REFUSED before any password is sent; queued until the user changes the setting', async () => {
    await fake('no-starttls');
    expect(await sendOne('no tls')).toMatchObject({ state: 'queued', lastError: { code: 'AUTH_PLAINTEXT_REFUSED' } });
  });

  it('fake that never says anything: TIMEOUT, queued for a retry', async () => {
    await fake('silent');
    expect(await sendOne('silence')).toMatchObject({ state: 'queued', lastError: { code: 'TIMEOUT' } });
  });

  it.each([
    ['hang-at-auth', 'TIMEOUT'],
    ['drop-at-auth', 'CONNECTION_LOST'],
    ['hang-at-mail', 'TIMEOUT'],
  ] as const)('fake that goes quiet or cuts mid-session (%s): %s within the command timeout, the message queued for a retry', async (personality, code) => {
    const server = await fake(personality);
    const started = Date.now();
    const item = await sendOne(`quiet ${personality}`);
    // HOMING_SMTP_TIMEOUT_MS is 3 s here; a login that heard nothing of the failure waited forever.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(item).toMatchObject({ state: 'queued', lastError: { code } });
    expect(item.notBefore).not.toBeNull();
    expect(server.received).toHaveLength(0);
    expect((await service.listOutbox({})).find((i) => i.id === item.id)?.state).toBe('queued');
  });
});
