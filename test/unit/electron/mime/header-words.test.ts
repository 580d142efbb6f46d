import { describe, expect, it } from 'vitest';
import { headerFields } from '../../../../electron/mime/header-fields';
import { decodeBytes, decodeWords, headerEnd } from '../../../../electron/mime/header-words';

// libmime is loaded on the first word decoded (header-words.ts): these run that path as the header: search does.
describe('header words', () => {
  it('decodes RFC 2047 words in several charsets, and leaves a broken one as it is', () => {
    expect(decodeWords('=?UTF-8?Q?caf=C3=A9?= au lait')).toBe('café au lait');
    expect(decodeWords('=?ISO-8859-1?B?6Q==?=')).toBe('é');
    expect(decodeWords('=?Shift_JIS?B?k/qWe4zq?=')).toBe('日本語');
    expect(decodeWords('plain text')).toBe('plain text');
  });

  it('reads raw bytes as UTF-8 or else windows-1252, and finds the end of the header block', () => {
    expect(decodeBytes(Buffer.from('Subject: Grüße', 'utf8'))).toBe('Subject: Grüße');
    expect(decodeBytes(Buffer.from([0xe9, 0x41]))).toBe('éA');
    expect(headerEnd(Buffer.from('A: 1\r\nB: 2\r\n\r\nbody'))).toBe(10);
    expect(headerEnd(Buffer.from('A: 1\nB: 2\n\nbody'))).toBe(9);
  });

  it('finds the first CRLF CRLF or LF LF, as searching the whole buffer for each would', () => {
    // The rule before headerEnd read line by line: the earlier of the two patterns anywhere in the buffer.
    const byPatterns = (bytes: Buffer) => {
      const crlf = bytes.indexOf('\r\n\r\n');
      const lf = bytes.indexOf('\n\n');
      if (crlf === -1) return lf === -1 ? bytes.length : lf;
      return lf === -1 ? crlf : Math.min(crlf, lf);
    };
    const cases = ['', '\n', '\n\n', '\r\n\r\n', '\r\n\r\nbody', 'A\n\r\nB', 'A\r\n\nB', 'A: 1\r\n\r\n\n\n', 'A: 1\n\r\n\r\n', 'no end\r\n', '\r\r\n\n'];
    for (const text of cases) expect(headerEnd(Buffer.from(text)), JSON.stringify(text)).toBe(byPatterns(Buffer.from(text)));
    // Random runs of the four bytes that matter, a few letters among them.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 24) }, () => [0x0d, 0x0a, 0x41, 0x3a][Math.floor(random() * 4)]!));
      expect(headerEnd(bytes), bytes.toString('hex')).toBe(byPatterns(bytes));
    }
  });

  it('gives header fields with their encoded words decoded', () => {
    const fields = headerFields(Buffer.from('Subject: =?UTF-8?B?w6l0w6k=?=\r\nX-Spam:  yes\r\n  really\r\n\r\nbody'));
    expect(fields.get('subject')).toEqual(['été']);
    expect(fields.get('x-spam')).toEqual(['yes really']);
  });
});
