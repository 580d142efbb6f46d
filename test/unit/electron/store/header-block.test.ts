import { describe, expect, it } from 'vitest';
import { SOURCE_CHUNK_BYTES } from '../../../../electron/store/limits';
import { readHeaderBlock } from '../../../../electron/store/message-sources';
import { ingest, localFolder, tempStore } from '../../../helpers/store';

/** The header block `show --headers-only` and `export --headers-only` write: up to and including the empty line. */
describe('readHeaderBlock', () => {
  const store = async (raw: string) => {
    const { db } = tempStore();
    const folder = localFolder(db);
    const { messageId } = await ingest(db, Buffer.from(raw, 'latin1'), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    return readHeaderBlock(db, messageId).toString('latin1');
  };

  it('ends after the empty line, CRLF or LF', async () => {
    expect(await store('Subject: a\r\nFrom: b@x\r\n\r\nbody\r\n\r\nmore\r\n')).toBe('Subject: a\r\nFrom: b@x\r\n\r\n');
    expect(await store('Subject: a\nFrom: b@x\n\nbody\n')).toBe('Subject: a\nFrom: b@x\n\n');
  });

  it('is everything when there is no empty line, and just the line break when there are no header fields', async () => {
    expect(await store('Subject: only headers\r\n')).toBe('Subject: only headers\r\n');
    expect(await store('\r\nbody\r\n')).toBe('\r\n');
  });

  it('finds an empty line split between two stored chunks', async () => {
    const head = 'Subject: big\r\nX-Pad: ';
    // The CRLF CRLF starts two bytes before the first chunk ends.
    const pad = 'a'.repeat(SOURCE_CHUNK_BYTES - 2 - head.length);
    const header = `${head}${pad}\r\n\r\n`;
    expect(await store(`${header}body\r\n`)).toBe(header);
  });
});
