import { encodeModifiedUtf7 } from './modified-utf7';
import { standardTags } from './tags';

/**
 * A tag the user names, as the IMAP keyword that stores it (RFC 9051 section 2.3.2: a keyword is an atom,
 * so no spaces, no `( ) { % * " \ ]`, no control characters, ASCII only). Tags live in the messages'
 * flags on the server, where every mail program sees them, and locally for POP3 and Local Folders.
 *
 * - A standard tag's name gives its keyword (`Work` and `work` are `$label2`: shared/tags.ts), as
 *   Thunderbird stores them; a standard keyword stays as it is.
 * - Any other name that is a keyword already stays as it is (`urgent`, `Receipts`).
 * - Spaces become `_` (Thunderbird does the same): `To Do` is the keyword `To_Do`, and shows as `To Do`.
 * - Letters outside ASCII are written in modified UTF-7, as Thunderbird does for its tag keys
 *   (`Büro` is `B&APw-ro`); `&` itself becomes `&-`. shared/tags.ts shows them by name again.
 * - A name that still breaks the rules (`a(b)`, `x*`, `\Seen`) or has no letter or digit is refused.
 */

// eslint-disable-next-line no-control-regex -- control characters are exactly what an atom may not hold
const ATOM_SPECIALS = /[(){%*"\\\]\u0000-\u0020\u007f]/;
const MAX_KEYWORD = 100;

export type TagKeyword = { ok: true; keyword: string } | { ok: false; problem: string };

/** The keyword for a tag name, or why it cannot be one. */
export function keywordForTag(name: string): TagKeyword {
  const standard = standardTags.find((t) => fold(t.name) === fold(name) || t.keyword.toLowerCase() === name.trim().toLowerCase());
  if (standard) return { ok: true, keyword: standard.keyword };
  const trimmed = name.trim().replace(/\s+/g, '_');
  if (!/[\p{L}\p{N}]/u.test(trimmed)) return { ok: false, problem: 'A tag needs at least one letter or digit.' };
  if (trimmed.startsWith('\\')) return { ok: false, problem: `${name} is a system flag, not a tag.` };
  const keyword = /[^\x20-\x7e]|&/.test(trimmed) ? encodeModifiedUtf7(trimmed) : trimmed;
  const bad = keyword.match(ATOM_SPECIALS);
  if (bad) return { ok: false, problem: `A tag cannot contain ${JSON.stringify(bad[0])}.` };
  if (keyword.length > MAX_KEYWORD) return { ok: false, problem: 'The tag name is too long.' };
  return { ok: true, keyword };
}

/** Names compared without case, spaces or punctuation (`To Do`, `todo`). */
const fold = (name: string) => name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
