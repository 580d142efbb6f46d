import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { HomingError, isDiskFullError } from '../../../shared/errors';
import type { MessageSource } from '../../mime/message-source';
import type { BodyConsumer } from './response-reader';

/**
 * Collects the body of a listing (CAPA, UIDL, LIST) as text lines. Decoded with one StringDecoder across
 * segments, so a multi-byte character split between reads stays whole.
 */
export class LinesSink implements BodyConsumer {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  private done = false;

  write(segment: Buffer): boolean {
    this.text += this.decoder.write(segment);
    return true;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  end(): void {
    this.text += this.decoder.end();
    this.done = true;
  }

  abort(): void {
    this.text = '';
  }

  /** The lines without their endings (empty lines dropped: no listing has a meaningful one). */
  lines(): string[] {
    if (!this.done) throw new HomingError('INTERNAL', 'A POP3 listing was read before it ended.');
    return this.text.split(/\r?\n/).filter((line) => line.length > 0);
  }
}

/**
 * Hands each line of a listing (UIDL, LIST) to `onLine` as it arrives, keeping only the unfinished last
 * line: the listing of a maildrop of 100,000 messages is never held as one text, nor as 100,000 strings.
 * Lines end at LF (a CR before it is dropped); empty lines are skipped. The first error `onLine` throws
 * is kept and later lines are skipped; `finish()` throws it once the response has ended (the reader
 * itself never sees it, so the connection stays in step).
 */
export class EachLineSink implements BodyConsumer {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private done = false;
  private failure: { error: unknown } | null = null;

  constructor(private readonly onLine: (line: string) => void) {}

  write(segment: Buffer): boolean {
    this.take(this.decoder.write(segment));
    return true;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  end(): void {
    this.take(this.decoder.end());
    if (this.partial.length > 0) this.line(this.partial.endsWith('\r') ? this.partial.slice(0, -1) : this.partial);
    this.partial = '';
    this.done = true;
  }

  abort(): void {
    this.partial = '';
  }

  /** Call once the response ended well: throws what `onLine` threw, if anything. */
  finish(): void {
    if (!this.done) throw new HomingError('INTERNAL', 'A POP3 listing was finished before it ended.');
    if (this.failure) throw this.failure.error;
  }

  private take(text: string): void {
    if (text.length === 0) return;
    const all = this.partial + text;
    let start = 0;
    for (let end = all.indexOf('\n'); end >= 0; end = all.indexOf('\n', start)) {
      this.line(all.slice(start, end > start && all.charCodeAt(end - 1) === 13 ? end - 1 : end));
      start = end + 1;
    }
    this.partial = all.slice(start);
  }

  private line(line: string): void {
    if (line.length === 0 || this.failure) return;
    try {
      this.onLine(line);
    } catch (error) {
      this.failure = { error };
    }
  }
}

export interface MessageSinkOptions {
  /** Past this many bytes the message goes to a temp file instead of memory. */
  spillBytes: number;
  /** Where temp files go (created if missing); the caller deletes a file source after storing it. */
  tempDir: string;
}

/**
 * Collects one message (RETR or TOP): in memory while small, then streamed to a temp file, so memory stays
 * bounded whatever the size. `source()` resolves once every byte is in memory or flushed to the file; an
 * aborted download leaves no file behind.
 */
export class MessageSink implements BodyConsumer {
  private chunks: Buffer[] = [];
  private size = 0;
  private file: { path: string; stream: WriteStream; failed: Error | null } | null = null;
  private settled = false;
  private resolveSource!: (source: MessageSource) => void;
  private rejectSource!: (error: HomingError) => void;
  readonly source: Promise<MessageSource>;

  constructor(private readonly options: MessageSinkOptions) {
    this.source = new Promise((resolve, reject) => {
      this.resolveSource = resolve;
      this.rejectSource = reject;
    });
    // A rejected download is handled by whoever awaits the command; do not report it twice.
    this.source.catch(() => undefined);
  }

  write(segment: Buffer): boolean {
    this.size += segment.length;
    if (!this.file) {
      this.chunks.push(segment);
      if (this.size <= this.options.spillBytes) return true;
      this.openFile();
      return true;
    }
    return this.file.stream.write(segment);
  }

