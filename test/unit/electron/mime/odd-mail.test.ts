import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HeaderBound, boundedHeader } from '../../../../electron/mime/header-bound';
import { HEADER_FIELD_KEPT_BYTES } from '../../../../electron/mime/limits';
import { base64Reading } from '../../../../electron/mime/mislabelled-base64';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { plainParserOutput } from '../../../../electron/mime/plain-message';
import { readMessageContent } from '../../../../electron/mime/read-message';
import { assembleParts } from '../../../../electron/mime/partial-message';
import { dataPictureMessage } from '../../../helpers/odd-mail';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../fixtures/mime', name));

/** A message whose header has one field of 1.2 MB (a spam tool's X- field, a broken gateway's). */
export function hugeHeaderMessage(field = 'X-Scanner-Trace', bytes = 1_200_000): Buffer {
  return Buffer.from(
    `From: Ada <ada@example.org>\r\nTo: alice@example.org\r\n${field}: ${'x'.repeat(bytes)}\r\n` +
      'Subject: Huge header, small letter\r\nMessage-ID: <huge-1@example.org>\r\nDate: Mon, 07 Dec 2026 11:00:00 +0000\r\n' +
      'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe body is only this line about a wombat.\r\n',
  );
}

function chunked(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return Readable.from(parts);
}

describe('a header field of a megabyte', () => {
  it('is parsed: the other fields are headers, the body is the body, the field is cut and marked', async () => {
    const parsed = await parseMessage({ kind: 'buffer', bytes: hugeHeaderMessage() });
    expect(parsed.parseStatus).toBe('ok');
    expect(parsed.subject).toBe('Huge header, small letter');
    expect(parsed.messageId).toBe('<huge-1@example.org>');
    expect(parsed.text?.trim()).toBe('The body is only this line about a wombat.');
    const subject = await parseMessage({ kind: 'buffer', bytes: hugeHeaderMessage('Subject') });
    expect(subject.parseStatus).toBe('ok');
    expect(subject.subject.length).toBeLessThanOrEqual(HEADER_FIELD_KEPT_BYTES);
    expect(subject.subject.endsWith('x [...]')).toBe(true);
    expect(subject.text?.trim()).toBe('The body is only this line about a wombat.');
  });

  it('is read so by the reader, from a buffer and from chunks', async () => {
    for (const source of [{ kind: 'buffer' as const, bytes: hugeHeaderMessage() }, chunked(hugeHeaderMessage(), 1024 * 1024), chunked(hugeHeaderMessage(), 4000)]) {
      const content = await readMessageContent(source);
      expect(content.text?.trim()).toBe('The body is only this line about a wombat.');
      expect(content.headers).toContainEqual(['Subject', 'Huge header, small letter']);
      const trace = content.headers.find(([name]) => name === 'X-Scanner-Trace')![1];
      expect(trace.length).toBeLessThanOrEqual(HEADER_FIELD_KEPT_BYTES + 6);
      expect(trace.endsWith(' [...]')).toBe(true);
    }
  });

  it('leaves a header block of ordinary size as it is, without a copy', () => {
    const plain = fixture('plain.eml');
    expect(boundedHeader(plain)).toBe(plain);
    const bound = new HeaderBound();
    expect(Buffer.concat([bound.push(plain.subarray(0, 10)), bound.push(plain.subarray(10)), bound.end()])).toEqual(plain);
  });

  it('gives the same bytes whatever the chunks, folded lines of a cut field dropped', () => {
    const folded = Buffer.from(
      `X-Long: ${'a'.repeat(300_000)}\r\n ${'b'.repeat(10)}\r\n\t${'c'.repeat(10)}\r\nX-Short: kept\n continued\r\n` +
        `X-Many: ${'d'.repeat(100_000)}\r\n\r\nbody\r\n`,
    );
    const whole = boundedHeader(folded);
    expect(whole.toString()).toBe(
      `X-Long: ${'a'.repeat(HEADER_FIELD_KEPT_BYTES - 8)} [...]\r\nX-Short: kept\n continued\r\nX-Many: ${'d'.repeat(HEADER_FIELD_KEPT_BYTES - 8)} [...]\r\n\r\nbody\r\n`,
    );
    for (const size of [7, 4096, 65536, 300_011]) {
      const bound = new HeaderBound();
      const parts: Buffer[] = [];
      for (let at = 0; at < folded.length; at += size) parts.push(bound.push(folded.subarray(at, at + size)));
      parts.push(bound.end());
      expect(Buffer.concat(parts).equals(whole), `chunks of ${size}`).toBe(true);
    }
  });
});

