import { Transform, type TransformCallback } from 'node:stream';
import { headerEnd } from './header-words';
import { HEADER_BLOCK_KEPT_BYTES, HEADER_BLOCK_UNTOUCHED_BYTES, HEADER_FIELD_KEPT_BYTES, HEADER_FIELD_PAST_BLOCK_BYTES } from './limits';

/**
 * A message's header blocks the parser can read, from mail with a header field of a megabyte or more
 * (a spam tool's or a broken gateway's X- field, a References list gone wild, a Subject pasted full).
 * mailparser's splitter refuses a header block past 1 MB ('Max header size for a MIME node exceeded'), so
 * such a message was stored as failed: `homing show` and the reader gave its raw source as its text, the
 * header first, and the list its header as the preview. For parsing only (the stored source keeps its
 * bytes), each field of such a header block is cut to HEADER_FIELD_KEPT_BYTES, marked ` [...]` where it
 * was cut, so that the other fields and the body are read as they are.
 *
 * The splitter's limit holds for every MIME part's header block too (a part's own megabyte field, or an
 * attached message's), so the body is read for the lines that open a part: a line `--BOUNDARY` of a
 * boundary named by a multipart Content-Type seen so far (RFC 2046 section 5.1.1), each followed by a
 * header block. An attached message (message/rfc822) is left as it is: the splitter keeps it whole, as
 * the attachment's bytes, which must not change.
 *
 * A header block under HEADER_BLOCK_UNTOUCHED_BYTES (every real mailer's) is passed on as it is, without
 * a copy or a look at its fields. Expects line ends already readable (line-ends.ts): CRs only before LFs.
 */
export class HeaderBound {
  /**
   * 'sniff': collecting a header block's first bytes to see whether it is small; 'cut': reading it field by
   * field; 'body': passing bytes on, looking for the lines that open a part.
   */
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
  /** Cut mode: the Content-Type field's bytes given on, while it is the field being read; all of them in the block. */
  private inType = false;
  private typeBytes: Buffer[] = [];
  /** `--BOUNDARY` of every multipart seen so far: a body line that is one of these opens a part. */
  private delimiters: Buffer[] = [];
  /** Body: the start of a line the last chunk ended in, held while it may still be a delimiter line. */
  private lineStart = EMPTY;
  /** Body: the last chunk ended inside a line that is not a delimiter. */
  private midLine = false;
  /** Whether anything given on differs from what came in. */
  private cutAny = false;

  /** Whether a field was cut so far (otherwise the bytes given on are the bytes pushed). */
  get changed(): boolean {
    return this.cutAny;
  }

  push(chunk: Buffer): Buffer {
    const out = this.feed(chunk);
    return out.length === 0 ? EMPTY : out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /** push, as the pieces to give on in order (subarrays of the chunks where nothing was cut). */
  feed(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let rest = chunk;
    while (rest.length > 0) {
      if (this.state === 'body') rest = this.body(rest, out);
      else if (this.state === 'sniff') rest = this.sniff(rest, out);
      else rest = this.cut(rest, out);
    }
    return out;
  }

  /** What is still held at the end of the input. */
  end(): Buffer {
    if (this.state === 'sniff') return joined(this.held);
    if (this.state === 'cut' && this.lineLength > 0) {
      // A header block with no blank line after it: its last line, cut as any other, without a line end.
      const out: Buffer[] = [];
      this.endLine(out, false);
      return Buffer.concat(out);
    }
    if (this.state === 'body') return this.lineStart;
    return EMPTY;
  }

  /** Holds a header block's first bytes until its blank line is seen or it is known to be large. Returns the bytes after the block. */
  private sniff(chunk: Buffer, out: Buffer[]): Buffer {
    // Looks for the blank line in the new bytes only (from the last 3 held ones, for a line end split between chunks).
    const probe = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const end = headerEnd(probe);
    const before = this.heldBytes - this.tail.length;
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    this.tail = probe.subarray(Math.max(0, probe.length - 3));
    if (end < probe.length && before + end <= HEADER_BLOCK_UNTOUCHED_BYTES) {
      // headerEnd gives where the blank line's line end starts: LF LF, or CRLF CRLF.
      const blockEnd = before + end + (probe[end] === 0x0d ? 4 : 2);
      const bytes = joined(this.held);
      this.resetHeld();
      const block = bytes.subarray(0, blockEnd);
      out.push(block);
      this.endBlock(boundaryOf(block));
      return bytes.subarray(blockEnd);
    }
    if (this.heldBytes <= HEADER_BLOCK_UNTOUCHED_BYTES) return EMPTY;
    const bytes = joined(this.held);
    this.resetHeld();
    this.state = 'cut';
    this.blockKept = 0;
    this.typeBytes = [];
    return bytes;
  }

  private resetHeld(): void {
    this.held = [];
    this.heldBytes = 0;
    this.tail = EMPTY;
  }

  /** Reads header lines from `chunk`; once the blank line is read, returns the rest of the chunk (else nothing). */
  private cut(chunk: Buffer, out: Buffer[]): Buffer {
    const pieces: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      const nl = chunk.indexOf(0x0a, at);
      const stop = nl === -1 ? chunk.length : nl;
      this.addToLine(chunk.subarray(at, stop));
      if (nl === -1) break;
      at = nl + 1;
      const blank = this.lineLength === 0 || (this.lineLength === 1 && this.lastCr);
      if (blank) {
        pieces.push(this.lastCr ? CRLF : LF);
        out.push(Buffer.concat(pieces));
        this.resetLine();
        this.inType = false;
        this.endBlock(this.typeBytes.length ? boundaryOf(Buffer.concat(this.typeBytes)) : null);
        this.typeBytes = [];
        return chunk.subarray(at);
      }
      this.endLine(pieces, true);
    }
    out.push(Buffer.concat(pieces));
    return EMPTY;
  }

