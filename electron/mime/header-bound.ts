import { Transform, type TransformCallback } from 'node:stream';
import { headerEnd } from './header-words';
import { HEADER_BLOCK_KEPT_BYTES, HEADER_BLOCK_UNTOUCHED_BYTES, HEADER_FIELD_KEPT_BYTES, HEADER_FIELD_PAST_BLOCK_BYTES } from './limits';

/**
 * A message's header block the parser can read, from mail with a header field of a megabyte or more
 * (a spam tool's or a broken gateway's X- field, a References list gone wild, a Subject pasted full).
 * mailparser's splitter refuses a header block past 1 MB ('Max header size for a MIME node exceeded'), so
 * such a message was stored as failed: `homing show` and the reader gave its raw source as its text, the
 * header first, and the list its header as the preview. For parsing only (the stored source keeps its
 * bytes), each field of the top-level header block is cut to HEADER_FIELD_KEPT_BYTES, marked ` [...]`
 * where it was cut, so that the other fields and the body are read as they are.
 *
 * A header block under HEADER_BLOCK_UNTOUCHED_BYTES (every real mailer's) is passed on as it is, without
 * a copy or a look at its fields. Expects line ends already readable (line-ends.ts): CRs only before LFs.
 */
export class HeaderBound {
  /** 'sniff': collecting the first bytes to see whether the header block is small; 'cut': reading it field by field; 'body': passing bytes on. */
  private state: 'sniff' | 'cut' | 'body' = 'sniff';
  private held: Buffer[] = [];
  private heldBytes = 0;
  private tail = EMPTY;
  /** The line being read (cut mode): its first bytes, its whole length, whether its last byte so far is a CR. */
  private line: Buffer[] = [];
  private lineKept = 0;
  private lineLength = 0;
  private lastCr = false;
  /** Bytes of the current field given on, and whether it was cut (its further lines are dropped). */
  private fieldKept = 0;
  private fieldCut = false;
  /** Bytes of the header block given on. */
  private blockKept = 0;

  push(chunk: Buffer): Buffer {
    if (this.state === 'body') return chunk;
    if (this.state === 'sniff') {
      // Looks for the blank line in the new bytes only (from the last 3 held ones, for a line end split between chunks).
      const probe = Buffer.concat([this.tail, chunk]);
      const end = headerEnd(probe);
      const before = this.heldBytes - this.tail.length;
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      this.tail = probe.subarray(Math.max(0, probe.length - 3));
      if (end < probe.length && before + end <= HEADER_BLOCK_UNTOUCHED_BYTES) return this.pass(Buffer.concat(this.held));
      if (this.heldBytes <= HEADER_BLOCK_UNTOUCHED_BYTES) return EMPTY;
      const bytes = Buffer.concat(this.held);
      this.state = 'cut';
      this.held = [];
      this.heldBytes = 0;
      return this.cut(bytes);
    }
    return this.cut(chunk);
  }

  /** What is still held at the end of the input. */
  end(): Buffer {
    if (this.state === 'sniff') return this.pass(Buffer.concat(this.held));
    if (this.state === 'cut' && this.lineLength > 0) {
      // A header block with no blank line after it: its last line, cut as any other, without a line end.
      const out: Buffer[] = [];
      this.endLine(out, false);
      return Buffer.concat(out);
    }
    return EMPTY;
  }

  private pass(bytes: Buffer): Buffer {
    this.state = 'body';
    this.held = [];
    return bytes;
  }

  /** Reads header lines from `chunk`; once the blank line is read, the rest of the chunk is passed on. */
  private cut(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      const nl = chunk.indexOf(0x0a, at);
      const stop = nl === -1 ? chunk.length : nl;
      this.addToLine(chunk.subarray(at, stop));
      if (nl === -1) break;
      at = nl + 1;
      const blank = this.lineLength === 0 || (this.lineLength === 1 && this.lastCr);
      if (blank) {
        out.push(this.lastCr ? CRLF : LF, chunk.subarray(at));
        this.state = 'body';
        this.resetLine();
        return Buffer.concat(out);
      }
      this.endLine(out, true);
    }
    return Buffer.concat(out);
  }

  private addToLine(piece: Buffer): void {
    if (piece.length === 0) return;
    this.lineLength += piece.length;
    this.lastCr = piece[piece.length - 1] === 0x0d;
    const room = HEADER_FIELD_KEPT_BYTES + 1 - this.lineKept;
    if (room > 0) {
      const kept = piece.subarray(0, room);
      this.line.push(Buffer.from(kept));
      this.lineKept += kept.length;
    }
  }

  /** Gives on the line read (cut to what its field may still keep) with its line end. */
  private endLine(out: Buffer[], withEnd: boolean): void {
    let bytes = Buffer.concat(this.line);
    const whole = bytes.length === this.lineLength;
    // The CR of a CRLF is the line end's, not the field's.
    if (whole && this.lastCr) bytes = bytes.subarray(0, bytes.length - 1);
    const contentLength = whole ? bytes.length : this.lineLength - (this.lastCr ? 1 : 0);
    const continuation = bytes[0] === 0x20 || bytes[0] === 0x09;
    if (!continuation) {
      this.fieldKept = 0;
      this.fieldCut = false;
    }
    const end = this.lastCr ? CRLF : LF;
    this.resetLine();
    if (this.fieldCut) return;
    // Past HEADER_BLOCK_KEPT_BYTES of header block, a field keeps its first bytes only (the block must stay under the splitter's 1 MB).
    const room = (this.blockKept < HEADER_BLOCK_KEPT_BYTES ? HEADER_FIELD_KEPT_BYTES : HEADER_FIELD_PAST_BLOCK_BYTES) - this.fieldKept;
    if (contentLength <= room) {
      out.push(bytes);
      this.fieldKept += bytes.length;
      this.blockKept += bytes.length;
    } else {
      const kept = Math.max(0, room);
      out.push(bytes.subarray(0, kept), CUT_MARK);
      this.fieldKept += kept;
      this.blockKept += kept;
      this.fieldCut = true;
    }
    if (withEnd) out.push(end);
  }

  private resetLine(): void {
    this.line = [];
    this.lineKept = 0;
    this.lineLength = 0;
    this.lastCr = false;
  }
}

const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');
const LF = Buffer.from('\n');
/** Where a field was cut: ASCII, so the field stays a plain one, and plain to see in the reader's headers. */
const CUT_MARK = Buffer.from(' [...]');

/** The message's bytes with its header fields bounded (HeaderBound); the same Buffer for nearly all mail. */
export function boundedHeader(bytes: Buffer): Buffer {
  const end = headerEnd(bytes.subarray(0, HEADER_BLOCK_UNTOUCHED_BYTES + 4));
  if (end <= HEADER_BLOCK_UNTOUCHED_BYTES && end < bytes.length) return bytes;
  if (bytes.length <= HEADER_BLOCK_UNTOUCHED_BYTES) return bytes;
  const bound = new HeaderBound();
  const body = bound.push(bytes);
  const tail = bound.end();
  return tail.length ? Buffer.concat([body, tail]) : body;
}

/** HeaderBound as a stream stage, for sources read in chunks. */
export function headerBoundStream(): Transform {
  const bound = new HeaderBound();
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const out = bound.push(chunk);
      callback(null, out.length ? out : undefined);
    },
    flush(callback: TransformCallback) {
      const tail = bound.end();
      callback(null, tail.length ? tail : undefined);
    },
  });
}