/** A multipart message one of whose parts has a header field of 1.2 MB in its own header block, not the top one. */
export function hugePartHeaderMessage(where: 'part' | 'attached message' = 'part'): Buffer {
  const field = `X-Scanner-Trace: ${'x'.repeat(1_200_000)}\r\n`;
  const huge =
    where === 'part'
      ? `--outer\r\nContent-Type: text/plain; charset=utf-8\r\n${field}Content-Disposition: attachment; filename="trace.txt"\r\n\r\nThe scanner's trace file.\r\n`
      : `--outer\r\nContent-Type: message/rfc822\r\n\r\nFrom: Bo <bo@example.org>\r\n${field}Subject: The forwarded one\r\nContent-Type: text/plain\r\n\r\nForwarded text about a quoll.\r\n`;
  return Buffer.from(
    'From: Ada <ada@example.org>\r\nTo: alice@example.org\r\nSubject: Huge part header\r\nMessage-ID: <huge-part@example.org>\r\n' +
      'Date: Mon, 07 Dec 2026 11:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="outer"\r\n\r\nPreamble.\r\n' +
      '--outer\r\nContent-Type: multipart/alternative;\r\n boundary=inner\r\n\r\n' +
      '--inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe letter is about a wombat.\r\n-- \r\n--inner-- not a delimiter\r\n' +
      '--inner\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>The letter is about a wombat.</p>\r\n--inner--\r\n' +
      huge +
      '--outer\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="after.bin"\r\n\r\nAAAA\r\n--outer--\r\nEpilogue.\r\n',
  );
}

describe('a header field of a megabyte in a MIME part', () => {
  it('is parsed as in the top header: the part and those after it are read, the field cut and marked', async () => {
    const parsed = await parseMessage({ kind: 'buffer', bytes: hugePartHeaderMessage() });
    expect(parsed.parseStatus).toBe('ok');
    expect(parsed.subject).toBe('Huge part header');
    expect(parsed.text?.trim()).toBe('The letter is about a wombat.\n-- \n--inner-- not a delimiter');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['trace.txt', 'after.bin']);
    const content = await readMessageContent(chunked(hugePartHeaderMessage(), 4000));
    expect(content.html).toContain('about a wombat');
    expect(content.text?.trim()).toBe(parsed.text?.trim());
  });

  it('in an attached message is left as it is: the splitter keeps that message whole, as the attachment\'s bytes', async () => {
    const bytes = hugePartHeaderMessage('attached message');
    expect(boundedHeader(bytes)).toBe(bytes);
    const parsed = await parseMessage({ kind: 'buffer', bytes });
    expect(parsed.parseStatus).toBe('ok');
    expect(parsed.text).toContain('The letter is about a wombat.');
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(['message/rfc822', 'application/octet-stream']);
  });

  it('gives the same bytes whatever the chunks, only the huge field cut', () => {
    const bytes = hugePartHeaderMessage();
    const whole = boundedHeader(bytes);
    expect(whole.toString('latin1')).toBe(bytes.toString('latin1').replace(/x{1000,}/, `${'x'.repeat(HEADER_FIELD_KEPT_BYTES - 'X-Scanner-Trace: '.length)} [...]`));
    for (const size of [3, 7, 4096, 65536, 300_011]) {
      const bound = new HeaderBound();
      const parts: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) parts.push(bound.push(bytes.subarray(at, at + size)));
      parts.push(bound.end());
      expect(Buffer.concat(parts).equals(whole), `chunks of ${size}`).toBe(true);
    }
  });

  it('leaves a large message whose header blocks are all small as it is, without a copy', () => {
    const attachment = Buffer.alloc(3 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
    const big = Buffer.from(
      'From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n- a list\r\n--b\r\n' +
        `Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--b--\r\n`,
    );
    expect(boundedHeader(big)).toBe(big);
  });
});

