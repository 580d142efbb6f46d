import { HomingError } from '../../shared/errors';
import { keywordsForTag } from '../../shared/tags';
import { splitCjk } from '../mime/search-text';

/**
 * The search language (docs/query-language.md) as a typed tree. The search box, `homing search` and
 * (later) mail rules all read their queries through `parseSearchQuery`; store/search.ts turns a tree
 * into SQL, and anything else may walk it. Parsing never touches the database.
 */
export type QueryNode = TextNode | FlagNode | DateNode | SizeNode | FolderNode | HeaderNode | TagNode | NotNode | AndNode | OrNode;

/** Columns of the full-text index a word may be limited to (null: any column). */
export type SearchColumn = 'subject' | 'sender' | 'recipients' | 'body' | 'attachments';

/** Words to find: a word, `word*` (a prefix) or a "phrase" (words in this order). */
export interface TextNode {
  kind: 'text';
  column: SearchColumn | null;
  text: string;
  /** `word*`: matches words starting with it. */
  prefix: boolean;
}

/** `has:attachment`, `is:unread`, `is:flagged`, `is:answered`… as the column it tests and its value. */
export interface FlagNode {
  kind: 'flag';
  flag: 'attachment' | 'seen' | 'flagged' | 'answered';
  value: boolean;
}

/** `after:DAY` (from the start of that day, local time) or `before:DAY` (up to its start). */
export interface DateNode {
  kind: 'date';
  bound: 'after' | 'before';
  /** The start of the day, in ms since 1970. */
  time: number;
}

/** `larger:SIZE` (more than) or `smaller:SIZE` (less than), by the message's size in bytes. */
export interface SizeNode {
  kind: 'size';
  bound: 'larger' | 'smaller';
  bytes: number;
}

/** `in:NAME`: a folder, matched by path, last name or special use (`in:sent`), in any account. */
export interface FolderNode {
  kind: 'folder';
  name: string;
}

/**
 * `header:X-Mailer` (the message has that header field) or `header:X-Mailer:Thunderbird` (a field of that
 * name whose value, unfolded and decoded, contains the text; case ignored). Read from the stored source.
 */
export interface HeaderNode {
  kind: 'header';
  /** The field name as written (compared without regard to case). */
  name: string;
  /** The text to find in the value; null: any value. */
  value: string | null;
}

/** `tag:NAME`: messages with a keyword the tag stands for (shared/tags.ts: `tag:work` is `work` or `$label2`), any case. */
export interface TagNode {
  kind: 'tag';
  keywords: string[];
}

export interface NotNode {
  kind: 'not';
  node: QueryNode;
}

export interface AndNode {
  kind: 'and';
  nodes: QueryNode[];
}

export interface OrNode {
  kind: 'or';
  nodes: QueryNode[];
}

/** A parsed search. */
export type SearchQuery = QueryNode;

const COLUMN_OPERATORS: Record<string, SearchColumn> = {
  from: 'sender',
  to: 'recipients',
  cc: 'recipients',
  subject: 'subject',
  body: 'body',
  filename: 'attachments',
  attachment: 'attachments',
};

const IS_VALUES: Record<string, Omit<FlagNode, 'kind'>> = {
  unread: { flag: 'seen', value: false },
  unseen: { flag: 'seen', value: false },
  read: { flag: 'seen', value: true },
  seen: { flag: 'seen', value: true },
  flagged: { flag: 'flagged', value: true },
  starred: { flag: 'flagged', value: true },
  unflagged: { flag: 'flagged', value: false },
  answered: { flag: 'answered', value: true },
  replied: { flag: 'answered', value: true },
};

/** Every operator, in the order the error message lists them. */
export const SEARCH_OPERATORS = [
  'from', 'to', 'cc', 'subject', 'body', 'filename', 'attachment', 'has', 'is', 'before', 'after', 'in', 'folder', 'larger', 'smaller', 'header', 'tag',
] as const;
const KNOWN_OPERATORS = new Set<string>(SEARCH_OPERATORS);

/** How many bytes a size suffix stands for (binary, as the app shows sizes: 1 KB = 1,024 bytes). */
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** How deep parentheses and NOTs may nest: enough for any query a person types, bounded for the parser's stack. */
const MAX_DEPTH = 32;

type Token =
  | { kind: 'open'; at: number }
  | { kind: 'close'; at: number }
  | { kind: 'or'; at: number }
  | { kind: 'and'; at: number }
  | { kind: 'not'; at: number }
  | { kind: 'term'; at: number; negated: boolean; key: string | null; value: string; quoted: boolean };

