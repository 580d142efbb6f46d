import { StringDecoder } from 'node:string_decoder';
import { HomingError } from '../../../shared/errors';
import { POP3_LIMITS } from './limits';

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
/** A line feed followed by the termination octet: the only place dot-stuffing can happen (RFC 1939 §3). */
const LF_DOT = Buffer.from([LF, DOT]);

/** The first line of a response. */
export interface StatusLine {
  /** `+OK`, `-ERR`, or a SASL continuation `+ …` (RFC 5034 §4). */
  kind: 'ok' | 'err' | 'continue';
  /** The text after the status indicator (without the extended response code). */
  text: string;
  /** RFC 2449 §8 extended response code without brackets, upper case: IN-USE, LOGIN-DELAY, SYS/TEMP, AUTH… */
  code: string | null;
}

/**
 * Where the body of a multi-line response goes, as it arrives. The reader has already removed the
 * byte-stuffing and the terminating `.` line; the line endings are the server's, untouched.
 */
export interface BodyConsumer {
  /**
   * A piece of the body: a view into the received chunk (keep it, it is not reused, or copy it). Returns
   * false when the consumer wants the socket paused until `drained()` resolves (backpressure).
   */
  write(segment: Buffer): boolean;
  drained(): Promise<void>;
  /** The terminating line was read: the body is complete. */
  end(): void;
  /** The response failed or was cut: drop everything collected (temp files included). */
  abort(error: HomingError): void;
}

/** One response the reader waits for, in the order the commands were sent (pipelining keeps the order). */
export interface Expectation {
  /** The command as it may be shown (secrets redacted), for errors. */
  command: string;
  /** A positive answer is followed by a body ending in `CRLF.CRLF`. */
  multiline: boolean;
  /** SASL exchanges: `+ challenge` is an answer too. */
  allowContinuation: boolean;
  maxBodyBytes: number;
  consumer: BodyConsumer | null;
  /** Longest silence allowed while this response is the one being read. */
  timeoutMs: number;
  resolve(status: StatusLine): void;
  reject(error: HomingError): void;
}

interface BodyState {
  expectation: Expectation;
  status: StatusLine;
  size: number;
  /** The next byte starts a line (where a `.` means stuffing or the end). */
  atLineStart: boolean;
}

/**
 * Turns the bytes of a POP3 connection into responses: status lines, and multi-line bodies streamed to
 * their consumer with dot-unstuffing applied. It works on bytes, not text, so 8-bit message bodies are
 * passed through exactly, and it keeps at most two bytes of look-ahead (`.` or `.\r` at a line start)
 * between reads, so the terminator is found however the server's writes were split — even one byte per
 * TCP segment. Normal lines are not copied or split: the scan jumps from one `\n.` to the next.
 */
export class ResponseReader {
  private readonly pending: Expectation[] = [];
  private body: BodyState | null = null;
  /** Bytes received but not yet consumed: an incomplete status line, or the look-ahead at a line start. */
  private carry: Buffer | null = null;
  private failure: HomingError | null = null;
  private drainWait: Promise<void> | null = null;

  /** `onFatal` is told when the stream cannot be read any further (the connection must be dropped). */
  constructor(private readonly onFatal: (error: HomingError) => void) {}

  expect(expectation: Expectation): void {
    if (this.failure) {
      expectation.consumer?.abort(this.failure);
      expectation.reject(this.failure);
      return;
    }
    this.pending.push(expectation);
  }

  /** The response currently being read, if any (its timeout applies). */
  get head(): Expectation | null {
    return this.pending[0] ?? null;
  }

  get waiting(): number {
    return this.pending.length;
  }

  /** Bytes received that belong to no response yet: must be zero when STLS starts (RFC 2595 §4, CVE-2011-0411). */
  get unconsumedBytes(): number {
    return this.body ? 0 : (this.carry?.length ?? 0);
  }

  get failed(): HomingError | null {
    return this.failure;
  }

  /** A promise to wait for before reading more (a consumer's buffers are full), taken once. */
  takeDrainWait(): Promise<void> | null {
    const wait = this.drainWait;
    this.drainWait = null;
    return wait;
  }

