import { createHash } from 'node:crypto';
import { COMPRESSION_SAMPLE_MIN_BYTES, MIN_COMPRESSION_SAVING, MIN_SAMPLED_SAVING, SOURCE_CHUNK_BYTES } from './limits';
import { zlib } from './lazy-zlib';

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
 * at 30% of level 1's CPU. A big chunk is first judged by a sample (sampleCompresses): base64 attachments,
 * which Huffman coding shrinks by only a quarter, are stored as they are. Compressing is on the sync's
 * critical path (a parsing thread does it while the next messages arrive); the stored format is plain
 * deflate either way, so older stores read the same.
 */
export function deflateChunk(chunk: Uint8Array): Buffer | null {
  if (chunk.length <= 256) return null;
  if (chunk.length >= COMPRESSION_SAMPLE_MIN_BYTES && !sampleCompresses(chunk)) return null;
  // deflate is lossless whatever the strategy: inflating gives back exactly these bytes (round-trip tests).
  const deflated = huffman(chunk);
  return deflated.length <= chunk.length * (1 - MIN_COMPRESSION_SAVING) ? deflated : null;
}

const SAMPLE_WINDOW_BYTES = 4096;

/**
 * Whether three windows of the chunk (at a quarter, half and three quarters) would together save
 * MIN_SAMPLED_SAVING under Huffman coding. Judged by their byte entropy, the size an ideal Huffman code
 * approaches (deflate's own comes out ~1% larger, for its block headers and whole-bit code lengths):
 * counting bytes costs an eighth of deflating the windows, and deflating set up a compressor per window.
 */
function sampleCompresses(chunk: Uint8Array): boolean {
  const counts = new Uint32Array(256);
  let total = 0;
  for (const q of [1, 2, 3]) {
    const start = Math.floor((chunk.length * q) / 4) - SAMPLE_WINDOW_BYTES / 2;
    const window = chunk.subarray(start, start + SAMPLE_WINDOW_BYTES);
    for (let i = 0; i < window.length; i++) counts[window[i]!]!++;
    total += window.length;
  }
  return entropyBytes(counts, total) <= total * (1 - MIN_SAMPLED_SAVING);
}

/** Shannon's bound for `total` bytes with these counts: the fewest bytes an order-0 code can spend on them. */
export function entropyBytes(counts: Uint32Array, total: number): number {
  let bits = 0;
  for (const count of counts) if (count > 0) bits -= count * Math.log2(count / total);
  return bits / 8;
}

function huffman(bytes: Uint8Array): Buffer {
  const { deflateSync, constants } = zlib();
  return deflateSync(bytes, { level: 1, strategy: constants.Z_HUFFMAN_ONLY });
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