  drained(): Promise<void> {
    const stream = this.file?.stream;
    if (!stream || !stream.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('close', done);
        resolve();
      };
      stream.on('drain', done).on('close', done);
    });
  }

  end(): void {
    if (this.settled) return;
    if (!this.file) {
      this.settled = true;
      this.resolveSource({ kind: 'buffer', bytes: this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size) });
      this.chunks = [];
      return;
    }
    const file = this.file;
    file.stream.end();
    finished(file.stream, (error) => {
      if (this.settled) return;
      this.settled = true;
      file.failed ??= error ?? null;
      if (file.failed) {
        rmSync(file.path, { force: true });
        this.rejectSource(spillError(file.failed, file.path, this.size));
      } else {
        this.resolveSource({ kind: 'file', path: file.path, size: this.size });
      }
    });
  }

  abort(error: HomingError): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    if (this.file) {
      const { path, stream } = this.file;
      stream.destroy();
      // The stream may still hold an open descriptor for a moment; remove the file once it is closed.
      stream.once('close', () => rmSync(path, { force: true }));
      rmSync(path, { force: true });
    }
    this.rejectSource(error);
  }

  private openFile(): void {
    mkdirSync(this.options.tempDir, { recursive: true, mode: 0o700 });
    const path = join(this.options.tempDir, `pop3-${process.pid}-${randomBytes(8).toString('hex')}.eml`);
    const stream = createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: 1024 * 1024 });
    const file: { path: string; stream: WriteStream; failed: Error | null } = { path, stream, failed: null };
    stream.on('error', (error) => {
      file.failed = error;
    });
    this.file = file;
    for (const chunk of this.chunks) stream.write(chunk);
    this.chunks = [];
  }
}

/**
 * A spill file that could not be written. A full disk (or quota) is DISK_FULL, as when SQLite fills it:
 * the pass then says how many messages were saved before it, instead of an IO_ERROR naming a temp file.
 */
function spillError(error: Error, path: string, size: number): HomingError {
  const code = (error as NodeJS.ErrnoException).code;
  if (isDiskFullError(error)) {
    return new HomingError('DISK_FULL', `The disk is full: a downloaded message of ${size} bytes could not be written to ${path}.`, { path, reason: code }, { cause: error });
  }
  return new HomingError('IO_ERROR', `A downloaded message could not be written to ${path}: ${error.message}`, { path }, { cause: error });
}

/**
 * What TOP msg n asked for (RFC 1939 §7): passes the header block, the blank line and the first `lines`
 * body lines to `inner`, at most `maxKept` bytes, and swallows the rest. Some servers ignore n and send
 * the whole message: kept whole (or refused as too large), a message over the size limit failed its pass
 * at every check (a 60 MB one was over TOP's limit: RESPONSE_TOO_LARGE), or was stored in full. What is
 * kept is then what a server that honours n would have sent.
 */
export class TopLinesSink implements BodyConsumer {
  private kept = 0;
  private phase: 'header' | 'body' | 'done' = 'header';
  private lineLength = 0;
  private bodyLines = 0;

  constructor(
    private readonly inner: MessageSink,
    private readonly lines: number,
    private readonly maxKept: number,
  ) {}

  write(segment: Buffer): boolean {
    if (this.phase === 'done') return true;
    let cut = segment.length;
    for (let i = 0; i < segment.length; i++) {
      const byte = segment[i]!;
      if (byte !== 0x0a) {
        if (byte !== 0x0d) this.lineLength++;
        continue;
      }
      if (this.phase === 'header') {
        if (this.lineLength === 0) this.phase = 'body';
        this.lineLength = 0;
        if (this.phase === 'header' || this.lines > 0) continue;
      } else if (++this.bodyLines < this.lines) {
        continue;
      }
      cut = i + 1;
      this.phase = 'done';
      break;
    }
    cut = Math.min(cut, this.maxKept - this.kept);
    if (cut < segment.length) this.phase = 'done';
    if (cut <= 0) return true;
    this.kept += cut;
    return this.inner.write(cut === segment.length ? segment : segment.subarray(0, cut));
  }

  drained(): Promise<void> {
    return this.inner.drained();
  }

  end(): void {
    this.inner.end();
  }

  abort(error: HomingError): void {
    this.inner.abort(error);
  }
}