  push(chunk: Buffer): void {
    if (this.failure || chunk.length === 0) return;
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    let pos = 0;
    try {
      while (pos < buf.length && !this.failure) {
        if (this.body) {
          pos = this.readBody(this.body, buf, pos);
          continue;
        }
        const head = this.pending[0];
        const nl = buf.indexOf(LF, pos);
        if (nl === -1 || !head) {
          // An incomplete line, or bytes nobody asked for yet (POP3 has no unsolicited responses; they
          // are kept so that STLS can refuse to start on top of them).
          this.carry = Buffer.from(buf.subarray(pos));
          if (this.carry.length > POP3_LIMITS.statusLineBytes) {
            throw new HomingError('RESPONSE_TOO_LARGE', `The server's reply line to ${head?.command ?? 'nothing'} is longer than ${POP3_LIMITS.statusLineBytes} bytes.`, {
              command: head?.command ?? null,
            });
          }
          return;
        }
        const end = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
        if (end - pos > POP3_LIMITS.statusLineBytes) {
          throw new HomingError('RESPONSE_TOO_LARGE', `The server's reply line to ${head.command} is longer than ${POP3_LIMITS.statusLineBytes} bytes.`, {
            command: head.command,
          });
        }
        const line = decodeLine(buf.subarray(pos, end));
        pos = nl + 1;
        const status = parseStatusLine(line);
        if (!status || (status.kind === 'continue' && !head.allowContinuation)) {
          throw new HomingError('PROTOCOL_ERROR', `The server answered ${head.command} with a line that is not a POP3 reply: ${JSON.stringify(line.slice(0, 200))}`, {
            command: head.command,
            response: line.slice(0, 500),
          });
        }
        if (head.multiline && status.kind === 'ok') {
          this.body = { expectation: head, status, size: 0, atLineStart: true };
          continue;
        }
        this.pending.shift();
        if (status.kind === 'err') head.consumer?.abort(new HomingError('SERVER_ERROR', status.text));
        head.resolve(status);
      }
    } catch (error) {
      const coded = error instanceof HomingError ? error : new HomingError('INTERNAL', String(error));
      this.fail(coded);
      this.onFatal(coded);
    }
  }

  /** Nothing more will arrive: every response still expected gets `error`. */
  fail(error: HomingError): void {
    if (this.failure) return;
    this.failure = error;
    this.body = null;
    this.carry = null;
    for (const expectation of this.pending.splice(0)) {
      expectation.consumer?.abort(error);
      expectation.reject(error);
    }
  }

  /** Consumes body bytes from `pos`; returns where the next unread byte is. */
  private readBody(state: BodyState, buf: Buffer, start: number): number {
    let pos = start;
    let segmentStart = pos;
    for (;;) {
      if (state.atLineStart) {
        if (pos >= buf.length) break;
        if (buf[pos] === DOT) {
          // Decide between the terminator (`.` CRLF; a bare LF is tolerated) and a stuffed line: up to two
          // more bytes are needed. Without them, keep the tail and wait for the next read.
          if (pos + 1 >= buf.length || (buf[pos + 1] === CR && pos + 2 >= buf.length)) {
            this.emit(state, buf, segmentStart, pos);
            this.carry = Buffer.from(buf.subarray(pos));
            return buf.length;
          }
          const terminatorLength = buf[pos + 1] === LF ? 2 : buf[pos + 1] === CR && buf[pos + 2] === LF ? 3 : 0;
          this.emit(state, buf, segmentStart, pos);
          if (terminatorLength > 0) {
            this.finishBody(state);
            return pos + terminatorLength;
          }
          // RFC 1939 §3: a line that starts with the termination octet had one prepended; drop it.
          pos += 1;
          segmentStart = pos;
        }
        state.atLineStart = false;
      }
      const next = buf.indexOf(LF_DOT, pos);
      if (next === -1) {
        this.emit(state, buf, segmentStart, buf.length);
        state.atLineStart = buf[buf.length - 1] === LF;
        return buf.length;
      }
      pos = next + 1;
      state.atLineStart = true;
    }
    this.emit(state, buf, segmentStart, pos);
    return pos;
  }

  private emit(state: BodyState, buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    state.size += to - from;
    const { expectation } = state;
    if (state.size > expectation.maxBodyBytes) {
      throw new HomingError('RESPONSE_TOO_LARGE', `The server's answer to ${expectation.command} is larger than ${expectation.maxBodyBytes} bytes; it was not kept.`, {
        command: expectation.command,
        limit: expectation.maxBodyBytes,
      });
    }
    const consumer = expectation.consumer;
    if (consumer && !consumer.write(buf.subarray(from, to)) && !this.drainWait) this.drainWait = consumer.drained();
  }

  private finishBody(state: BodyState): void {
    this.body = null;
    this.pending.shift();
    state.expectation.consumer?.end();
    state.expectation.resolve(state.status);
  }
}

/** `+OK text`, `-ERR [CODE] text`, `+ base64`; null when the line is none of them. */
export function parseStatusLine(line: string): StatusLine | null {
  const match = /^(\+OK|-ERR)(?:\s+|$)(.*)$/i.exec(line);
  if (!match) {
    // RFC 5034 §4: a SASL challenge is "+" SP base64 (some servers omit the space when it is empty).
    if (line === '+' || line.startsWith('+ ')) return { kind: 'continue', text: line.slice(2), code: null };
    return null;
  }
  const kind = match[1]!.toUpperCase() === '+OK' ? 'ok' : 'err';
  let text = match[2] ?? '';
  let code: string | null = null;
  // RFC 2449 §8: an extended response code in brackets right after the status indicator.
  const coded = /^\[([^\]\s]+)\]\s*(.*)$/.exec(text);
  if (coded) {
    code = coded[1]!.toUpperCase();
    text = coded[2] ?? '';
  }
  return { kind, text, code };
}

/** A complete line of the protocol as text (UTF-8; stray 8-bit bytes become U+FFFD, never an exception). */
export function decodeLine(bytes: Buffer): string {
  return new StringDecoder('utf8').end(bytes);
}
