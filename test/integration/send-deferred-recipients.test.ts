import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailClient } from '../../shared/client';
import type { OutboxItem } from '../../shared/contract/outgoing';
import { withMessageId } from '../helpers/delivered-mail';
import { eventually } from '../helpers/imap-sync';
import { type SendingFixture, startSendingFixture } from '../helpers/sending-fixture';
import type { DovecotServer } from '../servers/dovecot';
import type { PostfixServer } from '../servers/postfix';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
  { name: 'carol', password: 'carol-secret' },
];

/**
 * A server that takes a message for some recipients and answers "not now" (450, a greylist) for another:
 * RFC 5321 sections 4.2.5 and 4.5.4.1 say to try that recipient again later. Homing treated it as sent but
 * not to carol, for good. Now carol gets the same bytes later from an outbox item of its own, and bob, who
 * had it, never gets it twice. Real Postfix (check_recipient_access answering 450 for carol) and Dovecot.
 */
describe('recipients the server answers "not now" (Postfix + Dovecot)', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  let service: MailClient;
  let accountId = '';
  let fixture: SendingFixture | undefined;

  beforeAll(async () => {
    fixture = await startSendingFixture({
      name: 'send-deferred',
      // The day before giving up on a deferred recipient already over, as when the clock was put forward
      // by more than a day: the tries still count (fails without: carol's resend failed at its first retry).
      env: { HOMING_SENT_COPY_WAIT_MS: '0', HOMING_RESEND_GIVE_UP_MS: '0' },
      dovecot: { users },
      postfix: { deferRecipients: ['carol@example.test'] },
      smtp: { port: 'submissions', security: 'tls' },
    });
    ({ dovecot, service, accountId } = fixture);
    postfix = fixture.postfix!;
  });
  afterAll(() => fixture?.close());

  async function sendToBobAndCarol(subject: string): Promise<{ sent: OutboxItem; resend: OutboxItem }> {
    const queued = await service.sendMessage({
      content: { accountId, to: [{ name: 'Bob', address: 'bob@example.test' }], cc: [{ name: 'Carol', address: 'carol@example.test' }], subject, text: `${subject}\n` },
      delaySeconds: 0,
    });
    const [sent, ...made] = await service.flushOutbox({ ids: [queued.id] });
    const resend = made.find((item) => item.resendOf === queued.id);
    // Without the fix: filed with rejected [carol 450 ...], and no item to send it to carol again.
    expect(sent).toMatchObject({ id: queued.id, state: 'filed', rejected: [] });
    expect(resend).toMatchObject({ state: 'queued', recipients: ['carol@example.test'], attempts: 1, lastError: { code: 'SERVER_BUSY' } });
    expect(resend!.lastError!.message).toMatch(/could not take it for carol@example\.test just then.*450 4\.2\.0/);
    return { sent: sent!, resend: resend! };
  }

  it('a resend cancelled goes back as a draft to the deferred recipient only', async () => {
    const { resend } = await sendToBobAndCarol('Cancelled for carol');
    const { draftId } = await service.cancelOutbox({ id: resend.id });
    const draft = await service.getDraft({ id: draftId });
    expect(draft.content).toMatchObject({ to: [], cc: [{ address: 'carol@example.test' }], bcc: [], subject: 'Cancelled for carol' });
  });

  it('names who has it, and giving up on carol keeps the message in Sent with a note naming her', async () => {
    const { sent, resend } = await sendToBobAndCarol('Given up for carol');
    expect(resend.sentTo).toEqual(['bob@example.test']);
    const done = await service.giveUpOutbox({ id: resend.id });
    // Without the fix: no way but cancel, which made a draft and said nothing in Sent.
    expect(done).toMatchObject({ state: 'filed', refusalsSeen: true, rejected: [{ address: 'carol@example.test', response: expect.stringMatching(/stopped trying.*450 4\.2\.0/) }] });
    expect((await service.listOutbox({})).map((item) => item.id)).not.toContain(resend.id);
    await expect(service.giveUpOutbox({ id: sent.id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await service.syncAccounts({ accountIds: [accountId] });
    const sentFolder = (await service.listFolders({ accountId })).find((f) => f.specialUse === 'sent')!;
    const ids = await service.listMessageIds({ mailbox: { folderId: sentFolder.id } });
    const copy = (await service.getMessageSummaries({ ids })).find((m) => m.subject === 'Given up for carol')!;
    const detail = await service.getMessage({ id: copy.id });
    expect(detail.undelivered).toEqual([{ address: 'carol@example.test', response: expect.stringMatching(/Homing stopped trying.*450 4\.2\.0 .*Greylisted/) }]);
    await postfix.drain();
    expect(await withMessageId(dovecot, 'bob', 'INBOX', sent.messageId)).toHaveLength(1);
    expect(await withMessageId(dovecot, 'carol', 'INBOX', sent.messageId)).toHaveLength(0);
  });

  it('tries carol again on the outbox backoff, and sends to her once the server takes it; bob gets it once', async () => {
    const { sent, resend } = await sendToBobAndCarol('Greylisted for carol');
    await service.startWatching({});
    // Retried on its own while the greylist holds, and still waiting.
    const retried = await eventually(
      async () => (await service.listOutbox({})).find((item) => item.id === resend.id),
      (item) => (item?.attempts ?? 0) >= 2,
      30_000,
    );
    expect(retried).toMatchObject({ state: 'queued', lastError: { code: 'SERVER_BUSY' } });
    // The greylist lets carol's mail through now.
    await postfix.reconfigure({ deferRecipients: [] });
    await service.flushOutbox({ retryWaiting: true });
    const done = await eventually(
      async () => (await service.listOutbox({ includeFiled: true })).find((item) => item.id === resend.id),
      (item) => item?.state === 'filed',
      30_000,
    );
    expect(done).toMatchObject({ rejected: [], sentCopy: null });
    await service.stopWatching({});
    await postfix.drain();
    expect(await withMessageId(dovecot, 'carol', 'INBOX', sent.messageId)).toHaveLength(1);
    expect(await withMessageId(dovecot, 'bob', 'INBOX', sent.messageId)).toHaveLength(1);
    expect(await withMessageId(dovecot, 'alice', 'Sent', sent.messageId)).toHaveLength(1);
  });

  it('every recipient refused, carol for now and dave for good: dave is reported refused, only carol is tried again', async () => {
    await postfix.reconfigure({ deferRecipients: ['carol@example.test'], refuseRecipients: ['dave@example.test'] });
    const subject = 'Carol later, dave never';
    const queued = await service.sendMessage({
      content: { accountId, to: [{ name: 'Carol', address: 'carol@example.test' }], cc: [{ name: 'Dave', address: 'dave@example.test' }], subject, text: `${subject}\n` },
      delaySeconds: 0,
    });
    const [first] = await service.flushOutbox({ ids: [queued.id] });
    // Without the fix: queued for both again, dave's 550 nowhere but in the error's detail.
    expect(first).toMatchObject({ id: queued.id, state: 'queued', recipients: ['carol@example.test'], lastError: { code: 'SERVER_BUSY' } });
    expect(first!.rejected).toEqual([{ address: 'dave@example.test', response: expect.stringMatching(/^550 5\.1\.1 .*User unknown/) }]);
    expect(first!.lastError!.message).toMatch(/refused dave@example\.test.*550 5\.1\.1/);
    expect(first!.lastError!.message).toMatch(/carol@example\.test/);

    // The greylist lets carol through: she gets it, dave is not asked again, and the refusal stays to be seen.
    await postfix.reconfigure({ deferRecipients: [], refuseRecipients: ['dave@example.test'] });
    const [sent] = await service.flushOutbox({ ids: [queued.id] });
    expect(sent).toMatchObject({ state: 'filed', refusalsSeen: false, recipients: ['carol@example.test'] });
    expect(sent!.rejected.map((r) => r.address)).toEqual(['dave@example.test']);
    await postfix.drain();
    expect(await withMessageId(dovecot, 'carol', 'INBOX', sent!.messageId)).toHaveLength(1);
    expect(await withMessageId(dovecot, 'alice', 'Sent', sent!.messageId)).toHaveLength(1);
    // Asked for dave once: at the first try.
    expect((await postfix.log()).split('\n').filter((line) => /reject: RCPT .*to=<dave@example\.test>/.test(line))).toHaveLength(1);
  });
});
