import { Transform, type TransformCallback } from 'node:stream';

/**
 * Line ends a parser can read, from mail whose CRs are not all the first half of a CRLF.
 *
 * RFC 5322 §2.3 allows CR and LF only together, but mail arrives with `\r\r\n` (a CRLF written through a
 * text-mode stream that adds a CR before every LF: Windows scripts, some gateways), with a stray `\r\r`
 * among them, and with bare CRs (classic Mac OS). mailparser splits lines at LF only, so for it a
 * `\r\r\n` blank line is no blank line and a `--boundary\r\r\n` no boundary: the header block swallowed the
 * text, and the reader and the index were empty. The stored source keeps its bytes; only what is parsed
 * is read this way:
 * - a run of CRs before an LF is one line end (CRLF);
 * - a run of CRs before anything else is a line end per CR (a bare CR is a line end, as Thunderbird reads
 *   it), except in a message that has shown a `\r\r\n` already: there the CRs of a line end are doubled,
 *   so the run is one line end.
 * A message whose every CR is the start of a CRLF (nearly all) is passed on as it is, without a copy.
 */
export class LineEnds {
  /** CRs at the end of the last chunk, not known yet to be before an LF. */
  private pendingCrs = 0;
  private doubled = false;

  push(chunk: Buffer): Buffer {
    if (this.pendingCrs === 0 && onlyCrlf(chunk)) return chunk;
    const out = Buffer.allocUnsafe(chunk.length * 2 + this.pendingCrs * 2);
    let n = 0;
    let crs = this.pendingCrs;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === 0x0d) {
        crs++;
        continue;
      }
      if (crs > 0) {
        if (byte === 0x0a) {
          if (crs > 1) this.doubled = true;
          out[n++] = 0x0d;
          out[n++] = 0x0a;
          crs = 0;
          continue;
        }
        n = this.bareRun(out, n, crs);
        crs = 0;
      }
      out[n++] = byte;
    }
    this.pendingCrs = crs;
    return out.subarray(0, n);
  }

  /** What is still held at the end of the input. */
  end(): Buffer {
    const out = Buffer.allocUnsafe(this.pendingCrs * 2);
    const n = this.bareRun(out, 0, this.pendingCrs);
    this.pendingCrs = 0;
    return out.subarray(0, n);
  }

  private bareRun(out: Buffer, at: number, crs: number): number {
    let n = at;
    for (let k = this.doubled ? Math.min(crs, 1) : crs; k > 0; k--) {
      out[n++] = 0x0d;
      out[n++] = 0x0a;
    }
    return n;
  }
}

/** True when every CR of the chunk is followed by an LF inside it. */
function onlyCrlf(chunk: Buffer): boolean {
  for (let i = chunk.indexOf(0x0d); i !== -1; i = chunk.indexOf(0x0d, i + 2)) {
    if (chunk[i + 1] !== 0x0a) return false;
  }
  return true;
}

/** The message's bytes with readable line ends (LineEnds); the same Buffer when they already are. */
export function readableLineEnds(bytes: Buffer): Buffer {
  if (onlyCrlf(bytes)) return bytes;
  const ends = new LineEnds();
  const body = ends.push(bytes);
  const tail = ends.end();
  return tail.length ? Buffer.concat([body, tail]) : body;
}

/** LineEnds as a stream stage, for sources read in chunks (a large message's stored chunks, a temp file). */
export function lineEndsStream(): Transform {
  const ends = new LineEnds();
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const out = ends.push(chunk);
      callback(null, out.length ? out : undefined);
    },
    flush(callback: TransformCallback) {
      const tail = ends.end();
      callback(null, tail.length ? tail : undefined);
    },
  });
}
