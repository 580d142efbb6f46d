import { describe, expect, it } from 'vitest';
import { HomingError } from '../../../../../shared/errors';
import { type BodyConsumer, type Expectation, parseStatusLine, ResponseReader, type StatusLine } from '../../../../../electron/protocols/pop3/response-reader';

/** A body consumer that keeps what it got, for comparison. */
class Collect implements BodyConsumer {
  parts: Buffer[] = [];
  ended = false;
  aborted: HomingError | null = null;
  write(segment: Buffer) {
    this.parts.push(Buffer.from(segment));
    return true;
  }
  drained() {
    return Promise.resolve();
  }
  end() {
    this.ended = true;
  }
  abort(error: HomingError) {
    this.aborted = error;
  }
  get bytes() {
    return Buffer.concat(this.parts);
  }
}

interface Outcome {
  status: StatusLine | null;
  error: HomingError | null;
}

function expectation(reader: ResponseReader, options: Partial<Expectation> = {}): Outcome {
  const outcome: Outcome = { status: null, error: null };
  reader.expect({
    command: 'RETR 1',
    multiline: true,
    allowContinuation: false,
    maxBodyBytes: 1_000_000,
    consumer: null,
    timeoutMs: 1000,
    resolve: (status) => (outcome.status = status),
    reject: (error) => (outcome.error = error),
    ...options,
  });
  return outcome;
}

/** What a server sends for `body`: dot-stuffed lines, then CRLF.CRLF (RFC 1939 §3). */
function stuffed(body: Buffer): Buffer {
  const text = body.toString('latin1');
  const lines = text.split('\r\n');
  const out = lines.map((line) => (line.startsWith('.') ? `.${line}` : line)).join('\r\n');
  return Buffer.from(`+OK message follows\r\n${out}${text.endsWith('\r\n') || text === '' ? '' : '\r\n'}.\r\n`, 'latin1');
}

/** Feeds `bytes` to a fresh reader split at the given offsets, returns what the consumer got. */
function readSplit(bytes: Buffer, cuts: number[]): { body: Buffer; outcome: Outcome; consumer: Collect } {
  const fatal: HomingError[] = [];
  const reader = new ResponseReader((e) => fatal.push(e));
  const consumer = new Collect();
  const outcome = expectation(reader, { consumer });
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    reader.push(bytes.subarray(from, cut));
    from = cut;
  }
  expect(fatal).toEqual([]);
  return { body: consumer.bytes, outcome, consumer };
}

/** A tiny deterministic PRNG so a failure can be reproduced. */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('parseStatusLine', () => {
  it('reads +OK, -ERR with an RFC 2449 response code, and SASL continuations', () => {
    expect(parseStatusLine('+OK 2 320')).toEqual({ kind: 'ok', text: '2 320', code: null });
    expect(parseStatusLine('+OK')).toEqual({ kind: 'ok', text: '', code: null });
    expect(parseStatusLine('-ERR [IN-USE] Mailbox locked')).toEqual({ kind: 'err', text: 'Mailbox locked', code: 'IN-USE' });
    expect(parseStatusLine('-ERR [SYS/TEMP] try later')).toEqual({ kind: 'err', text: 'try later', code: 'SYS/TEMP' });
    expect(parseStatusLine('+ VXNlcm5hbWU6')).toEqual({ kind: 'continue', text: 'VXNlcm5hbWU6', code: null });
    expect(parseStatusLine('+')).toEqual({ kind: 'continue', text: '', code: null });
    expect(parseStatusLine('* OK IMAP4rev1')).toBeNull();
    expect(parseStatusLine('+OKAY')).toBeNull();
  });
});

