import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { belowTrace, withMessageId } from '../helpers/delivered-mail';
import { type SendingFixture, startSendingFixture } from '../helpers/sending-fixture';

const users = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
];

/** The first line of `raw` with a byte above 0x7f, or null: what a server without 8BITMIME must never get. */
function eightBitLine(raw: Buffer): string | null {
  const lines = raw.toString('latin1').split('\r\n');
  return lines.find((line) => /[\x80-\xff]/.test(line)) ?? null;
}

/**
 * A submission server that does not offer 8BITMIME (RFC 6152; Postfix with smtpd_discard_ehlo_keywords =
 * 8bitmime, as some hosting relays are) may only be given 7-bit data: RFC 6152 section 3 and RFC 5321
 * section 2.4 leave a client that sends 8-bit bytes there with no promise of what arrives. The message is
 * built once, before the server is known, so it is 7-bit whatever the server: text as quoted-printable or
 * base64, and an attached message (an .eml, a forward as attachment) that holds 8-bit bytes too.
 */
describe('sending through a server without 8BITMIME (Postfix + Dovecot)', () => {
  let fixture: SendingFixture | undefined;

  beforeAll(async () => {
    fixture = await startSendingFixture({
      name: 'send-seven-bit',
      env: { HOMING_SENT_COPY_WAIT_MS: '0' },
      dovecot: { users },
      postfix: { eightBitMime: false },
      smtp: { port: 'submissions', security: 'tls' },
    });
  });
  afterAll(() => fixture?.close());

  it('a UTF-8 body and an attached 8-bit message arrive as 7-bit MIME that reads back the same', async () => {
    const { service, accountId, dovecot } = fixture!;
    const inner = Buffer.from(
      'From: Zoë Quist <zoe@example.test>\r\nTo: alice@example.test\r\nSubject: Café\r\nMessage-ID: <inner-8bit@example.test>\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nDéjà vu: crème brûlée, 日本語.\r\n',
    );
    const text = 'Grüße aus Köln — ça va? 日本語\n';
    const queued = await service.sendMessage({
      content: {
        accountId,
        to: [{ name: 'Bob', address: 'bob@example.test' }],
        subject: 'Seven bits only',
        text,
        attachments: [{ kind: 'data', filename: 'cafe.eml', contentType: 'message/rfc822', base64: inner.toString('base64') }],
      },
      delaySeconds: 0,
    });
    const [item] = await service.flushOutbox({ ids: [queued.id] });
    expect(item).toMatchObject({ state: 'filed' });
    await fixture!.postfix!.drain();
    const [delivered] = await withMessageId(dovecot, 'bob', 'INBOX', item!.messageId);
    const below = belowTrace(delivered!.source);
    // Without the fix: the attached message's 'Déjà vu: crème brûlée' line went as raw UTF-8.
    expect(eightBitLine(below)).toBeNull();
    const parsed = await simpleParser(below);
    expect(parsed.text).toContain('Grüße aus Köln — ça va? 日本語');
    const attached = parsed.attachments.find((a) => a.filename === 'cafe.eml');
    const reparsed = await simpleParser(attached!.content);
    expect(reparsed.subject).toBe('Café');
    expect(reparsed.text).toContain('Déjà vu: crème brûlée, 日本語.');
    // The Sent copy is the same bytes: 7-bit too.
    const [sent] = await withMessageId(dovecot, 'alice', 'Sent', item!.messageId);
    expect(eightBitLine(sent!.source)).toBeNull();
  });
});
