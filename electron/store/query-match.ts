import { headerMatches } from '../mime/header-fields';
import { splitCjk } from '../mime/search-text';
import { ftsTokens } from './fts-tokens';
import type { QueryNode, SearchColumn, TextNode } from './search-query';

/**
 * One message as a query sees it, built from what the sync has in memory as it stores the message: the
 * five texts the full-text index holds (ingest.ts writeSearchRow), the row's columns, and its header
 * fields (read only when a query asks for one).
 */
export interface MessageFacts {
  readonly folderId: number;
  readonly text: Readonly<Record<SearchColumn, string>>;
  readonly hasAttachments: boolean;
  readonly seen: boolean;
  readonly flagged: boolean;
  readonly answered: boolean;
  /** ms, as stored (the Date header, else INTERNALDATE, else arrival). */
  readonly date: number;
  readonly size: number;
  readonly keywords: readonly string[];
  headers(): ReadonlyMap<string, readonly string[]>;
}

/** Folder ids an `in:` name stands for (as search resolves it: path, last name or special use). */
export type FolderIds = (name: string) => ReadonlySet<number>;

const COLUMNS: readonly SearchColumn[] = ['subject', 'sender', 'recipients', 'body', 'attachments'];
const NON_ASCII = /[\u0080-\u{10ffff}]/u;
const ASCII_WORD = /^[a-z0-9]+$/;
const WIDE = /[\u0080-\uffff]/g;
const isAlnum = (code: number) => (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
/** unicode61 splits tokens at every ASCII character but letters and digits. */
const isAsciiSeparator = (code: number) => code < 0x80 && !isAlnum(code);

/** One column's text, with what matching needs computed once and only when asked. */
class ColumnText {
  private lowerText: string | null = null;
  private tokenList: string[] | null = null;
  private wideTokenList: string[] | null = null;
  readonly ascii: boolean;

  constructor(readonly text: string) {
    this.ascii = !NON_ASCII.test(text);
  }

  get lower(): string {
    return (this.lowerText ??= this.text.toLowerCase());
  }

  get tokens(): string[] {
    return (this.tokenList ??= ftsTokens(this.ascii ? this.text : splitCjk(this.text)));
  }

  /**
   * The tokens of the runs between ASCII separators that hold a character beyond ASCII, in order: where an
   * ASCII word can be a token without being written as itself (é folds to e, ﬁ to fi). Most mail mixes a
   * few such characters into ASCII text, so these are a few tokens, not the text's hundreds.
   */
  get wideTokens(): string[] {
    if (this.wideTokenList) return this.wideTokenList;
    const text = this.text;
    const tokens: string[] = [];
    let done = 0;
    for (let at = nextWide(text, 0); at !== -1; at = nextWide(text, done)) {
      let start = at;
      while (start > done && !isAsciiSeparator(text.charCodeAt(start - 1))) start--;
      let end = at + 1;
      while (end < text.length && !isAsciiSeparator(text.charCodeAt(end))) end++;
      for (const token of ftsTokens(splitCjk(text.slice(start, end)))) tokens.push(token);
      done = end;
    }
    return (this.wideTokenList = tokens);
  }
}

/** Where the next character beyond ASCII is, from `from` (-1: none). */
function nextWide(text: string, from: number): number {
  WIDE.lastIndex = from;
  return WIDE.exec(text)?.index ?? -1;
}

/**
 * Tests a query tree against one message in memory, with the full-text index's own semantics: the same
 * tokens (fts-tokens.ts), a word is a phrase of its tokens within one column, `word*` a prefix of the
 * last one. A rule run at arrival uses it instead of a query per rule and message against the index;
 * a test holds it to what store/search.ts finds for random queries and messages.
 */
export class QueryMatcher {
  private readonly columns = new Map<SearchColumn, ColumnText>();

  constructor(private readonly facts: MessageFacts) {}

  matches(node: QueryNode, folders: FolderIds): boolean {
    const f = this.facts;
    switch (node.kind) {
      case 'text':
        return node.column ? this.textIn(node.column, node) : COLUMNS.some((column) => this.textIn(column, node));
      case 'flag':
        switch (node.flag) {
          case 'attachment':
            return f.hasAttachments === node.value;
          case 'seen':
            return f.seen === node.value;
          case 'flagged':
            return f.flagged === node.value;
          case 'answered':
            return f.answered === node.value;
        }
        return false;
      case 'date':
        return node.bound === 'after' ? f.date >= node.time : f.date < node.time;
      case 'size':
        return node.bound === 'larger' ? f.size > node.bytes : f.size < node.bytes;
      case 'folder':
        return folders(node.name).has(f.folderId);
      case 'tag': {
        // As search-plan.ts: one of the keywords the tag stands for (shared/tags.ts), any case.
        const wanted = new Set(node.keywords.map((k) => k.toLowerCase()));
        return f.keywords.some((k) => wanted.has(k.toLowerCase()));
      }
      case 'header':
        return headerMatches(f.headers(), node.name, node.value);
      case 'not':
        return !this.matches(node.node, folders);
      case 'and':
        return node.nodes.every((n) => this.matches(n, folders));
      case 'or':
        return node.nodes.some((n) => this.matches(n, folders));
    }
  }

  private column(name: SearchColumn): ColumnText {
    let column = this.columns.get(name);
    if (!column) {
      column = new ColumnText(this.facts.text[name]);
      this.columns.set(name, column);
    }
    return column;
  }

  private textIn(name: SearchColumn, term: TextNode): boolean {
    const column = this.column(name);
    const wanted = termTokens(term);
    if (wanted.length === 0) return false;
    if (wanted.length === 1 && ASCII_WORD.test(wanted[0]!)) {
      // The common case, one ASCII word: found in the text itself, no token list needed. In text beyond
      // ASCII (most mail has a few such characters), as itself between ASCII separators, else among
      // the tokens of the runs that hold such characters, the only other places it can come from.
      if (column.ascii) return findWord(column.lower, wanted[0]!, term.prefix);
      return asciiWordPattern(term).test(column.text) || column.wideTokens.some((token) => (term.prefix ? token.startsWith(wanted[0]!) : token === wanted[0]));
    }
    return findPhrase(column.tokens, wanted, term.prefix);
  }
}

/** A query's ASCII word, made once per term: as itself (ASCII letters of either case), with an ASCII separator or the text's end on each side (only before it for `word*`). */
const asciiPatternCache = new WeakMap<TextNode, RegExp>();

function asciiWordPattern(term: TextNode): RegExp {
  let pattern = asciiPatternCache.get(term);
  if (!pattern) {
    // Without the u flag, i folds only ASCII letters to each other (not K, the Kelvin sign, to k), and
    // \u0080-\uffff covers every code unit beyond ASCII, surrogates included: a neighbour that is not an
    // ASCII separator makes the run something else, which wideTokens answers for.
    const word = termTokens(term)[0]!;
    pattern = new RegExp(`(?<![0-9a-z\\u0080-\\uffff])${word}${term.prefix ? '' : '(?![0-9a-z\\u0080-\\uffff])'}`, 'i');
    asciiPatternCache.set(term, pattern);
  }
  return pattern;
}

/** A query's words tokenised once, not once per message and column it is tested on (rules test every arrival). */
const termTokenCache = new WeakMap<TextNode, readonly string[]>();

function termTokens(term: TextNode): readonly string[] {
  let tokens = termTokenCache.get(term);
  if (!tokens) {
    tokens = ftsTokens(splitCjk(term.text));
    termTokenCache.set(term, tokens);
  }
  return tokens;
}

/** `word` as a whole token of ASCII text (already lower-cased), or as a token's start when `prefix`. */
function findWord(text: string, word: string, prefix: boolean): boolean {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    if (at > 0 && isAlnum(text.charCodeAt(at - 1))) continue;
    const end = at + word.length;
    if (prefix || end >= text.length || !isAlnum(text.charCodeAt(end))) return true;
  }
  return false;
}

function findPhrase(tokens: readonly string[], wanted: readonly string[], prefix: boolean): boolean {
  const last = wanted.length - 1;
  outer: for (let i = 0; i + last < tokens.length; i++) {
    for (let j = 0; j <= last; j++) {
      const token = tokens[i + j]!;
      const ok = j === last && prefix ? token.startsWith(wanted[j]!) : token === wanted[j];
      if (!ok) continue outer;
    }
    return true;
  }
  return false;
}