describe('a text labelled base64 that is not base64', () => {
  it('is read as the text it is, and the reader says so', async () => {
    const bytes = fixture('base64-mislabelled.eml');
    const parsed = await parseMessage({ kind: 'buffer', bytes });
    expect(parsed.text).toContain('The quokka report is below, sent through the old gateway.');
    expect(parsed.snippet.startsWith('Hello Alice,')).toBe(true);
    const content = await readMessageContent({ kind: 'buffer', bytes });
    expect(content.text).toContain('All 12 colonies were counted; two are new.');
    expect(content.notes).toEqual([{ kind: 'not-base64' }]);
  });

  it('is found when its lines are words without spaces, by what they decode to', async () => {
    const bytes = fixture('base64-mislabelled-words.eml');
    const content = await readMessageContent({ kind: 'buffer', bytes });
    expect(content.text).toContain('Wombat\nQuokka\nNumbat\nBilby');
    expect(content.html).toContain('<p>Wombat, quokka, numbat and bilby.</p>');
    expect(content.notes).toEqual([{ kind: 'not-base64' }]);
    expect((await parseMessage({ kind: 'buffer', bytes })).text).toContain('Quokka');
    const single = Buffer.from(
      'From: a@example.org\r\nSubject: words\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nWombat\r\nQuokka\r\nNumbat\r\nBilby\r\n',
    );
    expect(plainParserOutput(single)).toBeNull();
    expect((await parseMessage({ kind: 'buffer', bytes: single })).text).toContain('Quokka');
  });

  it('leaves real base64 text as it was read', async () => {
    const text = 'Grüße aus Köln: the numbat report, in UTF-8.\n'.repeat(40);
    const encoded = Buffer.from(text).toString('base64').replace(/.{76}/g, '$&\r\n');
    const bytes = Buffer.from(
      `From: a@example.org\r\nSubject: real\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=r\r\n\r\n--r\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${encoded}\r\n--r--\r\n`,
    );
    const content = await readMessageContent({ kind: 'buffer', bytes });
    expect(content.text).toBe(text);
    expect(content.notes).toEqual([]);
    expect(base64Reading(Buffer.from(encoded), 'utf-8')?.toString()).toBe(text);
    // A list footer appended in plain text after the base64 (a list server's): still base64.
    expect(base64Reading(Buffer.from(`${encoded}\r\n-- \r\nList footer: unsubscribe at example.org\r\n`), 'utf-8')?.toString().startsWith(text.slice(0, -2))).toBe(true);
    // UTF-16 text is full of NULs: not judged by them.
    const utf16 = Buffer.from('Hello there, UTF-16.', 'utf16le').toString('base64');
    expect(base64Reading(Buffer.from(utf16), 'utf-16le')).not.toBeNull();
  });
});

describe('message/partial', () => {
  it('says which part of how many it is', async () => {
    const content = await readMessageContent({ kind: 'buffer', bytes: fixture('partial-2-of-3.eml') });
    expect(content.notes).toEqual([{ kind: 'partial', number: 2, total: 3, id: 'census-2026-q4@example.org' }]);
  });
});

describe('HTML with a picture of megabytes in a data: URL', () => {
  it('gives the words after the picture to the index, and no tag to the preview', async () => {
    const parsed = await parseMessage({ kind: 'buffer', bytes: dataPictureMessage() });
    expect(parsed.snippet).toBe('Before the picture: platypus. After the picture: cassowary.');
    expect(parsed.text).toContain('cassowary');
    const content = await readMessageContent({ kind: 'buffer', bytes: dataPictureMessage() });
    expect(content.html).toContain('src="data:image/png;base64,');
    expect(content.html!.length).toBeGreaterThan(5 * 1024 * 1024);
  });
});

describe('assembleParts', () => {
  it('puts a split message together as RFC 2046 section 5.2.2.1 says', () => {
    const whole = assembleParts(['partial-1-of-3.eml', 'partial-2-of-3.eml', 'partial-3-of-3.eml'].map(fixture)).toString();
    expect(whole).toBe(
      'From: Carol Numbat <carol@example.org>\r\nTo: alice@example.org\r\nDate: Mon, 07 Dec 2026 09:01:00 +0000\r\n' +
        'Subject: Quarterly numbat census\r\nMessage-ID: <census-whole@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n' +
        'The quarterly numbat census is done.\r\nVolunteers walked every transect of the Dryandra woodland\r\n' +
        'and counted forty-two numbats, six of them young,\r\nbeside eleven echidnas and one very surprised bilby.\r\n' +
        'The full tables follow next quarter.\r\nCarol\r\n',
    );
  });
});
