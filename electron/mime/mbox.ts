import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { MBOX_SPILL_BYTES } from './limits';
import type { MessageSource } from './message-source';

/** One message read from an mbox file: its bytes (From_ quoting undone) and the From_ line it came with. */
export interface MboxMessage {
  source: MessageSource;
  /**
   * The separator line without its line end, e.g. `From alice@example.org Mon Jan  1 00:00:00 2024`,
   * decoded as latin1 (one character per byte) so that writing it back as latin1 gives the same bytes.
   */
  fromLine: string;
}

/**
 * A From_ line: "From ", an envelope sender, and a ctime-style date with a time and a year (what every
 * mbox writer puts there: mutt, Thunderbird's "From - ...", Eudora's "From ???@???", our export). The
 * date requirement keeps a body line such as "From the desk of ..." from splitting a message when an
 * mboxo writer failed to quote it.
 */
const FROM_LINE = /^From \S+.*\b\d{1,2}:\d{2}(?::\d{2})?\b.*\b\d{4}\b/;
const QUOTED_FROM = /^>+From /;

const isBlank = (line: Buffer) => line.length === 1 ? line[0] === 0x0a : line.length === 2 && line[0] === 0x0d && line[1] === 0x0a;
const startsWithFrom = (line: Buffer) => line.length >= 5 && line.toString('latin1', 0, 5) === 'From ';

/**
 * Reads an mbox file message by message (mboxo and mboxrd alike). A separator is a From_ line at the
 * start of the file or after an empty line; the empty line before it belongs to the format, not to
 * the message. Quoted lines (`>From `, `>>From `) lose one `>` (mboxrd, RFC 4155 appendix A): for
 * mboxo files that is also right for every line the writer quoted. Messages larger than
 * MBOX_SPILL_BYTES are spilled to a file in `spillDir`, so memory stays bounded.
 */
export async function* readMbox(path: string, spillDir: string): AsyncGenerator<MboxMessage> {
  let current: { fromLine: string; chunks: Buffer[]; size: number; spill: WriteStream | null; spillPath: string | null } | null = null;
  let previousBlank = true;
  let spillCount = 0;
  let carry: Buffer | null = null;

  const finish = async (): Promise<MboxMessage | null> => {
    if (!current) return null;
    const message = current;
    current = null;
    // The last line, when empty, is the separator before the next From_ line (or the end of the file).
    const last = message.chunks[message.chunks.length - 1];
    if (last && isBlank(last)) {
      message.chunks.pop();
      message.size -= last.length;
    }
    if (message.spill && message.spillPath) {
      await writeAll(message.spill, message.chunks);
      await new Promise<void>((resolve, reject) => message.spill!.end((error?: Error | null) => (error ? reject(error) : resolve())));
      return { fromLine: message.fromLine, source: { kind: 'file', path: message.spillPath, size: message.size } };
    }
    return { fromLine: message.fromLine, source: { kind: 'buffer', bytes: Buffer.concat(message.chunks, message.size) } };
  };

  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  const lines: Buffer[] = [];
  const onLine = async (line: Buffer): Promise<MboxMessage | null> => {
    let done: MboxMessage | null = null;
    if (startsWithFrom(line) && (previousBlank || !current)) {
      const text = line.toString('latin1').replace(/\r?\n$/, '');
      if (!current || FROM_LINE.test(text)) {
        done = await finish();
        current = { fromLine: text, chunks: [], size: 0, spill: null, spillPath: null };
        previousBlank = false;
        return done;
      }
    }
    if (!current) return null; // Text before the first From_ line: not part of any message.
    const kept = QUOTED_FROM.test(line.toString('latin1', 0, Math.min(line.length, 64))) ? line.subarray(1) : line;
    // A pending last line stays in memory (it may be the separator); the rest may go to the spill file.
    current.chunks.push(kept);
    current.size += kept.length;
    if (current.size > MBOX_SPILL_BYTES && current.chunks.length > 1) {
      if (!current.spill) {
        current.spillPath = join(spillDir, `mbox-${process.pid}-${spillCount++}.eml`);
        current.spill = createWriteStream(current.spillPath);
      }
      const keep = current.chunks.pop()!;
      await writeAll(current.spill, current.chunks);
      current.chunks = [keep];
    }
    previousBlank = isBlank(line);
    return done;
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl + 1);
      const line: Buffer = carry ? Buffer.concat([carry, piece]) : Buffer.from(piece);
      carry = null;
      lines.push(line);
      start = nl + 1;
    }
    if (start < chunk.length) carry = carry ? Buffer.concat([carry, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
    for (const line of lines.splice(0)) {
      const done = await onLine(line);
      if (done) yield done;
    }
  }
  if (carry) {
    const done = await onLine(carry);
    if (done) yield done;
  }
  const last = await finish();
  if (last) yield last;
}

function writeAll(stream: WriteStream, chunks: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    if (chunks.length === 0) return resolve();
    const onError = (error: Error) => reject(error);
    stream.once('error', onError);
    let ok = true;
    for (const chunk of chunks) ok = stream.write(chunk) && ok;
    const done = () => {
      stream.off('error', onError);
      resolve();
    };
    if (ok) done();
    else stream.once('drain', done);
  });
}

/**
 * Quotes one message for an mboxrd file: every line matching `>*From ` gets one more `>` (RFC 4155
 * appendix A), so readMbox gives back exactly these bytes. Feed it the message's chunks in order; it
 * keeps a partial line across chunk boundaries.
 */
export class MboxQuoter {
  private atLineStart = true;
  private pending: Buffer | null = null;

  /** Returns the bytes to write for this chunk (possibly holding back the start of an unfinished line). */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let start = 0;
    while (start < data.length) {
      if (this.atLineStart) {
        // Decide on quoting only once enough of the line is known (up to the first non-'>' and 5 more bytes).
        let i = start;
        while (i < data.length && data[i] === 0x3e) i++;
        if (data.length - i < 5 && data.indexOf(0x0a, start) === -1) {
          this.pending = Buffer.from(data.subarray(start));
          return out;
        }
        if (data.toString('latin1', i, i + 5) === 'From ') out.push(Buffer.from('>'));
        this.atLineStart = false;
      }
      const nl = data.indexOf(0x0a, start);
      if (nl === -1) {
        out.push(data.subarray(start));
        break;
      }
      out.push(data.subarray(start, nl + 1));
      start = nl + 1;
      this.atLineStart = true;
    }
    data = Buffer.alloc(0);
    return out;
  }

  /** The rest held back at the end of the message. */
  end(): Buffer[] {
    const rest = this.pending;
    this.pending = null;
    this.atLineStart = true;
    return rest ? [rest] : [];
  }
}

/** A From_ line for a message that came without one: envelope sender and the date in ctime format, UTC. */
export function fromLineFor(sender: string | null, date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  const ctime = `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
  const envelope = sender && /^[^\s<>]+@[^\s<>]+$/.test(sender) ? sender : 'MAILER-DAEMON';
  return `From ${envelope} ${ctime}`;
}