/**
 * Reads a query: words, "phrases", `word*`, `operator:value`, `-term` and `NOT term` to exclude, `OR`
 * between alternatives (terms side by side must all match; `AND` may be written), parentheses to group.
 * Every word is quoted before it reaches FTS5, so no input is ever read as FTS5 syntax. Anything that
 * cannot be understood is INVALID_QUERY with a message that says what and how to fix it: an operator
 * we do not know (`frobnicate:yes`, `size:>1M`, named in `detail.operator`), a bad value, an OR or NOT
 * with nothing beside it, a parenthesis left open, or no words at all.
 */
export function parseSearchQuery(input: string): SearchQuery {
  const tokens = tokenize(input);
  if (tokens.length === 0) throw invalid('Type something to search for.');
  const parser = new Parser(tokens);
  const node = parser.parseQuery();
  if (!node) throw invalid('The search has no words to look for.');
  return node;
}

function invalid(message: string, detail?: Record<string, unknown>): HomingError {
  return new HomingError('INVALID_QUERY', message, detail);
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseQuery(): QueryNode | null {
    const node = this.parseOr();
    const next = this.peek();
    // A `)` is only a token while a `(` is open (tokenize), so nothing can be left over; be sure anyway.
    if (next) throw invalid(`Unexpected ${describe(next)}.`);
    return node ?? null;
  }

  /** alternatives: `a OR b OR c`. undefined: nothing at all was there. */
  private parseOr(): QueryNode | null | undefined {
    const first = this.parseAnd();
    const or = this.peek();
    if (or?.kind !== 'or') return first;
    if (first === undefined) throw needsSides(or);
    const sides: Array<QueryNode | null> = [first];
    while (this.peek()?.kind === 'or') {
      const token = this.next();
      const side = this.parseAnd();
      if (side === undefined) throw needsSides(token);
      sides.push(side);
    }
    // A side of punctuation alone matches nothing by itself: the alternatives are the other sides.
    const kept = sides.filter((side): side is QueryNode => side !== null);
    if (kept.length === 0) return null;
    return kept.length === 1 ? kept[0]! : { kind: 'or', nodes: kept };
  }

  /** everything side by side must match: `a b`, `a AND b`. undefined: nothing at all was there. */
  private parseAnd(): QueryNode | null | undefined {
    const nodes: QueryNode[] = [];
    let any = false;
    for (;;) {
      const token = this.peek();
      if (!token || token.kind === 'or' || token.kind === 'close') break;
      if (token.kind === 'and') {
        this.next();
        const after = this.peek();
        if (!any || !after || after.kind === 'or' || after.kind === 'close' || after.kind === 'and') throw needsSides(token);
        continue;
      }
      any = true;
      const node = this.parseUnary();
      if (node) nodes.push(node);
    }
    if (!any) return undefined;
    const merged = mergeFolders(nodes);
    if (merged.length === 0) return null;
    return merged.length === 1 ? merged[0]! : { kind: 'and', nodes: merged };
  }

  /** `NOT x`, `-x`, `(…)` or one term. */
  private parseUnary(): QueryNode | null {
    const token = this.next();
    if (token.kind === 'not') {
      const after = this.peek();
      if (!after || after.kind === 'or' || after.kind === 'and' || after.kind === 'close') throw invalid('NOT needs a word or an operator after it.');
      return this.nested(() => {
        const node = this.parseUnary();
        return node && { kind: 'not', node };
      });
    }
    if (token.kind === 'open') {
      return this.nested(() => {
        const inner = this.parseOr();
        if (this.peek()?.kind !== 'close') throw invalid('A “(” has no matching “)”.');
        this.next();
        return inner ?? null;
      });
    }
    if (token.kind !== 'term') throw invalid(`Unexpected ${describe(token)}.`);
    const node = termNode(token);
    return node && token.negated ? { kind: 'not', node } : node;
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) throw invalid('The search nests too deeply.');
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token {
    const token = this.tokens[this.i++];
    if (!token) throw invalid('The search ends too early.');
    return token;
  }
}

/**
 * Several `in:` side by side are alternatives (`in:inbox in:archive`: in either), as they always were:
 * a message is in one folder, so all of them at once would match nothing.
 */
function mergeFolders(nodes: QueryNode[]): QueryNode[] {
  const folders = nodes.filter((n) => n.kind === 'folder');
  if (folders.length < 2) return nodes;
  const first = nodes.indexOf(folders[0]!);
  const rest = nodes.filter((n) => n.kind !== 'folder');
  rest.splice(first, 0, { kind: 'or', nodes: folders });
  return rest;
}

