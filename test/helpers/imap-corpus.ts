/**
 * Varied test messages, deterministic by index: plain, HTML, multipart/alternative, attachments, encoded
 * non-ASCII headers, no Message-ID, a header line without a colon, long lines, CRLF line ends throughout
 * (IMAP sends CRLF, so the server's file and what we store are the same bytes).
 */
export function corpusMessage(i: number, options: { date?: Date; subject?: string; messageId?: string | null } = {}): Buffer {
  const date = (options.date ?? new Date(Date.UTC(2024, 0, 1) + i * 3600_000)).toUTCString().replace('GMT', '+0000');
  const id = options.messageId === undefined ? `<msg-${i}@corpus.test>` : options.messageId;
  const subject = options.subject ?? `Message ${i}`;
  const head = [`From: Sender ${i % 7} <sender${i % 7}@example.org>`, `To: Alice <alice@example.org>`, `Date: ${date}`];
  if (id) head.push(`Message-ID: ${id}`);
  const kind = i % 8;
  let body: string;
  switch (kind) {
    case 0:
      head.push(`Subject: ${subject}`, 'Content-Type: text/plain; charset=utf-8');
      body = `Hello number ${i}.\r\nSecond line.\r\n`;
      break;
    case 1:
      head.push(`Subject: =?UTF-8?B?${Buffer.from(`Grüße ${i} — 日本語`).toString('base64')}?=`, 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8');
      body = `<html><body><p>Hallo <b>${i}</b></p></body></html>\r\n`;
      break;
    case 2:
      head.push(`Subject: ${subject}`, 'MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="alt-b"');
      body = ['--alt-b', 'Content-Type: text/plain; charset=utf-8', '', `Plain ${i}`, '--alt-b', 'Content-Type: text/html; charset=utf-8', '', `<p>HTML ${i}</p>`, '--alt-b--', ''].join('\r\n');
      break;
    case 3: {
      head.push(`Subject: ${subject} with attachment`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="mix-b"');
      const payload = Buffer.alloc(3000 + (i % 5) * 1000, i % 256).toString('base64').replace(/.{76}/g, '$&\r\n');
      body = [
        '--mix-b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        `See attached ${i}.`,
        '--mix-b',
        `Content-Type: application/octet-stream; name="data-${i}.bin"`,
        'Content-Transfer-Encoding: base64',
        `Content-Disposition: attachment; filename="data-${i}.bin"`,
        '',
        payload,
        '--mix-b--',
        '',
      ].join('\r\n');
      break;
    }
    case 4:
      head.push(`Subject: ${subject}`, 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable');
      body = `Caf=E9 cr=E8me ${i}\r\n${'x'.repeat(70)}=\r\n${'y'.repeat(40)}\r\n`;
      break;
    case 5:
      // A header line without a colon: some servers and tools choke; we store it as is.
      head.push(`Subject: ${subject}`, 'X-Broken header line without colon');
      body = `Broken header ${i}\r\n`;
      break;
    case 6:
      head.push(`Subject: ${subject}`);
      body = `${'Long line '.repeat(200)}\r\n`;
      break;
    default:
      head.push(`Subject: ${subject}`, 'In-Reply-To: <msg-0@corpus.test>', 'References: <msg-0@corpus.test>');
      body = `A reply ${i}\r\n`;
  }
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`);
}
