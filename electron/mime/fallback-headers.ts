import type { ParsedAddress } from './parse-message';
import { declaredCharset, decodeBytes, decodeWords, headerEnd } from './header-words';
import { mailparser } from './lazy-modules';

/** Header fields read without mailparser, for a message it could not parse. */
export interface FallbackHeaders {
  lines: Array<[name: string, value: string]>;
  get(name: string): string | null;
}

/**
 * Splits the header block (up to the first empty line) into unfolded fields, decoding RFC 2047 words
 * where possible. Tolerant on purpose: lines without a colon are skipped (RFC 5322 §2.2 says every header
 * field has one; broken mailers do not care), and raw 8-bit bytes that are not UTF-8 are read in the
 * charset the message declares for its text, else as windows-1252 (decodeBytes).
 */
export function readFallbackHeaders(head: Buffer): FallbackHeaders {
  const end = headerEnd(head);
  // Line by line, as the reader's header list does (read-message.ts): one field in UTF-8 beside one in
  // the text's charset each read right.
  const declared = declaredCharset(head);
  const bytes = head.subarray(0, end);
  const decodedLines: string[] = [];
  for (let start = 0; start <= bytes.length; ) {
    const nl = bytes.indexOf(0x0a, start);
    const stop = nl < 0 ? bytes.length : nl;
    decodedLines.push(decodeBytes(bytes.subarray(start, stop), declared));
    start = stop + 1;
  }
  const block = decodedLines.join('\n');
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

export function fallbackAddresses(value: string | null): ParsedAddress[] {
  if (!value) return [];
  try {
    const parsed = mailparser().parseAddressHeader(value, { flatten: true });
    return parsed.value
      .filter((a) => a.address)
      .map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
  } catch {
    return [];
  }
}
