import { HomingError } from '../../shared/errors';
import { splitCjk } from '../mime/search-text';

/** Columns of message_search a term may be limited to (null: any column). */
export type SearchColumn = 'subject' | 'sender' | 'recipients' | 'body' | 'attachments';

export interface SearchTerm {
  column: SearchColumn | null;
  text: string;
  /** `word*`: matches words starting with it. */
  prefix: boolean;
}

/** A parsed search: full-text terms plus filters on message columns. */
export interface SearchQuery {
  terms: SearchTerm[];
  negated: SearchTerm[];
  hasAttachment: boolean | null;
  seen: boolean | null;
  flagged: boolean | null;
  answered: boolean | null;
  /** Inclusive lower bound (ms), from after:. */
  after: number | null;
  /** Exclusive upper bound (ms), from before:. */
  before: number | null;
  /** in:FOLDER values, matched against folder paths, names and special uses. */
  folders: string[];
}

const COLUMN_OPERATORS: Record<string, SearchColumn> = {
  from: 'sender',
  to: 'recipients',
  cc: 'recipients',
  subject: 'subject',
  body: 'body',
  filename: 'attachments',
  attachment: 'attachments',
};

const IS_VALUES: Record<string, Partial<Pick<SearchQuery, 'seen' | 'flagged' | 'answered'>>> = {
  unread: { seen: false },
  read: { seen: true },
  seen: { seen: true },
  unseen: { seen: false },
  flagged: { flagged: true },
  starred: { flagged: true },
  unflagged: { flagged: false },
  answered: { answered: true },
  replied: { answered: true },
};

interface Token {
  negated: boolean;
  key: string | null;
  value: string;
  quoted: boolean;
}

/**
 * The query language of DESIGN.md: `from:`, `to:`, `subject:`, `has:attachment`, `is:unread`,
 * `before:`/`after:` (YYYY-MM-DD, local time), `in:FOLDER`, plain words and "phrases"; `-word` excludes
 * and `word*` matches a prefix. Every word is quoted before it reaches FTS5, so no input can be read as
 * FTS5 syntax. An empty query or a bad operator value is INVALID_QUERY.
 */
export function parseSearchQuery(input: string): SearchQuery {
  const query: SearchQuery = {
    terms: [],
    negated: [],
    hasAttachment: null,
    seen: null,
    flagged: null,
    answered: null,
    after: null,
    before: null,
    folders: [],
  };
  const tokens = tokenize(input);
  if (tokens.length === 0) throw new HomingError('INVALID_QUERY', 'Type something to search for.');
  for (const token of tokens) {
    const key = token.key?.toLowerCase() ?? null;
    if (key !== null && key in COLUMN_OPERATORS) {
      addTerm(query, token, COLUMN_OPERATORS[key]!);
    } else if (key === 'has') {
      if (!/^attachments?$/i.test(token.value)) throw invalid(`has:${token.value} is not known; try has:attachment.`);
      query.hasAttachment = !token.negated;
    } else if (key === 'is') {
      const flags = IS_VALUES[token.value.toLowerCase()];
      if (!flags) throw invalid(`is:${token.value} is not known; try is:unread, is:read or is:flagged.`);
      for (const [name, value] of Object.entries(flags) as Array<[keyof typeof flags, boolean]>) query[name] = token.negated ? !value : value;
    } else if (key === 'before' || key === 'after') {
      const range = parseDay(token.value);
      if (!range) throw invalid(`${key}:${token.value} is not a date; write it as YYYY-MM-DD.`);
      if (key === 'before') query.before = range.start;
      else query.after = range.start;
    } else if (key === 'in' || key === 'folder') {
      if (!token.value) throw invalid('in: needs a folder name.');
      query.folders.push(token.value);
    } else {
      // Not an operator (or an unknown one, like a URL's "https:"): the whole token is text.
      addTerm(query, key === null ? token : { ...token, value: `${token.key}:${token.value}` }, null);
    }
  }
  const hasFilter =
    query.hasAttachment !== null ||
    query.seen !== null ||
    query.flagged !== null ||
    query.answered !== null ||
    query.after !== null ||
    query.before !== null ||
    query.folders.length > 0;
  if (query.terms.length === 0 && query.negated.length === 0 && !hasFilter) {
    throw invalid('The search has no words to look for.');
  }
  return query;
}

function invalid(message: string): HomingError {
  return new HomingError('INVALID_QUERY', message);
}

function addTerm(query: SearchQuery, token: Token, column: SearchColumn | null): void {
  let text = token.value;
  let prefix = false;
  if (!token.quoted && text.endsWith('*')) {
    text = text.replace(/\*+$/, '');
    prefix = true;
  }
  // Words with no letter or digit (punctuation alone) match nothing in unicode61; leave them out.
  if (!/[\p{L}\p{N}]/u.test(text)) return;
  (token.negated ? query.negated : query.terms).push({ column, text, prefix });
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    while (i < n && /\s/.test(input[i]!)) i++;
    if (i >= n) break;
    let negated = false;
    if (input[i] === '-' && i + 1 < n && !/\s/.test(input[i + 1]!)) {
      negated = true;
      i++;
    }
    let key: string | null = null;
    const keyMatch = /^([A-Za-z]+):(?=\S)/.exec(input.slice(i, i + 40));
    if (keyMatch) {
      key = keyMatch[1]!;
      i += keyMatch[0].length;
    }
    if (input[i] === '"') {
      const end = input.indexOf('"', i + 1);
      const value = input.slice(i + 1, end === -1 ? n : end);
      i = end === -1 ? n : end + 1;
      tokens.push({ negated, key, value, quoted: true });
      continue;
    }
    const start = i;
    while (i < n && !/\s/.test(input[i]!)) i++;
    tokens.push({ negated, key, value: input.slice(start, i), quoted: false });
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

/** One term as FTS5 syntax: always a quoted string (a phrase of its tokens), CJK split into characters. */
export function ftsTerm(term: SearchTerm): string {
  const quoted = `"${splitCjk(term.text).replaceAll('"', '""')}"${term.prefix ? ' *' : ''}`;
  return term.column ? `${term.column} : ${quoted}` : quoted;
}
