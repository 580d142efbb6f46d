import libmime from 'libmime';
import { parseAddressHeader } from 'mailparser';
import type { ParsedAddress } from './parse-message';

/** Header fields read without mailparser, for a message it could not parse. */
export interface FallbackHeaders {
  lines: Array<[name: string, value: string]>;
  get(name: string): string | null;
}

/**
 * Splits the header block (up to the first empty line) into unfolded fields, decoding RFC 2047 words
 * where possible. Tolerant on purpose: lines without a colon are skipped (RFC 5322 §2.2 says every header
 * field has one; broken mailers do not care), and any byte sequence is read as latin1 when it is not UTF-8.
 */
export function readFallbackHeaders(head: Buffer): FallbackHeaders {
  const end = headerEnd(head);
  const block = decodeBytes(head.subarray(0, end));
  const lines: Array<[string, string]> = [];
  let current: [string, string] | null = null;
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current) {
      current[1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon).trimEnd())) {
      current = null;
      continue;
    }
    current = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    lines.push(current);
  }
  const decoded = lines.map(([name, value]): [string, string] => [name, decodeWords(value)]);
  return {
    lines: decoded,
    get(name) {
      const lower = name.toLowerCase();
      const found = decoded.find(([n]) => n.toLowerCase() === lower);
      return found ? found[1] : null;
    },
  };
}

/** Offset of the blank line that ends the header block, or the whole buffer when there is none. */
export function headerEnd(bytes: Buffer): number {
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  if (crlf === -1) return lf === -1 ? bytes.length : lf;
  if (lf === -1) return crlf;
  return Math.min(crlf, lf);
}

export function decodeWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

export function fallbackAddresses(value: string | null): ParsedAddress[] {
  if (!value) return [];
  try {
    const parsed = parseAddressHeader(value, { flatten: true });
    return parsed.value
      .filter((a) => a.address)
      .map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
  } catch {
    return [];
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
