import { Transform, type TransformCallback } from 'node:stream';
import { readBase64 } from './base64-run';

const TEXT_SAMPLE_BYTES = 64 * 1024;

/*
 * Text labelled `Content-Transfer-Encoding: base64` that is not base64: plain text under that label, as some
 * broken gateways and list servers send it (they re-label a part, or add the header to a text they do not
 * encode). A base64 decoder drops every character outside its alphabet and decodes the rest, so the reader,
 * the list's preview and the index had bytes like '\x1d\xe9e\x9e' for 'Hello there'. Such a body is read
 * as the text it is instead (its raw bytes, in its charset), and the reader says so.
 */

/** A line as base64 encoders write it: alphabet characters, padding only at its end (trailing blanks allowed). */
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}[ \t]*$/;

/**
 * The decoding of a body labelled base64, or null when it does not read as base64: most of its non-blank
 * lines are not base64 lines (a plain text line has spaces or punctuation), or it decodes to control bytes
 * (decodedLooksLikeText: words without punctuation pass the first test, not the second). A clean run of
 * base64 (base64-run.ts, four bytes a step: nearly every body) skips the look at its lines.
 */
export function base64Reading(raw: Buffer, charset: string | null | undefined): Buffer | null {
  const run = readBase64(raw, 0, raw.length);
  if (!(run && run.stop === raw.length) && !mostlyBase64Lines(raw)) return null;
  const decoded = decodeBase64(raw);
  return decodedLooksLikeText(decoded, charset) ? decoded : null;
}

function mostlyBase64Lines(raw: Buffer): boolean {
  let filled = 0;
  let base64 = 0;
  for (const line of raw.toString('latin1').split('\n')) {
    const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (!trimmed.trim()) continue;
    filled++;
    if (BASE64_LINE.test(trimmed)) base64++;
  }
  return base64 * 2 >= filled;
}

/** What a base64 decoder (libbase64, which mailparser uses) makes of the bytes: every non-alphabet character dropped. */
export function decodeBase64(raw: Buffer): Buffer {
  return Buffer.from(raw.toString('latin1').replace(/[^A-Za-z0-9+/]+/g, ''), 'base64');
}

/**
 * False when at least 2% of the bytes are C0 controls no text has (all but tab, line ends, form feed and the
 * ESC of ISO-2022), or DEL: what base64-decoding words gives (about one byte in eight). A charset whose text
 * is full of NULs (UTF-16, UTF-32) is not judged so.
 */
export function decodedLooksLikeText(decoded: Buffer, charset: string | null | undefined): boolean {
  if (decoded.length === 0 || (charset && /^(utf-?(16|32)|ucs-?[24])/i.test(charset))) return true;
  // The start says it: a text part's first 64 KB (the parse of every base64 text part pays this loop).
  const length = Math.min(decoded.length, TEXT_SAMPLE_BYTES);
  let controls = 0;
  for (let i = 0; i < length; i++) {
    const byte = decoded[i]!;
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) || byte === 0x7f) controls++;
  }
  return controls * 50 < length;
}

/**
 * The transfer decoder of a text part labelled base64: collects the part, then gives on its base64
 * decoding, or, when it does not read as base64 (base64Reading), its bytes as they are and calls
 * `mislabelled`. Text parts are held whole by the parser anyway.
 */
export class CheckedBase64Decoder extends Transform {
  private chunks: Buffer[] = [];

  constructor(
    private readonly charset: string | null | undefined,
    private readonly mislabelled: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    done();
  }

  override _flush(done: TransformCallback): void {
    const raw = Buffer.concat(this.chunks);
    this.chunks = [];
    const decoded = base64Reading(raw, this.charset);
    if (decoded) return done(null, decoded);
    this.mislabelled();
    done(null, raw);
  }
}
