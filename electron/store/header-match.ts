import type BetterSqlite3 from 'better-sqlite3';
import { headerFields, headerMatches } from '../mime/header-fields';
import { zlib } from './lazy-zlib';

/** The SQL function search plans call for `header:` (search-plan.ts); registered on every connection. */
export const HEADER_MATCH_FUNCTION = 'homing_header_match';

/** Bytes of a stored chunk read for its header block: more than any real header block, less than a big body. */
const HEADER_READ_BYTES = 256 * 1024;
/** Deflated bytes inflated for it (Huffman coding saves at most ~40% on text: ~100 KB of header room). */
const HEADER_INPUT_BYTES = 64 * 1024;

/**
 * homing_header_match(compression, raw, name, text): whether the header block at the start of a stored
 * source chunk (seq 0, as message_sources holds it) has the field. A deflated chunk is inflated only from its
 * first HEADER_INPUT_BYTES, so a long message costs no more than its head.
 */
export function registerHeaderMatch(sqlite: BetterSqlite3.Database): void {
  sqlite.function(HEADER_MATCH_FUNCTION, { deterministic: true, varargs: false }, (compression: unknown, raw: unknown, name: unknown, text: unknown) => {
    if (!Buffer.isBuffer(raw) || typeof name !== 'string') return 0;
    const head = compression === 'deflate' ? inflateHead(raw) : raw.subarray(0, HEADER_READ_BYTES);
    return headerMatches(headerFields(head), name, typeof text === 'string' ? text : null) ? 1 : 0;
  });
}

function inflateHead(raw: Buffer): Buffer {
  try {
    // Z_SYNC_FLUSH: a cut-short input gives what it holds instead of an error.
    const { inflateSync, constants } = zlib();
    return inflateSync(raw.subarray(0, HEADER_INPUT_BYTES), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}
