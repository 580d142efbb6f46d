import { decodeBytes, decodeWords } from './header-words';

/**
 * The header fields of a message's header block, by lower-cased name, each value unfolded (RFC 5322
 * section 2.2.3), its encoded-words decoded (RFC 2047) and its runs of white space made one space.
 * Lines that are not fields (no colon, or a name with spaces) are skipped, as every reader does.
 */
export function headerFields(block: Buffer | string): Map<string, string[]> {
  const text = typeof block === 'string' ? block : decodeBytes(block);
  const end = /\r?\n\r?\n/.exec(text);
  const head = end ? text.slice(0, end.index) : text;
  const fields = new Map<string, string[]>();
  for (const line of head.split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon);
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    const value = decodeWords(line.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ')).replace(/\s+/g, ' ').trim();
    const key = name.toLowerCase();
    const list = fields.get(key);
    if (list) list.push(value);
    else fields.set(key, [value]);
  }
  return fields;
}

/**
 * `header:NAME[:TEXT]`: some field called NAME (any case) exists, and when TEXT is given, one of them
 * contains it, case and runs of white space ignored.
 */
export function headerMatches(fields: ReadonlyMap<string, readonly string[]>, name: string, text: string | null): boolean {
  const values = fields.get(name.toLowerCase());
  if (!values || values.length === 0) return false;
  if (text === null) return true;
  const needle = text.replace(/\s+/g, ' ').trim().toLowerCase();
  return values.some((value) => value.toLowerCase().includes(needle));
}
