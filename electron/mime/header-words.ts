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
 * UTF-8 when the bytes are valid UTF-8 (RFC 6532 headers), else windows-1252: raw 8-bit headers come
 * almost always from Western mailers that never heard of RFC 2047, and it maps every byte to something.
 */
export function decodeBytes(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return windows1252(bytes);
  }
}
