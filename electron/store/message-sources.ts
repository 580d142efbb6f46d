import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { HomingError } from '../../shared/errors';
import { prepare, type ReadDb, type WriteDb } from './db';
import { SOURCE_CHUNK_BYTES } from './limits';
import type { MessageSource } from './message-source';
import { deflateChunk, encodingFits, type EncodedSource } from './source-encoding';
import { zlib } from './lazy-zlib';

/** Calls `visit` with the source's bytes in chunks of SOURCE_CHUNK_BYTES, reading a file source a chunk at a time. */
export function forEachChunk(source: MessageSource, visit: (chunk: Buffer, seq: number) => void): void {
  if (source.kind === 'buffer') {
    const { bytes } = source;
    if (bytes.length === 0) visit(bytes, 0);
    for (let offset = 0, seq = 0; offset < bytes.length; offset += SOURCE_CHUNK_BYTES, seq++) {
      visit(bytes.subarray(offset, offset + SOURCE_CHUNK_BYTES), seq);
    }
    return;
  }
  let fd: number;
  try {
    fd = openSync(source.path, 'r');
  } catch (error) {
    throw new HomingError('IO_ERROR', `Could not read the downloaded message at ${source.path}.`, { path: source.path }, { cause: error });
  }
  try {
    const buffer = Buffer.allocUnsafe(SOURCE_CHUNK_BYTES);
    let seq = 0;
    let total = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      visit(buffer.subarray(0, read), seq++);
      total += read;
    }
    if (seq === 0) visit(Buffer.alloc(0), 0);
    if (total !== source.size) {
      throw new HomingError('IO_ERROR', `The downloaded message at ${source.path} has ${total} bytes, expected ${source.size}.`);
    }
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 (hex) and size of the raw bytes (taken from `encoded` when it was computed ahead for them). */
export function hashSource(source: MessageSource, encoded?: EncodedSource | null): { hash: string; size: number } {
  if (encoded && source.kind === 'buffer' && encodingFits(encoded, source.bytes.length)) return { hash: encoded.hash, size: encoded.size };
  const hash = createHash('sha256');
  let size = 0;
  forEachChunk(source, (chunk) => {
    hash.update(chunk);
    size += chunk.length;
  });
  return { hash: hash.digest('hex'), size };
}

export interface WriteSourceOptions {
  /** Computed ahead for these bytes (source-encoding.ts): spares compressing inside the transaction. */
  encoded?: EncodedSource | null;
  /** The message row was inserted in this transaction: it has no source to replace yet. */
  fresh?: boolean;
  /** false: store the chunks as they are (a header block that the full source will replace). Default true. */
  deflate?: boolean;
}

/** Stores the exact bytes (replacing any earlier, shorter source of the same message). Call inside a transaction. */
export function writeSource(db: WriteDb, messageId: number, source: MessageSource, { encoded, fresh, deflate = true }: WriteSourceOptions = {}): void {
  if (!fresh) prepare<[number]>(db, 'DELETE FROM message_sources WHERE message_id = ?').run(messageId);
  const insert = prepare<[number, number, string, Uint8Array]>(
    db,
    'INSERT INTO message_sources (message_id, seq, compression, raw) VALUES (?, ?, ?, ?)',
  );
  const ahead = encoded && source.kind === 'buffer' && encodingFits(encoded, source.bytes.length) ? encoded.chunks : null;
  forEachChunk(source, (chunk, seq) => {
    const deflated = ahead ? ahead[seq]! : deflate ? deflateChunk(chunk) : null;
    if (deflated) insert.run(messageId, seq, 'deflate', deflated);
    else insert.run(messageId, seq, 'none', chunk);
  });
}

interface ChunkRow {
  compression: 'none' | 'deflate';
  raw: Buffer;
}

/** The stored bytes chunk by chunk, in order (a large message never sits in memory whole). */
export function* sourceChunks(db: ReadDb, messageId: number): Generator<Buffer> {
  const count = prepare<[number], { n: number }>(db, 'SELECT count(*) AS n FROM message_sources WHERE message_id = ?').get(messageId)?.n ?? 0;
  if (count === 0) throw new HomingError('NOT_FOUND', `No stored source for message ${messageId}.`);
  const chunk = prepare<[number, number], ChunkRow>(db, 'SELECT compression, raw FROM message_sources WHERE message_id = ? AND seq = ?');
  for (let seq = 0; seq < count; seq++) {
    const row = chunk.get(messageId, seq);
    if (!row) throw new HomingError('DATABASE_CORRUPT', `Message ${messageId} is missing part ${seq} of its source.`);
    yield row.compression === 'deflate' ? zlib().inflateSync(row.raw) : row.raw;
  }
}

/** The whole stored source in one Buffer (for ordinary sizes; large ones should use sourceChunks). */
export function readSource(db: ReadDb, messageId: number): Buffer {
  return Buffer.concat([...sourceChunks(db, messageId)]);
}

/**
 * The header block of the stored source: up to and including the empty line that ends it (RFC 5322
 * section 2.1), or everything when there is none. Read chunk by chunk until it ends, so a large message is
 * not read whole for its headers.
 */
export function readHeaderBlock(db: ReadDb, messageId: number): Buffer {
  let head = Buffer.alloc(0);
  for (const chunk of sourceChunks(db, messageId)) {
    // From a few bytes back, so a CRLF CRLF split between two chunks is found too.
    const from = Math.max(0, head.length - 3);
    head = Buffer.concat([head, chunk]);
    const end = blankLineEnd(head, from);
    if (end !== -1) return head.subarray(0, end);
  }
  return head;
}

/** Where the first empty line ends (just after its line break), searching from `from`; -1 if none. */
function blankLineEnd(bytes: Buffer, from: number): number {
  // An empty line at the very start: no header fields at all.
  if (from === 0 && bytes[0] === 0x0a) return 1;
  if (from === 0 && bytes[0] === 0x0d && bytes[1] === 0x0a) return 2;
  const crlf = bytes.indexOf('\r\n\r\n', from);
  const lf = bytes.indexOf('\n\n', from);
  if (crlf === -1 && lf === -1) return -1;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return crlf + 4;
  return lf + 2;
}

export function hasSource(db: ReadDb, messageId: number): boolean {
  return prepare<[number], { x: number }>(db, 'SELECT 1 AS x FROM message_sources WHERE message_id = ? LIMIT 1').get(messageId) !== undefined;
}
