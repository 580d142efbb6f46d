import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailClient } from '../../shared/client';
import type { ResponseMode } from '../../shared/contract/outgoing';
import { belowTrace, serverMessages, withMessageId } from '../helpers/delivered-mail';
import { type SendingFixture, startSendingFixture } from '../helpers/sending-fixture';
import type { DovecotServer } from '../servers/dovecot';
import type { PostfixServer } from '../servers/postfix';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
  { name: 'carol', password: 'carol-secret' },
];

const pdf = Buffer.from('%PDF-1.4\n% not really a report, but bytes to compare\n').toString('base64');
const original = (messageId: string, subject: string) =>
  [
    'From: Carol <carol@example.test>',
    'To: alice@example.test',
    `Subject: ${subject}`,
    `Message-ID: <${messageId}>`,
    'Date: Tue, 3 Jun 2025 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The figures are attached.',
    '--b1',
    'Content-Type: application/pdf; name="figures.pdf"',
    'Content-Disposition: attachment; filename="figures.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    pdf,
    '--b1--',
    '',
  ].join('\r\n');

/**
 * Forwards, engine side, through the service the composer and the CLI share, on Postfix + Dovecot: one
 * Fwd: however many the original had, the original's attachments (inline forward) or the original itself
 * as an attached .eml, byte for byte, and $Forwarded on the original at the server.
 */
