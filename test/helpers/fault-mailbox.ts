import { corpusMessage } from './imap-corpus';

/** A message with a base64 attachment of about `kb` KB: gives the body phase bytes to be cut in. */
export function largeMessage(i: number, kb: number): Buffer {
  const payload = Buffer.alloc(kb * 768, 0);
  for (let n = 0; n < payload.length; n++) payload[n] = (n * 31 + i * 7) & 0xff;
  const base64 = payload.toString('base64').replace(/.{76}/g, '$&\r\n');
  const head = [
    `From: Big Sender <big${i}@example.org>`,
    'To: Alice <alice@example.org>',
    `Date: ${new Date(Date.UTC(2024, 1, 1) + i * 3600_000).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <big-${i}@corpus.test>`,
    `Subject: Large message ${i} (${kb} KB)`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="big-b"',
  ];
  const body = [
    '--big-b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `The attachment of message ${i}.`,
    '--big-b',
    `Content-Type: application/octet-stream; name="big-${i}.bin"`,
    'Content-Transfer-Encoding: base64',
    '',
    base64,
    '--big-b--',
    '',
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body.join('\r\n')}`);
}

export interface FaultMessage {
  folder: string;
  raw: Buffer;
  flags: string[];
}

/**
 * The small mailbox of the fault suite: about 30 varied messages (the IMAP corpus's kinds: plain, HTML,
 * alternative, attachments, encoded headers, no Message-ID, a header line without a colon, long lines)
 * and one of a few hundred KB. `folders` false puts everything in INBOX (POP3).
 */
export function faultMailbox(options: { folders: boolean }): FaultMessage[] {
  const where = (i: number) => (!options.folders ? 'INBOX' : i < 16 ? 'INBOX' : i < 22 ? 'Archive' : i < 26 ? 'Käse/Brie' : 'Sent');
  const flagsOf = (i: number) => [...(i % 3 === 0 ? ['\\Seen'] : []), ...(i % 5 === 0 ? ['\\Flagged'] : []), ...(i % 7 === 3 ? ['\\Answered'] : [])];
  const messages: FaultMessage[] = Array.from({ length: 28 }, (_, i) => ({
    folder: where(i),
    raw: corpusMessage(i, { messageId: i === 9 ? null : undefined }),
    flags: flagsOf(i),
  }));
  messages.push({ folder: 'INBOX', raw: largeMessage(1, 320), flags: [] });
  messages.push({ folder: options.folders ? 'Archive' : 'INBOX', raw: largeMessage(2, 48), flags: ['\\Seen'] });
  return messages;
}
