import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { readMessageContent } from '../../../../electron/mime/read-message';
import { decodeUtf7 } from '../../../../electron/mime/utf7';

const message = (charset: string, body: Buffer | string, type = 'text/plain') =>
  Buffer.concat([
    Buffer.from(`From: a@example.org\r\nSubject: charset ${charset}\r\nMIME-Version: 1.0\r\nContent-Type: ${type}; charset=${charset}\r\n\r\n`),
    Buffer.isBuffer(body) ? body : Buffer.from(body),
  ]);

describe('decodeUtf7', () => {
  it('decodes RFC 2152 examples, plus signs, runs ended by a non-base64 character, astral characters', () => {
    expect(decodeUtf7(Buffer.from('Hi Mom -+Jjo--!'))).toBe('Hi Mom -☺-!');
    expect(decodeUtf7(Buffer.from('A+ImIDkQ.'))).toBe('A≢Α.');
    expect(decodeUtf7(Buffer.from('+ZeVnLIqe-'))).toBe('日本語');
    expect(decodeUtf7(Buffer.from('1 +- 1 = 2'))).toBe('1 + 1 = 2');
    expect(decodeUtf7(Buffer.from('+2D3eAA-'))).toBe('😀');
    expect(decodeUtf7(Buffer.from('caf+AOk'))).toBe('café');
  });
});

describe('text in a charset mailparser does not decode', () => {
  it.each(['utf-7', 'UTF7', 'unicode-1-1-utf-7', 'csUnicode11UTF7'])('reads text labelled %s (for the store and the reader)', async (charset) => {
    const bytes = message(charset, 'Hi Mom -+Jjo--! Caf+AOk.\r\n');
    expect((await parseMessage({ kind: 'buffer', bytes })).text?.trim()).toBe('Hi Mom -☺-! Café.');
    expect((await readMessageContent({ kind: 'buffer', bytes })).text?.trim()).toBe('Hi Mom -☺-! Café.');
  });

  it('reads text under a label no decoder knows as undeclared text: UTF-8 when it is, else windows-1252', async () => {
    const latin = await parseMessage({ kind: 'buffer', bytes: message('x-unknown', Buffer.from('Plain words caf\xe9 \x80.\r\n', 'latin1')) });
    expect(latin.text?.trim()).toBe('Plain words café €.');
    const utf8 = await parseMessage({ kind: 'buffer', bytes: message('x-user-defined-typo', 'Grüße.\r\n') });
    expect(utf8.text?.trim()).toBe('Grüße.');
    // A known charset is still its own.
    const cyrillic = await parseMessage({ kind: 'buffer', bytes: message('windows-1251', Buffer.from('cff0e8e2e5f2', 'hex')) });
    expect(cyrillic.text?.trim()).toBe('Привет');
  });

  it('hands UTF-7 HTML over decoded, for the reader’s sanitiser', async () => {
    const html = (await readMessageContent({ kind: 'buffer', bytes: message('utf-7', '+ADw-p+AD4-Gr+APw-+AN8-e+ADw-/p+AD4-\r\n', 'text/html') })).html;
    expect(html?.trim()).toBe('<p>Grüße</p>');
  });
});