describe('ResponseReader', () => {
  const body = Buffer.from('Subject: dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nnot the end\r\nlast line\r\n', 'latin1');

  it('unstuffs dots and stops at CRLF.CRLF', () => {
    const { body: got, outcome, consumer } = readSplit(stuffed(body), []);
    expect(got.toString('latin1')).toBe(body.toString('latin1'));
    expect(outcome.status).toEqual({ kind: 'ok', text: 'message follows', code: null });
    expect(consumer.ended).toBe(true);
  });

  it('finds the terminator and the stuffing however the bytes are split, down to one byte per read', () => {
    const wire = stuffed(body);
    // Every single cut position…
    for (let cut = 1; cut < wire.length; cut++) {
      const { body: got, outcome } = readSplit(wire, [cut]);
      expect(got.equals(body), `cut at ${cut}`).toBe(true);
      expect(outcome.status?.kind).toBe('ok');
    }
    // …and one byte at a time.
    const bytewise = Array.from({ length: wire.length - 1 }, (_, i) => i + 1);
    const { body: got, outcome } = readSplit(wire, bytewise);
    expect(got.equals(body)).toBe(true);
    expect(outcome.status?.kind).toBe('ok');
  });

  it('passes random 8-bit bodies through byte for byte under random splits', () => {
    const random = rng(1939);
    const alphabet = [0x2e, 0x2e, 0x0d, 0x0a, 0x0d, 0x0a, 0x41, 0x20, 0xe9, 0x00, 0xff];
    for (let round = 0; round < 300; round++) {
      const lines: Buffer[] = [];
      const count = 1 + Math.floor(random() * 12);
      for (let l = 0; l < count; l++) {
        const length = Math.floor(random() * 8);
        const line = Buffer.from(Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]!));
        // A bare CR or LF inside a line would make the reference stuffer disagree with RFC lines; keep lines clean.
        lines.push(Buffer.from(line.filter((b) => b !== 0x0d && b !== 0x0a)));
      }
      const original = Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\r\n')]));
      const wire = stuffed(original);
      const cuts = [...new Set(Array.from({ length: Math.floor(random() * 6) }, () => 1 + Math.floor(random() * (wire.length - 1))))].sort((a, b) => a - b);
      const { body: got, outcome } = readSplit(wire, cuts);
      expect(got.equals(original), `round ${round}, cuts ${cuts.join(',')}`).toBe(true);
      expect(outcome.status?.kind).toBe('ok');
    }
  });

  it('reads an empty body', () => {
    const { body: got, outcome } = readSplit(Buffer.from('+OK\r\n.\r\n'), [4, 5, 6]);
    expect(got.length).toBe(0);
    expect(outcome.status?.kind).toBe('ok');
  });

  it('tolerates a bare-LF terminator from sloppy servers', () => {
    const { body: got, outcome } = readSplit(Buffer.from('+OK\nline\n.\n'), [6, 7]);
    expect(got.toString()).toBe('line\n');
    expect(outcome.status?.kind).toBe('ok');
  });

  it('keeps pipelined answers apart, in order, when they arrive in one read', () => {
    const reader = new ResponseReader(() => undefined);
    const first = new Collect();
    const second = new Collect();
    const a = expectation(reader, { consumer: first });
    const b = expectation(reader, { command: 'DELE 1', multiline: false });
    const c = expectation(reader, { command: 'RETR 2', consumer: second });
    const d = expectation(reader, { command: 'RETR 3', consumer: new Collect() });
    reader.push(Buffer.from('+OK\r\nA\r\n.\r\n+OK deleted\r\n+OK\r\n..B\r\n.\r\n-ERR [SYS/PERM] no such message\r\n'));
    expect(first.bytes.toString()).toBe('A\r\n');
    expect(b.status).toEqual({ kind: 'ok', text: 'deleted', code: null });
    expect(second.bytes.toString()).toBe('.B\r\n');
    expect(a.status?.kind).toBe('ok');
    expect(c.status?.kind).toBe('ok');
    expect(d.status).toEqual({ kind: 'err', text: 'no such message', code: 'SYS/PERM' });
    expect(reader.waiting).toBe(0);
  });

  it('does not read a body after -ERR to a multi-line command, and tells the consumer', () => {
    const reader = new ResponseReader(() => undefined);
    const consumer = new Collect();
    const outcome = expectation(reader, { consumer });
    const next = expectation(reader, { command: 'NOOP', multiline: false });
    reader.push(Buffer.from('-ERR no such message\r\n+OK\r\n'));
    expect(outcome.status?.kind).toBe('err');
    expect(consumer.aborted).not.toBeNull();
    expect(next.status?.kind).toBe('ok');
  });

  it('refuses a body over its limit with RESPONSE_TOO_LARGE and stops reading the stream', () => {
    const fatal: HomingError[] = [];
    const reader = new ResponseReader((e) => fatal.push(e));
    const consumer = new Collect();
    const outcome = expectation(reader, { consumer, maxBodyBytes: 10 });
    reader.push(Buffer.from('+OK\r\n0123456789abcdef\r\n.\r\n'));
    expect(outcome.error?.code).toBe('RESPONSE_TOO_LARGE');
    expect(consumer.aborted?.code).toBe('RESPONSE_TOO_LARGE');
    expect(fatal.map((e) => e.code)).toEqual(['RESPONSE_TOO_LARGE']);
  });

  it('refuses an endless status line and a line that is not POP3', () => {
    const fatal: HomingError[] = [];
    const reader = new ResponseReader((e) => fatal.push(e));
    const outcome = expectation(reader, { multiline: false });
    reader.push(Buffer.alloc(5000, 0x41));
    expect(outcome.error?.code).toBe('RESPONSE_TOO_LARGE');

    const other = new ResponseReader(() => undefined);
    const garbage = expectation(other, { multiline: false });
    other.push(Buffer.from('HTTP/1.1 400 Bad Request\r\n'));
    expect(garbage.error?.code).toBe('PROTOCOL_ERROR');
  });

  it('refuses a SASL challenge where none may come', () => {
    const reader = new ResponseReader(() => undefined);
    const outcome = expectation(reader, { command: 'STAT', multiline: false });
    reader.push(Buffer.from('+ \r\n'));
    expect(outcome.error?.code).toBe('PROTOCOL_ERROR');
  });

  it('fails every waiting answer when the connection ends mid-body, and aborts the consumer', () => {
    const reader = new ResponseReader(() => undefined);
    const consumer = new Collect();
    const outcome = expectation(reader, { consumer });
    const after = expectation(reader, { command: 'DELE 1', multiline: false });
    reader.push(Buffer.from('+OK\r\nhalf a mess'));
    reader.fail(new HomingError('CONNECTION_LOST', 'cut'));
    expect(outcome.error?.code).toBe('CONNECTION_LOST');
    expect(after.error?.code).toBe('CONNECTION_LOST');
    expect(consumer.aborted?.code).toBe('CONNECTION_LOST');
    expect(consumer.ended).toBe(false);
  });

  it('counts bytes that arrived unasked (what STLS must refuse to build on)', () => {
    const reader = new ResponseReader(() => undefined);
    const outcome = expectation(reader, { command: 'STLS', multiline: false });
    reader.push(Buffer.from('+OK Begin TLS\r\n+OK injected\r\n'));
    expect(outcome.status?.kind).toBe('ok');
    expect(reader.unconsumedBytes).toBe('+OK injected\r\n'.length);
  });
});
