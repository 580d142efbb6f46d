import { decodeModifiedUtf7, encodeModifiedUtf7 } from './modified-utf7';

/**
 * Tags are IMAP keywords (RFC 9051 §2.3.2), kept in each message's flags: the server stores them, and
 * every mail program that reads the mailbox sees them. Thunderbird's five standard tags are the keywords
 * `$label1` … `$label5`, which other programs also show by those names; any other keyword is a tag named
 * as written (`work`, `Receipts`), with Thunderbird's spelling undone (`To_Do`, `B&APw-ro` for Büro). The search's `tag:NAME` and the window's tag names use this one table.
 */
export interface StandardTag {
  keyword: string;
  name: string;
}

export const standardTags: readonly StandardTag[] = [
  { keyword: '$label1', name: 'Important' },
  { keyword: '$label2', name: 'Work' },
  { keyword: '$label3', name: 'Personal' },
  { keyword: '$label4', name: 'To Do' },
  { keyword: '$label5', name: 'Later' },
];

/**
 * Keywords mail programs set for their own bookkeeping (forwarded, read receipt sent, junk verdicts,
 * submission state): not tags a person chose, so not shown as tags.
 */
const BOOKKEEPING = new Set(
  ['$forwarded', '$mdnsent', '$junk', '$notjunk', 'junk', 'notjunk', 'nonjunk', '$phishing', '$submitpending', '$submitted', '$important', '$muted', '$hasattachment', '$hasnoattachment', '$autojunk', '$autonotjunk'].map((k) => k.toLowerCase()),
);

/** A word with no letters or digits matches nothing: `tag:` compares names without case, spaces or punctuation. */
const fold = (name: string) => name.toLowerCase().replace(/[^\p{L}\p{N}$]+/gu, '');

/** True for a flag that is a tag: a keyword (not a system flag such as `\Seen`), and not bookkeeping. */
export function isTagKeyword(flag: string): boolean {
  return flag !== '' && !flag.startsWith('\\') && !BOOKKEEPING.has(flag.toLowerCase());
}

/**
 * The name a keyword is shown by: a standard tag's name, else the keyword with modified UTF-7 decoded
 * and `_` as a space, as Thunderbird writes tag names into keywords (`B&APw-ro` is Büro, `To_Do` To Do).
 */
export function tagName(keyword: string): string {
  return standardTags.find((t) => t.keyword.toLowerCase() === keyword.toLowerCase())?.name ?? decodeModifiedUtf7(keyword).replace(/_/g, ' ');
}

/** The tags among a message's flags, in the order given, each once. */
export function tagKeywords(flags: readonly string[]): string[] {
  const seen = new Set<string>();
  return flags.filter((flag) => {
    const key = flag.toLowerCase();
    if (!isTagKeyword(flag) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The keywords `tag:NAME` stands for: the name as a keyword, and the standard tag of that name
 * (`tag:work` finds `$label2` and `work`; `tag:todo` and `tag:"to do"` find `$label4`).
 */
export function keywordsForTag(name: string): string[] {
  const standard = standardTags.filter((t) => fold(t.name) === fold(name) || t.keyword.toLowerCase() === name.toLowerCase());
  // As a tag of that name is stored (shared/tag-keywords.ts): spaces as `_`, letters outside ASCII in modified UTF-7.
  const written = name.trim().replace(/\s+/g, '_');
  const encoded = /[^\x20-\x7e]|&/.test(written) ? encodeModifiedUtf7(written) : written;
  return [...new Set([name, encoded, ...standard.map((t) => t.keyword)])];
}
