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

  it('gives header fields with their encoded words decoded', () => {
    const fields = headerFields(Buffer.from('Subject: =?UTF-8?B?w6l0w6k=?=\r\nX-Spam:  yes\r\n  really\r\n\r\nbody'));
    expect(fields.get('subject')).toEqual(['été']);
    expect(fields.get('x-spam')).toEqual(['yes really']);
  });
});
