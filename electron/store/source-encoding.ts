import { createHash } from 'node:crypto';
import { constants, deflateSync } from 'node:zlib';
import { MIN_COMPRESSION_SAVING, SOURCE_CHUNK_BYTES } from './limits';

/**
 * How an in-memory source will be stored, worked out ahead of the write transaction: its SHA-256, its
 * size, and for each SOURCE_CHUNK_BYTES chunk either the deflated bytes or null (stored as is). Pure CPU
 * with no database: the sync computes it on a parsing thread (sync/parse-worker.ts), so the
 * thread that owns the write connection only inserts rows. writeSource() takes it in place of
 * compressing again; the stored format is the same either way.
 */
export interface EncodedSource {
  hash: string;
  size: number;
  chunks: Array<Uint8Array | null>;
}

/**
 * The deflated chunk when that saves enough (JPEG/ZIP attachments do not shrink), else null. Huffman
 * coding only, no LZ77 match search: most of mail's bytes are base64, where matching finds next to nothing,
 * and on the IMAP bench corpus it stores 0.69 of the raw size at 30% of level 1's CPU (level 1: 0.63).
 * Compressing is on the sync's critical path (a parsing thread does it while the next messages arrive);
 * the stored format is plain deflate either way, so older stores read the same.
 */
export function deflateChunk(chunk: Uint8Array): Buffer | null {
  if (chunk.length <= 256) return null;
  // deflate is lossless whatever the strategy: inflating gives back exactly these bytes (round-trip tests).
  const deflated = deflateSync(chunk, { level: 1, strategy: constants.Z_HUFFMAN_ONLY });
  return deflated.length <= chunk.length * (1 - MIN_COMPRESSION_SAVING) ? deflated : null;
}

export function encodeSource(bytes: Uint8Array): EncodedSource {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const chunks: Array<Uint8Array | null> = [];
  for (let offset = 0; offset < bytes.length || offset === 0; offset += SOURCE_CHUNK_BYTES) {
    chunks.push(deflateChunk(bytes.subarray(offset, offset + SOURCE_CHUNK_BYTES)));
    if (bytes.length === 0) break;
  }
  return { hash, size: bytes.length, chunks };
}

/** True when `encoded` was made from these bytes' length and chunking (a mismatch is a bug: the caller re-encodes). */
export function encodingFits(encoded: EncodedSource, size: number): boolean {
  return encoded.size === size && encoded.chunks.length === Math.max(1, Math.ceil(size / SOURCE_CHUNK_BYTES));
}
