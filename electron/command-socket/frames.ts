import { HomingError } from '../../shared/errors';

/**
 * Frames on the command socket: a 4-byte big-endian length, then that many bytes of UTF-8 JSON. The
 * length comes first so that a frame over the limit is refused from its header, before its bytes are
 * read or buffered.
 */
export function encodeFrame(message: unknown, maxBytes: number): Buffer[] {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  if (body.length > maxBytes) {
    throw new HomingError('INVALID_ARGUMENT', `A frame of ${body.length} bytes is over the command socket's limit of ${maxBytes}.`);
  }
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  return [head, body];
}

/** Collects bytes as they arrive and hands out whole frames, parsed; a frame over the limit or not JSON throws. */
export class FrameReader {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  /** The length of the frame being read, once its header is in. */
  private expected: number | null = null;

  /** The largest frame accepted; may change between frames (small until the hello, larger after it). */
  constructor(public maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next whole frame, or undefined when its bytes have not all arrived yet. */
  next(): { value: unknown } | undefined {
    if (this.expected === null) {
      if (this.buffered < 4) return undefined;
      const length = this.take(4).readUInt32BE(0);
      if (length > this.maxBytes) {
        throw new HomingError('INVALID_ARGUMENT', `A frame of ${length} bytes is over the command socket's limit of ${this.maxBytes}.`);
      }
      this.expected = length;
    }
    if (this.buffered < this.expected) return undefined;
    const body = this.take(this.expected);
    this.expected = null;
    try {
      return { value: JSON.parse(body.toString('utf8')) as unknown };
    } catch {
      throw new HomingError('INVALID_ARGUMENT', 'A frame on the command socket is not JSON.');
    }
  }

  /** Removes `n` buffered bytes from the front. Chunks are joined only here, once per frame, never per chunk. */
  private take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let offset = 0;
    while (offset < n) {
      const chunk = this.chunks[0]!;
      const count = Math.min(chunk.length, n - offset);
      chunk.copy(out, offset, 0, count);
      offset += count;
      if (count === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(count);
    }
    this.buffered -= n;
    return out;
  }
}
