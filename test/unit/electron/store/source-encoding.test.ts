import { createHash, randomBytes } from 'node:crypto';
import { constants, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { commitMessage } from '../../../../electron/store/ingest';
import { COMPRESSION_SAMPLE_MIN_BYTES, SOURCE_CHUNK_BYTES } from '../../../../electron/store/limits';
import { readSource } from '../../../../electron/store/message-sources';
import { deflateChunk, encodeSource, entropyBytes } from '../../../../electron/store/source-encoding';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { eml, localFolder, tempStore } from '../../../helpers/store';

const chunkKinds = (db: ReturnType<typeof tempStore>['db'], id: number) =>
  (db.sqlite.prepare('SELECT compression FROM message_sources WHERE message_id = ? ORDER BY seq').all(id) as Array<{ compression: string }>).map((r) => r.compression);

describe('sources encoded ahead of the transaction', () => {
  it('stores the exact bytes, text chunks deflated and random ones as they are, with the hash of the bytes', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    // Chunk 0 text (compresses), chunk 1 random bytes (does not), chunk 2 a short text tail.
    const text = eml({ Subject: 'big' }, 'the walrus and the carpenter\r\n'.repeat(Math.ceil(SOURCE_CHUNK_BYTES / 30)));
    const bytes = Buffer.concat([text.subarray(0, SOURCE_CHUNK_BYTES), randomBytes(SOURCE_CHUNK_BYTES), Buffer.from('tail '.repeat(200))]);
    const source = { kind: 'buffer' as const, bytes };
    const encoded = encodeSource(bytes);
    expect(encoded.hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(encoded.chunks.map((c) => c !== null)).toEqual([true, false, true]);
    const parsed = await parseMessage(source);
    const stored = writeTransaction(db, (changes) =>
      commitMessage(db, changes, { accountId: 'local', folderId: folder.id, key: { kind: 'imap', uidvalidity: 1, uid: 1 }, source, parsed, encoded }),
    );
    expect(readSource(db, stored.messageId).equals(bytes)).toBe(true);
    expect(chunkKinds(db, stored.messageId)).toEqual(['deflate', 'none', 'deflate']);
    const row = db.sqlite.prepare('SELECT content_hash, size FROM messages WHERE id = ?').get(stored.messageId);
    expect(row).toEqual({ content_hash: encoded.hash, size: bytes.length });
  });

  it('stores a big base64 attachment as it is and still deflates big text', () => {
    const base64 = (n: number) => Buffer.from(randomBytes(n).toString('base64').replace(/.{76}/g, '$&\r\n'));
    const attachment = eml({ Subject: 'photo', 'Content-Transfer-Encoding': 'base64' }, base64(200_000).toString());
    expect(attachment.length).toBeGreaterThan(COMPRESSION_SAMPLE_MIN_BYTES);
    // Huffman coding saves ~24% here: above the 10% any chunk must save, below what a sampled one must.
    expect(deflateChunk(attachment)).toBeNull();
    expect(encodeSource(attachment).chunks).toEqual([null]);

    const letter = eml({ Subject: 'long letter' }, 'the walrus and the carpenter were walking close at hand\r\n'.repeat(3000));
    expect(letter.length).toBeGreaterThan(COMPRESSION_SAMPLE_MIN_BYTES);
    expect(deflateChunk(letter)!.length).toBeLessThan(letter.length * 0.7);
  });

  it('judges a sample by its byte entropy, which is within 3% of what Huffman coding makes of it', () => {
    const entropyOf = (bytes: Uint8Array) => {
      const counts = new Uint32Array(256);
      for (const b of bytes) counts[b]!++;
      return entropyBytes(counts, bytes.length);
    };
    const huffman = (bytes: Uint8Array) => deflateSync(bytes, { level: 1, strategy: constants.Z_HUFFMAN_ONLY }).length;
    const samples = [
      Buffer.from(randomBytes(9216).toString('base64').replace(/.{76}/g, '$&\r\n')).subarray(0, 12288),
      Buffer.from('the walrus and the carpenter were walking close at hand\r\n'.repeat(250)).subarray(0, 12288),
      Buffer.from('Съешь же ещё этих мягких французских булок, да выпей чаю. 我能吞下玻璃而不伤身体。'.repeat(100)).subarray(0, 12288),
    ];
    for (const sample of samples) {
      const estimate = entropyOf(sample);
      expect(estimate).toBeLessThanOrEqual(huffman(sample));
      expect(estimate).toBeGreaterThan(huffman(sample) * 0.97);
    }
    expect(entropyOf(Buffer.alloc(4096, 'a'))).toBe(0);
    expect(entropyOf(Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256)))).toBe(4096);
  });

  it('ignores an encoding made for other bytes (a different size) and encodes the source itself', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const bytes = eml({ Subject: 'mine' }, 'x'.repeat(5000));
    const wrong = encodeSource(eml({ Subject: 'other' }, 'y'.repeat(7000)));
    const source = { kind: 'buffer' as const, bytes };
    const parsed = await parseMessage(source);
    const stored = writeTransaction(db, (changes) =>
      commitMessage(db, changes, { accountId: 'local', folderId: folder.id, key: { kind: 'local' }, source, parsed, encoded: wrong }),
    );
    expect(readSource(db, stored.messageId).equals(bytes)).toBe(true);
    const row = db.sqlite.prepare('SELECT content_hash FROM messages WHERE id = ?').get(stored.messageId) as { content_hash: string };
    expect(row.content_hash).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('writes the chunks as encoded ahead, without compressing again', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const bytes = eml({ Subject: 'plain' }, 'compressible text '.repeat(500));
    const source = { kind: 'buffer' as const, bytes };
    // The encoder chose to store it as is (as it would for incompressible bytes): the writer follows.
    const encoded = { ...encodeSource(bytes), chunks: [null] };
    const parsed = await parseMessage(source);
    const stored = writeTransaction(db, (changes) =>
      commitMessage(db, changes, { accountId: 'local', folderId: folder.id, key: { kind: 'local' }, source, parsed, encoded }),
    );
    expect(chunkKinds(db, stored.messageId)).toEqual(['none']);
    expect(readSource(db, stored.messageId).equals(bytes)).toBe(true);
  });

  it('deflates a small base64 message too (Huffman coding only) and gives back the exact bytes', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const attachment = randomBytes(30_000).toString('base64').replace(/.{76}/g, '$&\r\n');
    const bytes = eml({ Subject: 'photo', 'Content-Transfer-Encoding': 'base64', 'Content-Type': 'image/jpeg' }, attachment);
    expect(bytes.length).toBeLessThan(COMPRESSION_SAMPLE_MIN_BYTES);
    const encoded = encodeSource(bytes);
    // 6 bits of information per base64 character: about a quarter smaller, which clears MIN_COMPRESSION_SAVING.
    expect(encoded.chunks[0]!.length).toBeLessThan(bytes.length * 0.8);
    const source = { kind: 'buffer' as const, bytes };
    const parsed = await parseMessage(source);
    const stored = writeTransaction(db, (changes) =>
      commitMessage(db, changes, { accountId: 'local', folderId: folder.id, key: { kind: 'local' }, source, parsed, encoded }),
    );
    expect(chunkKinds(db, stored.messageId)).toEqual(['deflate']);
    expect(readSource(db, stored.messageId).equals(bytes)).toBe(true);
  });

  it('encodes an empty source as one chunk', () => {
    expect(encodeSource(Buffer.alloc(0))).toMatchObject({ size: 0, chunks: [null] });
  });
});
