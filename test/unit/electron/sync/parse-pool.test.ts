import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_INDEXED_TEXT_CHARS } from '../../../../electron/mime/limits';
import { prepareSource } from '../../../../electron/sync/parse-pool';

describe('prepareSource (what a parsing thread hands back)', () => {
  it('keeps no HTML and only as much text as the index takes, with the hash and encoding of the bytes', async () => {
    const body = 'word '.repeat(Math.ceil(MAX_INDEXED_TEXT_CHARS / 5) + 1000);
    const bytes = Buffer.from(
      `Subject: long\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n${body}\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>${body}</p>\r\n--b--\r\n`,
    );
    const { parsed, encoded } = await prepareSource({ kind: 'buffer', bytes });
    expect(parsed.subject).toBe('long');
    expect(parsed.html).toBeNull();
    expect(parsed.text?.length).toBe(MAX_INDEXED_TEXT_CHARS);
    expect(parsed.snippet.startsWith('word word')).toBe(true);
    expect(encoded?.hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(encoded?.size).toBe(bytes.length);
  });
});