describe('forwarding a stored message (Postfix + Dovecot)', () => {
  let dovecot: DovecotServer;
  let postfix: PostfixServer;
  let service: MailClient;
  let accountId = '';
  let fixture: SendingFixture | undefined;

  beforeAll(async () => {
    fixture = await startSendingFixture({ name: 'send-forward', env: { HOMING_SENT_COPY_WAIT_MS: '0' }, dovecot: { users }, smtp: { port: 'submissions', security: 'tls' } });
    ({ dovecot, service, accountId } = fixture);
    postfix = fixture.postfix!;
  });
  afterAll(() => fixture?.close());

  /** Delivers an original to alice and syncs; its stored summary. `old`: received a year ago, so outside a recent offline scope. */
  async function deliverOriginal(messageId: string, subject: string, old = false) {
    const raw = original(messageId, subject);
    await dovecot.deliver('alice', raw, old ? { internalDate: new Date(Date.now() - 365 * 86_400_000) } : {});
    await service.syncAccounts({ accountIds: [accountId] });
    const inbox = (await service.listFolders({ accountId })).find((f) => f.path === 'INBOX')!;
    const ids = await service.listMessageIds({ mailbox: { folderId: inbox.id } });
    return { raw, stored: (await service.getMessageSummaries({ ids })).find((m) => m.subject === subject)! };
  }

  /** Delivers an original to alice, syncs, forwards it to bob in `mode`; what bob got and the original's flags at the server. */
  async function forward(mode: ResponseMode, messageId: string, subject: string, old = false) {
    const { raw, stored } = await deliverOriginal(messageId, subject, old);
    expect(stored.bodyStatus).toBe(old ? 'headers' : 'full');
    const prepared = await service.prepareResponse({ messageId: stored.id, mode });
    const queued = await service.sendMessage({
      content: { ...prepared.content, to: [{ name: 'Bob', address: 'bob@example.test' }], text: `Forwarded (${mode}).\n${prepared.content.text}` },
      delaySeconds: 0,
    });
    const [item] = await service.flushOutbox({ ids: [queued.id] });
    expect(item).toMatchObject({ state: 'filed' });
    await postfix.drain();
    const [delivered] = await withMessageId(dovecot, 'bob', 'INBOX', item!.messageId);
    // The flag goes to the server with the next sync, queued like any flag change.
    await service.syncAccounts({ accountIds: [accountId] });
    const atServer = (await serverMessages(dovecot, 'alice')).find((m) => m.source.includes(`<${messageId}>`))!;
    return { raw, delivered: await simpleParser(belowTrace(delivered!.source)), originalFlags: atServer.flags };
  }

  it('inline: one Fwd:, the text below, the original’s attachment byte for byte, $Forwarded on the original', async () => {
    const { delivered, originalFlags } = await forward('forward-inline', 'figures-1@example.test', 'Fwd: FW: figures');
    expect(delivered.subject).toBe('Fwd: figures');
    expect(delivered.text).toContain('The figures are attached.');
    expect(delivered.attachments.map((a) => [a.filename, a.content.toString('base64')])).toEqual([['figures.pdf', Buffer.from(pdf, 'base64').toString('base64')]]);
    expect(delivered.inReplyTo).toBeUndefined();
    expect(originalFlags).toContain('$Forwarded');
  });

  it('as an attachment: the original, byte for byte, as message/rfc822, and $Forwarded on the original', async () => {
    const { raw, delivered, originalFlags } = await forward('forward-attachment', 'figures-2@example.test', 'figures again');
    expect(delivered.subject).toBe('Fwd: figures again');
    const eml = delivered.attachments.find((a) => a.contentType === 'message/rfc822');
    expect(eml).toBeDefined();
    expect(eml!.content.toString('utf8')).toBe(raw);
    expect(originalFlags).toContain('$Forwarded');
  });

  describe('an original stored as headers only (outside the offline scope)', () => {
    beforeAll(async () => {
      await service.updateAccount({ id: accountId, patch: { settings: { offlineScope: { kind: 'recent', days: 30 } } } });
    });
    afterAll(async () => {
      await service.updateAccount({ id: accountId, patch: { settings: { offlineScope: { kind: 'all' } } } });
    });

    it('inline: the rest is downloaded first, so the text and the attachment go along', async () => {
      const { delivered } = await forward('forward-inline', 'figures-3@example.test', 'old figures', true);
      expect(delivered.text).toContain('The figures are attached.');
      expect(delivered.attachments.map((a) => [a.filename, a.content.toString('base64')])).toEqual([['figures.pdf', Buffer.from(pdf, 'base64').toString('base64')]]);
    });

    it('as an attachment: the whole original, never its header block alone', async () => {
      const { raw, delivered } = await forward('forward-attachment', 'figures-4@example.test', 'old figures again', true);
      const eml = delivered.attachments.find((a) => a.contentType === 'message/rfc822');
      expect(eml!.content.toString('utf8')).toBe(raw);
    });

    it('server down: BODY_NOT_DOWNLOADED, nothing prepared or queued; a reply still opens', async () => {
      const { stored } = await deliverOriginal('figures-5@example.test', 'old figures offline', true);
      expect(stored.bodyStatus).toBe('headers');
      await dovecot.stop();
      try {
        await expect(service.prepareResponse({ messageId: stored.id, mode: 'forward-inline' })).rejects.toMatchObject({ code: 'BODY_NOT_DOWNLOADED' });
        await expect(service.prepareResponse({ messageId: stored.id, mode: 'forward-attachment' })).rejects.toMatchObject({ code: 'BODY_NOT_DOWNLOADED' });
        // A forward composed some other way (a draft, the composer's own list) is refused at Send, not cut.
        const before = await service.listOutbox({});
        await expect(
          service.sendMessage({
            content: {
              accountId,
              to: [{ name: 'Bob', address: 'bob@example.test' }],
              cc: [],
              bcc: [],
              subject: 'Fwd: old figures offline',
              text: '',
              html: null,
              attachments: [{ kind: 'message', messageId: stored.id }],
              responseTo: { kind: 'forward', messageId: stored.id },
            },
            delaySeconds: 0,
          }),
        ).rejects.toMatchObject({ code: 'BODY_NOT_DOWNLOADED' });
        expect(await service.listOutbox({})).toEqual(before);
        const reply = await service.prepareResponse({ messageId: stored.id, mode: 'reply' });
        expect(reply.content.subject).toBe('Re: old figures offline');
      } finally {
        await dovecot.start();
      }
    });
  });
});