  /** A header block ended: a multipart's body holds lines that open its parts. */
  private endBlock(boundary: string | null): void {
    if (boundary) this.delimiters.push(Buffer.from(`--${boundary}`, 'latin1'));
    this.state = 'body';
    this.lineStart = EMPTY;
    this.midLine = false;
  }

  /** Passes body bytes on up to a line that opens a part; returns the bytes after that line (else nothing). */
  private body(chunk: Buffer, out: Buffer[]): Buffer {
    if (this.delimiters.length === 0) {
      // No multipart above: nothing in this body opens a part (the common case: a single-part message).
      out.push(chunk);
      return EMPTY;
    }
    let data = chunk;
    if (this.lineStart.length) {
      data = Buffer.concat([this.lineStart, chunk]);
      this.lineStart = EMPTY;
    }
    let from = 0;
    if (this.midLine) {
      const nl = data.indexOf(0x0a);
      if (nl === -1) {
        out.push(data);
        return EMPTY;
      }
      from = nl + 1;
      this.midLine = false;
    }
    // `from` is where a line starts: a delimiter line starts with '--', found by its line end and first '-'.
    while (from < data.length) {
      if (data[from] === 0x2d && (from + 1 === data.length || data[from + 1] === 0x2d)) {
        const nl = data.indexOf(0x0a, from);
        if (nl === -1) {
          // The chunk ends inside it: held back when it may still be a delimiter line.
          if (data.length - from <= DELIMITER_LINE_MAX_BYTES) {
            if (from > 0) out.push(data.subarray(0, from));
            this.lineStart = Buffer.from(data.subarray(from));
            return EMPTY;
          }
          break;
        }
        if (this.opensPart(data.subarray(from, nl))) {
          out.push(data.subarray(0, nl + 1));
          this.state = 'sniff';
          return data.subarray(nl + 1);
        }
      }
      const next = data.indexOf(LF_DASH, from);
      if (next === -1) break;
      from = next + 1;
    }
    out.push(data);
    this.midLine = data[data.length - 1] !== 0x0a;
    return EMPTY;
  }

  /** `--BOUNDARY` and nothing after it but white space (RFC 2046 section 5.1.1); the closing `--BOUNDARY--` opens none. */
  private opensPart(line: Buffer): boolean {
    if (line.length > DELIMITER_LINE_MAX_BYTES) return false;
    return this.delimiters.some((delimiter) => {
      if (line.length < delimiter.length || !line.subarray(0, delimiter.length).equals(delimiter)) return false;
      for (let i = delimiter.length; i < line.length; i++) {
        const byte = line[i];
        if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
      }
      return true;
    });
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
      this.inType = CONTENT_TYPE_FIELD.test(bytes.subarray(0, 16).toString('latin1'));
    }
    const end = this.lastCr ? CRLF : LF;
    this.resetLine();
    if (this.fieldCut) return;
    // Past HEADER_BLOCK_KEPT_BYTES of header block, a field keeps its first bytes only (the block must stay under the splitter's 1 MB).
    const room = (this.blockKept < HEADER_BLOCK_KEPT_BYTES ? HEADER_FIELD_KEPT_BYTES : HEADER_FIELD_PAST_BLOCK_BYTES) - this.fieldKept;
    const kept = contentLength <= room ? bytes : bytes.subarray(0, Math.max(0, room));
    out.push(kept);
    if (this.inType) this.typeBytes.push(kept, LF);
    this.fieldKept += kept.length;
    this.blockKept += kept.length;
    if (kept !== bytes) {
      out.push(CUT_MARK);
      this.fieldCut = true;
      this.cutAny = true;
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

/** The boundary of a header block's Content-Type when it is a multipart, unquoted. */
function boundaryOf(block: Buffer): string | null {
  // latin1: bytes as they are, one per char.
  const field = /^content-type[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)/im.exec(block.toString('latin1'));
  if (!field || !/^\s*multipart\//i.test(field[1]!)) return null;
  const boundary = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;"]+))/i.exec(field[1]!);
  return boundary ? (boundary[1] ?? boundary[2] ?? null) : null;
}

function joined(pieces: Buffer[]): Buffer {
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

const EMPTY: Buffer = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');
const LF = Buffer.from('\n');
const LF_DASH = Buffer.from('\n-');
const CONTENT_TYPE_FIELD = /^content-type[ \t]*:/i;
/** A delimiter line is `--`, a boundary of at most 70 characters (RFC 2046 section 5.1.1) and white space; far more is allowed for. */
const DELIMITER_LINE_MAX_BYTES = 1024;
/** Where a field was cut: ASCII, so the field stays a plain one, and plain to see in the reader's headers. */
const CUT_MARK = Buffer.from(' [...]');

/** The message's bytes with its header fields bounded (HeaderBound); the same Buffer for nearly all mail. */
export function boundedHeader(bytes: Buffer): Buffer {
  const end = headerEnd(bytes.subarray(0, HEADER_BLOCK_UNTOUCHED_BYTES + 4));
  // A header block of ordinary size and a body too small to hold a large one: nothing to look at.
  if (end <= HEADER_BLOCK_UNTOUCHED_BYTES && bytes.length - end <= HEADER_BLOCK_UNTOUCHED_BYTES) return bytes;
  if (bytes.length <= HEADER_BLOCK_UNTOUCHED_BYTES) return bytes;
  const bound = new HeaderBound();
  const pieces = bound.feed(bytes);
  const tail = bound.end();
  if (!bound.changed) return bytes;
  return Buffer.concat(tail.length ? [...pieces, tail] : pieces);
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
