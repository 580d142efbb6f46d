import { libmime } from './lazy-modules';

/*
 * Reading raw header bytes and RFC 2047 words, apart from the fallback-headers.ts that uses them, so that
 * the store's header: search function (store/header-match.ts, registered on every connection, so in every
 * `homing search`) loads neither mailparser nor, until a word is encoded, libmime (lazy-modules.ts).
 */

/**
 * Offset of the blank line that ends the header block (the first CRLF CRLF or LF LF, whichever comes
 * first), or the whole buffer when there is none. Reads line by line up to there: searching for each
 * pattern over the whole buffer read every byte of a CRLF message's body for an LF LF it does not have,
 * and the sync asks this of every message it stores (twice: parse-message, rules/arrivals).
 */
export function headerEnd(bytes: Buffer): number {
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, nl + 1)) {
    const next = bytes[nl + 1];
    if (next === 0x0a) return nl;
    if (next === 0x0d && bytes[nl + 2] === 0x0a && bytes[nl - 1] === 0x0d) return nl - 1;
  }
  return bytes.length;
}

export function decodeWords(value: string): string {
  // libmime changes nothing without an encoded word (each of its patterns needs "=?", but the marker of
  // its own joining): most header values, and every one of a plain ASCII message, skip loading it.
  if (!value.includes('=?') && !value.includes('__\x00JOIN\x00__')) return value;
  try {
    return libmime().decodeWords(value);
  } catch {
    return value;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * windows-1252's 0x80-0x9F (undefined ones stay C1 controls, as the WHATWG table has them). Written out
 * because Node's TextDecoder('windows-1252') reads those bytes as Latin-1 (U+0080-U+009F) on the Node.js
 * releases the command line runs on, which would lose the euro sign, dashes and curly quotes.
 */
const C1 = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Bytes read as windows-1252. */
export function windows1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => C1[c.charCodeAt(0) - 0x80]!);
}

/**
 * UTF-8 when the bytes are valid UTF-8 (RFC 6532 headers), else the charset the message declares for its
 * text (`declared`, from declaredCharset) when the bytes are valid in it, else windows-1252: raw 8-bit
 * headers come from mailers that never heard of RFC 2047 and write the header in the charset of the text
 * they send (an old Russian mailer: windows-1251 or KOI8-R; Japanese: Shift_JIS; Chinese: GB18030), and
 * windows-1252 maps every byte to something. Thunderbird reads them with the message's charset too.
 */
export function decodeBytes(bytes: Buffer, declared: string | null = null): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const decoder = declared ? headerDecoder(declared) : null;
    if (decoder) {
      try {
        return decoder.decode(bytes);
      } catch {
        // Not valid in the declared charset either (the header came from elsewhere): windows-1252.
      }
    }
    return windows1252(bytes);
  }
}

type Decoder = InstanceType<typeof TextDecoder>;
const decoders = new Map<string, Decoder | null>();

/** A strict decoder for a declared charset that can say more than windows-1252, or null. */
function headerDecoder(label: string): Decoder | null {
  const key = label.toLowerCase();
  let decoder = decoders.get(key);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(key, { fatal: true });
      // The UTF family was tried already (or reads 8-bit bytes as nonsense: UTF-16); Latin-1 and ASCII
      // are windows-1252 (WHATWG), which windows1252() reads with its C1 characters on every Node;
      // ISO-2022 is 7-bit, so its 8-bit bytes mean nothing.
      if (/^(utf-|windows-1252$|iso-2022-)/.test(decoder.encoding)) decoder = null;
    } catch {
      decoder = null; // a label the runtime does not know (x-klingon-99)
    }
    if (decoders.size < 64) decoders.set(key, decoder);
  }
  return decoder;
}

/**
 * The charset a message declares for its text: the first `charset` parameter of a Content-Type field in
 * `head` (the top-level header block, else the first part that names one) other than US-ASCII and UTF-8.
 * Only a hint for reading raw 8-bit header bytes (decodeBytes).
 */
export function declaredCharset(head: Buffer | string): string | null {
  const text = typeof head === 'string' ? head : head.subarray(0, DECLARED_CHARSET_BYTES).toString('latin1');
  const fields = /(?:^|\n)content-type:((?:[^\n]|\n[ \t])*)/gi;
  for (let field = fields.exec(text); field; field = fields.exec(text)) {
    const charset = /;\s*charset\s*=\s*"?([A-Za-z0-9._:+-]{1,40})/i.exec(field[1]!)?.[1];
    if (charset && !/^(us-?ascii|utf-?8|ascii)$/i.test(charset)) return charset;
  }
  return null;
}

/** How far into a message declaredCharset looks (the header block and the first parts' headers). */
const DECLARED_CHARSET_BYTES = 64 * 1024;