function needsSides(token: Token): HomingError {
  const word = token.kind === 'or' ? 'OR' : 'AND';
  return invalid(`${word} needs a search term on each side (to search for the word itself, write "${word}" in quotes).`);
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'open':
      return '“(”';
    case 'close':
      return '“)”';
    case 'term':
      return `“${token.key ? `${token.key}:` : ''}${token.value}”`;
    default:
      return token.kind.toUpperCase();
  }
}

/** One `key:value` or word as a node; null for punctuation alone (it matches nothing in the index). */
function termNode(token: Extract<Token, { kind: 'term' }>): QueryNode | null {
  const key = token.key?.toLowerCase() ?? null;
  if (key === null) return textNode(token.value, token.quoted, null);
  if (!KNOWN_OPERATORS.has(key)) throw unknownOperator(token);
  const column = COLUMN_OPERATORS[key];
  if (column) return textNode(token.value, token.quoted, column);
  const value = token.value;
  switch (key) {
    case 'has':
      if (!/^attachments?$/i.test(value)) throw invalid(`has:${value} is not known; try has:attachment.`);
      return { kind: 'flag', flag: 'attachment', value: true };
    case 'is': {
      const flag = IS_VALUES[value.toLowerCase()];
      if (!flag) throw invalid(`is:${value} is not known; try is:unread, is:read, is:flagged or is:answered.`);
      return { kind: 'flag', ...flag };
    }
    case 'before':
    case 'after': {
      const day = parseDay(value);
      if (!day) throw invalid(`${key}:${value} is not a date; write it as YYYY-MM-DD.`);
      return { kind: 'date', bound: key, time: day.start };
    }
    case 'larger':
    case 'smaller': {
      const bytes = parseSize(value);
      if (bytes === null) throw invalid(`${key}:${value} is not a size; write it like larger:1M or smaller:10K (K, M and G are 1,024, 1,024² and 1,024³ bytes).`);
      return { kind: 'size', bound: key, bytes };
    }
    case 'header':
      return headerNode(value);
    case 'tag':
      if (!value) throw invalid('tag: needs a tag name, like tag:work.');
      return { kind: 'tag', keywords: keywordsForTag(value) };
    default: // in:, folder:
      if (!value) throw invalid(`${key}: needs a folder name.`);
      return { kind: 'folder', name: value };
  }
}

/** `Name` or `Name:text`; a field name is a run of RFC 7230 token characters (what mail's field names are in practice). */
function headerNode(value: string): HeaderNode {
  const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)(?::([\s\S]*))?$/.exec(value);
  if (!m) throw invalid(`header:${value} does not name a header field; write it like header:X-Mailer or header:X-Mailer:Thunderbird.`);
  const text = m[2]?.trim() ?? '';
  return { kind: 'header', name: m[1]!, value: text === '' ? null : text };
}

function unknownOperator(token: Extract<Token, { kind: 'term' }>): HomingError {
  const key = token.key!;
  const hint = /^(size|bigger|greater|over|min(size)?)$/i.test(key)
    ? ' For sizes, write larger:1M or smaller:10K.'
    : /^(date|on|newer|older|since|until)$/i.test(key)
      ? ' For dates, write after:2024-01-01 or before:2024-02-01.'
      : '';
  const quoted = token.quoted ? `${key}:"${token.value}"` : `${key}:${token.value}`;
  return invalid(
    `“${key}:” is not a search operator.${hint} Known operators: ${SEARCH_OPERATORS.map((o) => `${o}:`).join(' ')}. To search for the text itself, put it in quotes: "${quoted.replaceAll('"', '')}".`,
    { operator: key },
  );
}

function textNode(value: string, quoted: boolean, column: SearchColumn | null): TextNode | null {
  let text = value;
  let prefix = false;
  if (!quoted && text.endsWith('*')) {
    text = text.replace(/\*+$/, '');
    prefix = true;
  }
  // Words with no letter or digit (punctuation alone) match nothing in unicode61; leave them out.
  if (!/[\p{L}\p{N}]/u.test(text)) return null;
  return { kind: 'text', column, text, prefix };
}

/**
 * Splits the input into terms and operators. `"…"` is a phrase (an unclosed quote runs to the end);
 * `-` before a term excludes it; `OR`, `AND` and `NOT` in capitals are operators, any other spelling is a
 * word; `(` at the start of a term opens a group and `)` at its end closes one, but only while a group is
 * open, so "(see attached)" or "smile :)" still read as words.
 */
