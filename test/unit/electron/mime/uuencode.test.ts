import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { readAttachment, readMessageContent } from '../../../../electron/mime/read-message';
import { decodeUu, splitUuencoded } from '../../../../electron/mime/uuencode';
import { uuencode } from '../../../helpers/uuencode';

const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 255)), Buffer.from('\n%%EOF\n')]);

describe('uuencoded files in a text', () => {
  it('finds each file, its name and size, decodes it byte for byte and takes its lines out of the text', () => {
    for (const size of [0, 1, 2, 3, 44, 45, 46, 1000]) {
      const data = pdf.subarray(0, size);
      const { text, files } = splitUuencoded(`Hello\n\n${uuencode(data, 'a b.pdf', '\n')}\nBye\n`);
      expect(files.map((f) => [f.filename, f.size])).toEqual([['a b.pdf', size]]);
      expect(decodeUu(files[0]!).equals(data)).toBe(true);
      expect(text).toBe('Hello\n\nBye\n');
    }
  });

  it('leaves text alone that only looks like a begin line', () => {
    for (const text of ['begin 644 plan\nlet us begin with the plan\nend\n', 'begin 644 x.txt\nM no end\n', 'begin 644 x\nend\n']) {
      expect(splitUuencoded(text)).toEqual({ text, files: [] });
    }
  });
});

describe('a message with a uuencoded attachment (Outlook Express)', () => {
  const message = Buffer.from(
    'From: Old <old@example.org>\r\nSubject: report\r\nX-Mailer: Microsoft Outlook Express 6.00.2900.5512\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: text/plain; charset="iso-8859-1"\r\n\r\nHere is the report.\r\n\r\n' + uuencode(pdf, 'report.pdf') + '\r\nBye.\r\n',
  );

  it('is stored with the file as an attachment and a text without the data lines', async () => {
    const parsed = await parseMessage({ kind: 'buffer', bytes: message });
    expect(parsed.attachments).toEqual([{ filename: 'report.pdf', contentType: 'application/pdf', size: pdf.length, contentId: null, inline: false }]);
    expect(parsed.text).toBe('Here is the report.\n\nBye.\n');
    expect((await readMessageContent({ kind: 'buffer', bytes: message })).text).toBe('Here is the report.\n\nBye.\n');
    const bytes = await readAttachment(Readable.from([message]), 0);
    expect(bytes?.equals(pdf)).toBe(true);
  });

  it('keeps MIME attachments first, the uuencoded ones after them', async () => {
    const mixed = Buffer.from(
      'Subject: both\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee\r\n' + uuencode(pdf, 'old.pdf') +
        '--b\r\nContent-Type: application/octet-stream; name=new.bin\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b--\r\n',
    );
    const parsed = await parseMessage({ kind: 'buffer', bytes: mixed });
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['new.bin', 'old.pdf']);
    expect((await readAttachment(Readable.from([mixed]), 0))?.equals(Buffer.from([0, 1, 2]))).toBe(true);
    expect((await readAttachment(Readable.from([mixed]), 1))?.equals(pdf)).toBe(true);
    expect(await readAttachment(Readable.from([mixed]), 2)).toBeNull();
  });
});
