import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineEnds, readableLineEnds } from '../../../../electron/mime/line-ends';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { readAttachment, readMessageContent } from '../../../../electron/mime/read-message';

/**
 * Mail with stray CRs: `\r\r\n` line ends (a CRLF written through a text-mode stream: Windows scripts,
 * broken gateways), a `\r\r` among them, bare CRs (classic Mac OS). mailparser splits at LF only, so
 * such a message had an empty body in the reader, the list and the index.
 */
const doubled =
  'From: a@example.org\r\nTo: alice@example.org\r\nSubject: crcrlf mixed\r\nMessage-ID: <crcr1@example.org>\r\n' +
  'Content-Type: text/plain; charset=us-ascii\r\r\n\r\r\nHello from a windows script.\r\r\nSecond line.\r\r\n';
const multipart =
  'From: a@example.org\r\r\nSubject: bare cr body\r\r\nMIME-Version: 1.0\r\r\nContent-Type: multipart/mixed; boundary=XX\r\r\n\r\r\n' +
  '--XX\r\r\nContent-Type: text/plain; charset=us-ascii\r\r\n\r\r\nHello three.\r\rSecond line.\r\r\n' +
  '--XX\r\r\nContent-Type: application/octet-stream; name=a.bin\r\r\nContent-Transfer-Encoding: base64\r\r\n\r\r\nAAECAwQF\r\r\nBgc=\r\r\n--XX--\r\r\n';
const mac = 'From: a@example.org\rSubject: classic\rContent-Type: text/plain\r\rFirst.\rSecond.\r';

describe('LineEnds', () => {
  it('reads a run of CRs before an LF as one line end, and a bare CR as one (a run of them as one once CRs came doubled)', () => {
    expect(readableLineEnds(Buffer.from('a\r\r\nb\r\r\r\nc\rd\r\r\ne\r\rf')).toString()).toBe('a\r\nb\r\nc\r\nd\r\ne\r\nf');
    expect(readableLineEnds(Buffer.from('a\rb\r\rc\r')).toString()).toBe('a\r\nb\r\n\r\nc\r\n');
    expect(readableLineEnds(Buffer.from('a\nb\r\n'))).toEqual(Buffer.from('a\nb\r\n'));
  });

  it('gives a clean message back as it is, without a copy', () => {
    const clean = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    expect(readableLineEnds(clean)).toBe(clean);
  });

  it('gives the same bytes whatever the chunks', () => {
    const bytes = Buffer.from(multipart + mac + doubled);
    const whole = readableLineEnds(bytes);
    for (const size of [1, 2, 3, 7, 64]) {
      const ends = new LineEnds();
      const parts: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) parts.push(ends.push(bytes.subarray(at, at + size)));
      parts.push(ends.end());
      expect(Buffer.concat(parts).toString(), `chunks of ${size}`).toBe(whole.toString());
    }
  });
});

describe('a message with stray CRs', () => {
  it('is read with its text, for the store and for the reader (a buffer and a stream alike)', async () => {
    const stored = await parseMessage({ kind: 'buffer', bytes: Buffer.from(doubled) });
    expect(stored.text).toBe('Hello from a windows script.\nSecond line.\n');
    expect(stored.snippet).toBe('Hello from a windows script. Second line.');
    expect((await readMessageContent({ kind: 'buffer', bytes: Buffer.from(doubled) })).text).toBe('Hello from a windows script.\nSecond line.\n');
    expect((await readMessageContent(Readable.from([Buffer.from(doubled)]))).text).toBe('Hello from a windows script.\nSecond line.\n');
  });

  it('keeps its parts and attachments apart, and reads the attachment whole', async () => {
    const stored = await parseMessage({ kind: 'buffer', bytes: Buffer.from(multipart) });
    expect(stored.subject).toBe('bare cr body');
    expect(stored.text?.trim()).toBe('Hello three.\nSecond line.');
    expect(stored.attachments).toMatchObject([{ filename: 'a.bin', size: 8 }]);
    const chunks = [...Buffer.from(multipart)].map((b) => Buffer.from([b]));
    expect(await readAttachment(Readable.from(chunks), 0)).toEqual(Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]));
  });

  it('reads classic Mac OS line ends (CR alone) with the header block ended by the blank line', async () => {
    const stored = await parseMessage({ kind: 'buffer', bytes: Buffer.from(mac) });
    expect(stored.subject).toBe('classic');
    expect(stored.text?.trim()).toBe('First.\nSecond.');
  });
});