function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  const n = input.length;
  const space = (c: string | undefined) => c !== undefined && /\s/.test(c);
  while (i < n) {
    while (i < n && space(input[i])) i++;
    if (i >= n) break;
    const at = i;
    if (input[i] === '(') {
      tokens.push({ kind: 'open', at });
      depth++;
      i++;
      continue;
    }
    if (input[i] === ')' && depth > 0) {
      tokens.push({ kind: 'close', at });
      depth--;
      i++;
      continue;
    }
    let negated = false;
    if (input[i] === '-' && i + 1 < n && !space(input[i + 1])) {
      negated = true;
      i++;
      if (input[i] === '(') {
        // -( … ): NOT of a group.
        tokens.push({ kind: 'not', at });
        continue;
      }
    }
    let key: string | null = null;
    const keyMatch = /^([A-Za-z][A-Za-z_-]*):(?=[^\s)])/.exec(input.slice(i, i + 40));
    // A URL (`https://…`) is text to find, not an operator.
    if (keyMatch && !input.startsWith('//', i + keyMatch[0].length)) {
      key = keyMatch[1]!;
      i += keyMatch[0].length;
    }
    // header:Name:"a quoted value": the field name, then the value as a phrase.
    const field = key?.toLowerCase() === 'header' ? /^[A-Za-z0-9!#$%&'*+.^_`|~-]+:(?=")/.exec(input.slice(i, i + 200)) : null;
    if (field) {
      const open = i + field[0].length;
      const end = input.indexOf('"', open + 1);
      tokens.push({ kind: 'term', at, negated, key, value: field[0] + input.slice(open + 1, end === -1 ? n : end), quoted: true });
      i = end === -1 ? n : end + 1;
      while (depth > 0 && input[i] === ')') {
        tokens.push({ kind: 'close', at: i });
        depth--;
        i++;
      }
      continue;
    }
    if (input[i] === '"') {
      const end = input.indexOf('"', i + 1);
      const value = input.slice(i + 1, end === -1 ? n : end);
      i = end === -1 ? n : end + 1;
      tokens.push({ kind: 'term', at, negated, key, value, quoted: true });
    } else {
      const start = i;
      while (i < n && !space(input[i])) i++;
      let value = input.slice(start, i);
      // Trailing `)` close open groups (`(a OR b)`); as many as are open, the rest stay in the word.
      let closes = 0;
      while (depth - closes > 0 && value.length > 1 && value.endsWith(')')) {
        value = value.slice(0, -1);
        closes++;
      }
      if (key === null && !negated && (value === 'OR' || value === 'AND' || value === 'NOT')) {
        tokens.push({ kind: value === 'OR' ? 'or' : value === 'AND' ? 'and' : 'not', at });
      } else {
        tokens.push({ kind: 'term', at, negated, key, value, quoted: false });
      }
      for (let c = 0; c < closes; c++) tokens.push({ kind: 'close', at: i - closes + c });
      depth -= closes;
      continue;
    }
    // Closing parentheses right after a phrase: `("a b")`.
    while (depth > 0 && input[i] === ')') {
      tokens.push({ kind: 'close', at: i });
      depth--;
      i++;
    }
  }
  return tokens;
}

/** A day (YYYY-MM-DD, YYYY/MM/DD, YYYY-MM or YYYY) as local-time bounds. */
export function parseDay(value: string): { start: number; end: number } | null {
  const m = /^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$/.exec(value.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : 1;
  const day = m[3] ? Number(m[3]) : 1;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const start = new Date(year, month - 1, day);
  if (start.getMonth() !== month - 1) return null;
  const end = m[3] ? new Date(year, month - 1, day + 1) : m[2] ? new Date(year, month, 1) : new Date(year + 1, 0, 1);
  return { start: start.getTime(), end: end.getTime() };
}

/** `1M`, `10K`, `1.5MB`, `500` (bytes), `2G` as a whole number of bytes; null when it is not a size. */
export function parseSize(value: string): number | null {
  const m = /^(\d{1,12}(?:\.\d{1,6})?)\s*([kmg]?b?)$/i.exec(value.trim());
  if (!m) return null;
  const unit = SIZE_UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return null;
  return Math.round(Number(m[1]) * unit);
}

/** One word as FTS5 syntax: always a quoted string (a phrase of its tokens), CJK split into characters. */
export function ftsTerm(term: TextNode): string {
  const quoted = `"${splitCjk(term.text).replaceAll('"', '""')}"${term.prefix ? ' *' : ''}`;
  return term.column ? `${term.column} : ${quoted}` : quoted;
}
