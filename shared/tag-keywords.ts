/**
 * A tag the user names, as the IMAP keyword that stores it (RFC 9051 section 2.3.2: a keyword is an atom,
 * so no spaces, no `( ) { % * " \ ]`, no control characters, ASCII only). Tags live in the messages'
 * flags on the server, where every mail program sees them, and locally for POP3 and Local Folders.
 *
 * - A name that is a keyword already stays as it is (`work`, `$label2`, `Receipts`).
 * - Spaces become `_` (Thunderbird does the same): `To Do` is the keyword `To_Do`, and shows as `To Do`.
 * - Letters outside ASCII are written in modified UTF-7, as Thunderbird does for its tag keys
 *   (`Büro` is `B&APw-ro`); `&` itself becomes `&-`.
 * - A name that still breaks the rules (`a(b)`, `x*`, `\Seen`) or has no letter or digit is refused.
 */

// eslint-disable-next-line no-control-regex -- control characters are exactly what an atom may not hold
const ATOM_SPECIALS = /[(){%*"\\\]\u0000-\u0020\u007f]/;
const MAX_KEYWORD = 100;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

export type TagKeyword = { ok: true; keyword: string } | { ok: false; problem: string };

/** The keyword for a tag name, or why it cannot be one. */
export function keywordForTag(name: string): TagKeyword {
  const trimmed = name.trim().replace(/\s+/g, '_');
  if (!/[\p{L}\p{N}]/u.test(trimmed)) return { ok: false, problem: 'A tag needs at least one letter or digit.' };
  if (trimmed.startsWith('\\')) return { ok: false, problem: `${name} is a system flag, not a tag.` };
  const keyword = /[^\x20-\x7e]|&/.test(trimmed) ? encodeModifiedUtf7(trimmed) : trimmed;
  const bad = keyword.match(ATOM_SPECIALS);
  if (bad) return { ok: false, problem: `A tag cannot contain ${JSON.stringify(bad[0])}.` };
  if (keyword.length > MAX_KEYWORD) return { ok: false, problem: 'The tag name is too long.' };
  return { ok: true, keyword };
}

/** The name a keyword is shown by: modified UTF-7 decoded, `_` as a space. */
export function tagNameOf(keyword: string): string {
  return decodeModifiedUtf7(keyword).replace(/_/g, ' ');
}

/** RFC 3501 section 5.1.3: runs of non-printable-ASCII as `&` + modified base64 of UTF-16 + `-`; `&` as `&-`. */
export function encodeModifiedUtf7(text: string): string {
  return text.replace(/&/g, '&-').replace(/[^\x20-\x7e]+/g, (run) => {
    const bytes: number[] = [];
    for (let i = 0; i < run.length; i++) {
      const unit = run.charCodeAt(i);
      bytes.push(unit >> 8, unit & 0xff);
    }
    let out = '';
    for (let i = 0; i < bytes.length; i += 3) {
      const [a, b, c] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
      out += BASE64[a >> 2]! + BASE64[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
      if (b !== undefined) out += BASE64[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
      if (c !== undefined) out += BASE64[c & 63]!;
    }
    return `&${out}-`;
  });
}

/** The reverse of encodeModifiedUtf7; text that is not valid modified UTF-7 is returned as it is. */
export function decodeModifiedUtf7(text: string): string {
  if (!text.includes('&')) return text;
  let failed = false;
  const decoded = text.replace(/&([A-Za-z0-9+,]*)-/g, (_whole, encoded: string) => {
    if (encoded === '') return '&';
    let bits = 0;
    let value = 0;
    const bytes: number[] = [];
    for (const ch of encoded) {
      value = (value << 6) | BASE64.indexOf(ch);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes.push((value >> bits) & 0xff);
      }
    }
    if (bytes.length % 2 !== 0) failed = true;
    let out = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return out;
  });
  return failed ? text : decoded;
}
