import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { MBOX_SPILL_BYTES } from './limits';
import type { MessageSource } from './message-source';

/** One message read from an mbox file: its bytes (From_ quoting undone) and the framing it came with. */
export interface MboxMessage {
  source: MessageSource;
  /** How the message sat in the file, so export can write the same bytes again. */
  framing: MboxFraming;
}

/**
 * The From_ line with its line end, e.g. `From alice@example.org Mon Jan  1 00:00:00 2024\n`, and the
 * empty line that followed the message (`\n`, `\r\n`, or `''` at the end of a file without one), both
 * decoded as latin1 (one character per byte) so that writing them back as latin1 gives the same bytes.
 */
export interface MboxFraming {
  fromLine: string;
  separator: string;
}

/**
 * A From_ line: "From ", an envelope sender, and a ctime-style date with a time and a year (what every
 * mbox writer puts there: mutt, Thunderbird's "From - ...", Eudora's "From ???@???", our export). The
 * date requirement keeps a body line such as "From the desk of ..." from splitting a message when an
 * mboxo writer failed to quote it.
 */
const FROM_LINE = /^From \S+.*\b\d{1,2}:\d{2}(?::\d{2})?\b.*\b\d{4}\b/;
const QUOTED_FROM = /^>+From /;

const F = 0x46;
const GT = 0x3e;

interface Pending {
  fromLine: string;
  chunks: Buffer[];
  size: number;
  /** Length of the last line when it is empty ("\n" or "\r\n"), else 0: the separator, if a From_ line follows. */
  trailingBlank: number;
  spill: WriteStream | null;
  spillPath: string | null;
}

/**
 * Reads an mbox file message by message (mboxo and mboxrd alike). A separator is a From_ line at the
 * start of the file or after an empty line; the empty line before it belongs to the format, not to
 * the message. Quoted lines (`>From `, `>>From `) lose one `>` (mboxrd, RFC 4155 appendix A): for
 * mboxo files that is also right for every line the writer quoted. Messages larger than
 * MBOX_SPILL_BYTES are spilled to a file in `spillDir`, so memory stays bounded. Only lines starting
 * with `F` or `>` are looked at closely; the rest is copied in spans.
 */
export async function* readMbox(path: string, spillDir: string): AsyncGenerator<MboxMessage> {
  let current: Pending | null = null;
  let previousBlank = true;
  /** Length of the last line read when it was empty, else 0. */
  let blankLength = 0;
  let spillCount = 0;
  let carry: Buffer | null = null;

  const append = (bytes: Buffer) => {
    if (!current || bytes.length === 0) return;
    current.chunks.push(bytes);
    current.size += bytes.length;
  };

  const finish = async (): Promise<MboxMessage | null> => {
    if (!current) return null;
    const message = current;
    current = null;
    // The last line, when empty, is the separator before the next From_ line (or the end of the file).
    const separator = message.trailingBlank === 2 ? '\r\n' : message.trailingBlank === 1 ? '\n' : '';
    if (message.trailingBlank > 0) {
      const last = message.chunks.pop()!;
      const kept = last.subarray(0, last.length - message.trailingBlank);
      if (kept.length > 0) message.chunks.push(kept);
      message.size -= message.trailingBlank;
    }
    if (message.spill && message.spillPath) {
      await writeAll(message.spill, message.chunks);
      await new Promise<void>((resolve, reject) => message.spill!.end((error?: Error | null) => (error ? reject(error) : resolve())));
      return { framing: { fromLine: message.fromLine, separator }, source: { kind: 'file', path: message.spillPath, size: message.size } };
    }
    return { framing: { fromLine: message.fromLine, separator }, source: { kind: 'buffer', bytes: Buffer.concat(message.chunks, message.size) } };
  };

  const spillIfLarge = async () => {
    if (!current || current.size <= MBOX_SPILL_BYTES || current.chunks.length < 2) return;
    if (!current.spill) {
      current.spillPath = join(spillDir, `mbox-${process.pid}-${spillCount++}.eml`);
      current.spill = createWriteStream(current.spillPath, { mode: 0o600 });
    }
    // The last chunk stays in memory: it may end with the separator line.
    const keep = current.chunks.pop()!;
    await writeAll(current.spill, current.chunks);
    current.chunks = [keep];
  };

  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = null;
    let pos = 0;
    let span = 0; // start of bytes copied unchanged into the current message
    for (;;) {
      const nl = data.indexOf(0x0a, pos);
      if (nl === -1) break;
      const lineEnd = nl + 1;
      const first = data[pos];
      if (first === F && (previousBlank || !current) && data.toString('latin1', pos, pos + 5) === 'From ') {
        const text = data.toString('latin1', pos, nl).replace(/\r$/, '');
        if (!current || FROM_LINE.test(text)) {
          append(data.subarray(span, pos));
          if (current) current.trailingBlank = blankLength;
          const done = await finish();
          if (done) yield done;
          current = { fromLine: data.toString('latin1', pos, lineEnd), chunks: [], size: 0, trailingBlank: 0, spill: null, spillPath: null };
          previousBlank = false;
          blankLength = 0;
          pos = span = lineEnd;
          continue;
        }
      } else if (first === GT && QUOTED_FROM.test(data.toString('latin1', pos, Math.min(lineEnd, pos + 64)))) {
        append(data.subarray(span, pos));
        span = pos + 1;
      }
      const length = lineEnd - pos;
      previousBlank = length === 1 || (length === 2 && data[pos] === 0x0d);
      blankLength = previousBlank ? length : 0;
      pos = lineEnd;
    }
    append(data.subarray(span, pos));
    if (current) current.trailingBlank = blankLength;
    if (pos < data.length) carry = Buffer.from(data.subarray(pos));
    await spillIfLarge();
  }
  if (carry) {
    // A last line without a line end: part of the last message.
    append(carry);
    if (current) current.trailingBlank = 0;
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
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
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

/**
 * A From_ line for a message that came without one: envelope sender and the date in ctime format, UTC.
 * A date whose year is not four digits (a Date header of year 10000 or 999, or none that parsed) gets
 * the Unix epoch instead: mbox readers (ours, mutt, Thunderbird) only take a From_ line with a four-digit
 * year, and an unrecognised one would join the message to the one before it on re-import.
 */
export function fromLineFor(sender: string | null, given: Date): string {
  const year = given.getUTCFullYear();
  const date = year >= 1000 && year <= 9999 ? given : new Date(0);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  const ctime = `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
  const envelope = sender && /^[^\s<>]+@[^\s<>]+$/.test(sender) ? sender : 'MAILER-DAEMON';
  return `From ${envelope} ${ctime}`;
}
