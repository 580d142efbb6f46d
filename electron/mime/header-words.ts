import { libmime } from './lazy-modules';

/*
 * Reading raw header bytes and RFC 2047 words, apart from the fallback-headers.ts that uses them, so that
 * the store's header: search function (store/header-match.ts, registered on every connection, so in every
 * `homing search`) loads neither mailparser nor, until a word is encoded, libmime (lazy-modules.ts).
 */

/** Offset of the blank line that ends the header block, or the whole buffer when there is none. */
export function headerEnd(bytes: Buffer): number {
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  if (crlf === -1) return lf === -1 ? bytes.length : lf;
  if (lf === -1) return crlf;
  return Math.min(crlf, lf);
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
const windows1252 = new TextDecoder('windows-1252');

/**
 * UTF-8 when the bytes are valid UTF-8 (RFC 6532 headers), else windows-1252: raw 8-bit headers come
 * almost always from Western mailers that never heard of RFC 2047, and it maps every byte to something.
 */
export function decodeBytes(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}
