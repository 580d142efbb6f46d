import { HEADER_MATCH_FUNCTION } from './header-match';
import { searchKeySql } from './search-key';
import { type FlagNode, ftsTerm, type QueryNode, type SearchQuery, type TextNode } from './search-query';

/** A piece of SQL with its bound parameters, in order. */
export interface Sql {
  sql: string;
  params: unknown[];
}

/** The full-text key of the `messages` row in scope (search-key.ts). */
const KEY = searchKeySql('date', 'id');

/**
 * How store/search.ts runs a query tree, read as a conjunction (its top-level AND); one of three shapes,
 * each where the indexes answer it:
 * - `index`: some parts are words FTS5 can answer alone (words, phrases, their AND and OR, a `-word`
 *   beside them). They become one FTS5 expression that drives the search newest first; top-level date
 *   bounds become a rowid range of the index, and every other part a key set the matches are
 *   semi-joined with (a flag's key set is its partial index, migration 0001);
 * - `columns`: only filters of one message's own columns (flags, dates, sizes, folders, excluded
 *   words): the messages table drives by its date index;
 * - `keys`: anything else (an OR or NOT around filters): the whole query as one set of keys, built from
 *   the indexes with UNION, INTERSECT and EXCEPT, so no part is tested row by row against the table.
 * `highlight` is the FTS5 expression whose matches the hits' fragments mark (the positive words).
 */
export type SearchPlan = (
  | {
      kind: 'index';
      match: string;
      after: number[];
      before: number[];
      /** Full SELECTs of keys; `negated`: the matches must not be among them. */
      keySets: Array<{ select: Sql; negated: boolean }>;
      /**
       * Conditions on each match's own `messages` row, tested match by match: what no index answers
       * (header fields, tags), so only the messages the words found are read, never every message.
       */
      rowChecks: Sql[];
    }
  | { kind: 'columns'; conditions: Sql[] }
  | { kind: 'keys'; select: Sql }
) & { highlight: string | null };

/** Resolves in:NAME to folder ids (in any account); the plan binds them as a JSON array. */
export type FolderResolver = (name: string) => number[];

export function planSearch(query: SearchQuery, folders: FolderResolver): SearchPlan {
  const parts = conjuncts(query);
  const wanted = positiveTerms(query);
  const words = parts.map(ftsExpression);
  if (words.some((w) => w !== null)) {
    const driving: string[] = [];
    const excluded: string[] = [];
    const after: number[] = [];
    const before: number[] = [];
    const keySets: Array<{ select: Sql; negated: boolean }> = [];
    const rowChecks: Sql[] = [];
    let drivingTerms = 0;
    parts.forEach((part, i) => {
      const expression = words[i];
      const excludedWords = part.kind === 'not' ? ftsExpression(part.node) : null;
      if (expression) {
        driving.push(expression);
        drivingTerms += positiveTerms(part).length;
      } else if (excludedWords !== null) excluded.push(excludedWords);
      else if (part.kind === 'date') (part.bound === 'after' ? after : before).push(part.time);
      else if (unindexed(part)) rowChecks.push(rowCondition(part, folders));
      else keySets.push(flagKeySet(part) ?? sizeKeySet(part) ?? (part.kind === 'not' ? { select: keySet(part.node, folders), negated: true } : { select: keySet(part, folders), negated: false }));
    });
    const match = driving.join(' AND ') + excluded.map((e) => ` NOT ${e}`).join('');
    // A plain conjunction highlights with the expression it matched by; anything else marks any of its words.
    const highlight = wanted.length === drivingTerms ? match : wanted.map(ftsTerm).join(' OR ');
    return { kind: 'index', match, after, before, keySets, rowChecks, highlight };
  }
  const highlight = wanted.length === 0 ? null : wanted.map(ftsTerm).join(' OR ');
  if (parts.every(isRowFilter)) return { kind: 'columns', conditions: parts.map((part) => rowCondition(part, folders)), highlight };
  return { kind: 'keys', select: keySet(query, folders), highlight };
}

/** The parts of a top-level conjunction (nested ANDs flattened). */
function conjuncts(node: QueryNode): QueryNode[] {
  return node.kind === 'and' ? node.nodes.flatMap(conjuncts) : [node];
}

/**
 * The node as a positive FTS5 expression, or null when FTS5 cannot answer it alone (a filter inside, or
 * an exclusion with nothing to exclude from). Fully parenthesised: precedence is never left to FTS5.
 */
function ftsExpression(node: QueryNode): string | null {
  switch (node.kind) {
    case 'text':
      return ftsTerm(node);
    case 'or': {
      const sides = node.nodes.map(ftsExpression);
      return sides.every((s): s is string => s !== null) ? `(${sides.join(' OR ')})` : null;
    }
    case 'and': {
      const parts = node.nodes.flatMap(conjuncts);
      const wanted = parts.filter((p) => p.kind !== 'not').map(ftsExpression);
      const unwanted = parts.flatMap((p) => (p.kind === 'not' ? [ftsExpression(p.node)] : []));
      if (wanted.length === 0 || !wanted.every((s): s is string => s !== null) || !unwanted.every((s): s is string => s !== null)) return null;
      return `(${wanted.join(' AND ')}${unwanted.map((u) => ` NOT ${u}`).join('')})`;
    }
    default:
      return null;
  }
}

/** A header test, or its negation: no index holds header fields, so they are checked on each candidate row. */
function unindexed(node: QueryNode): boolean {
  const inner = node.kind === 'not' ? node.node : node;
  return inner.kind === 'header';
}

/** A filter the messages table answers from the row itself (or an excluded word, one lookup of the index). */
function isRowFilter(node: QueryNode): boolean {
  if (node.kind === 'not') return ftsExpression(node.node) !== null || isRowFilter(node.node);
  return node.kind === 'flag' || node.kind === 'date' || node.kind === 'size' || node.kind === 'folder' || node.kind === 'header' || node.kind === 'tag';
}

/** The column and value of each flag; its partial index is `WHERE <column> = <indexed> AND deleted_locally = 0`. */
const FLAG_COLUMNS: Record<FlagNode['flag'], { column: string; indexed: 0 | 1 }> = {
  attachment: { column: 'has_attachments', indexed: 1 },
  seen: { column: 'seen', indexed: 0 }, // the index holds the unread ones
  flagged: { column: 'flagged', indexed: 1 },
  answered: { column: 'answered', indexed: 1 },
};

/** A flag (or its negation) as its partial index's key set, which the matches must or must not be in. */
function flagKeySet(node: QueryNode): { select: Sql; negated: boolean } | null {
  const negate = node.kind === 'not';
  const flag = negate ? node.node : node;
  if (flag.kind !== 'flag') return null;
  const { column, indexed } = FLAG_COLUMNS[flag.flag];
  const wantsIndexed = (flag.value ? 1 : 0) === indexed;
  return { select: { sql: `${ALL_KEYS} AND ${column} = ${indexed}`, params: [] }, negated: wantsIndexed === negate };
}

/**
 * `smaller:X` beside words, as the matches that are not among the messages of X bytes or more. Most mail
 * is small, so that set is the short one: as an IN list, the small messages' keys cost 239 ms with a
 * common word at 100,000 messages; the large ones' keys as a NOT IN list cost what `larger:` does.
 */
function sizeKeySet(node: QueryNode): { select: Sql; negated: boolean } | null {
  if (node.kind !== 'size' || node.bound !== 'smaller') return null;
  return { select: { sql: `${ALL_KEYS} AND size >= ?`, params: [node.bytes] }, negated: true };
}

/** A row filter as a condition on the columns of the `messages` row in scope. */
function rowCondition(node: QueryNode, folders: FolderResolver): Sql {
  switch (node.kind) {
    case 'flag':
      return { sql: `${FLAG_COLUMNS[node.flag].column} = ${node.value ? 1 : 0}`, params: [] };
    case 'date':
      return { sql: node.bound === 'after' ? 'date >= ?' : 'date < ?', params: [node.time] };
    case 'size':
      return { sql: node.bound === 'larger' ? 'size > ?' : 'size < ?', params: [node.bytes] };
    case 'folder':
      return { sql: 'folder_id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(folders(node.name))] };
    case 'tag':
      // keywords != '[]' first: the tagged messages' partial index (migration 0009) answers it.
      return { sql: `keywords != '[]' AND EXISTS (SELECT 1 FROM json_each(keywords) k WHERE k.value COLLATE NOCASE IN (SELECT value FROM json_each(?)))`, params: [JSON.stringify(node.keywords)] };
    case 'header':
      // Nothing indexes header fields: the first chunk of the stored source is read, for each candidate
      // only (the other parts of the plan narrow the set first). HEADER_MATCH_FUNCTION is registered on
      // every connection (store/open.ts).
      return {
        sql: `EXISTS (SELECT 1 FROM message_sources s WHERE s.message_id = messages.id AND s.seq = 0 AND ${HEADER_MATCH_FUNCTION}(s.compression, s.raw, ?, ?))`,
        params: [node.name, node.value],
      };
    case 'not': {
      const words = ftsExpression(node.node);
      if (words !== null) return { sql: `${KEY} NOT IN (SELECT rowid FROM message_search WHERE message_search MATCH ?)`, params: [words] };
      const inner = rowCondition(node.node, folders);
      return { sql: `NOT (${inner.sql})`, params: inner.params };
    }
    default:
      throw new Error(`not a row filter: ${node.kind}`);
  }
}

/** Keys of every message shown (not hidden): the universe an exclusion is taken from. */
const ALL_KEYS = `SELECT ${KEY} AS k FROM messages WHERE deleted_locally = 0`;

/**
 * The node as a SELECT of the keys (one column, `k`) of the messages it matches, each part read from an index: words from
 * FTS5, a flag from its partial index, a date from the date index, a size from its index (migration
 * 0007), a folder from the folder index; AND, OR and NOT as INTERSECT, UNION and EXCEPT. Keys of hidden
 * messages may come from FTS5: the caller leaves them out.
 */
function keySet(node: QueryNode, folders: FolderResolver): Sql {
  const words = ftsExpression(node);
  if (words !== null) return { sql: 'SELECT rowid AS k FROM message_search WHERE message_search MATCH ?', params: [words] };
  const compound = (operator: string, sets: Sql[]) => ({
    sql: sets.map((s) => `SELECT * FROM (${s.sql})`).join(` ${operator} `),
    params: sets.flatMap((s) => s.params),
  });
  switch (node.kind) {
    case 'flag': {
      const { column, indexed } = FLAG_COLUMNS[node.flag];
      const set = { sql: `${ALL_KEYS} AND ${column} = ${indexed}`, params: [] };
      return (node.value ? 1 : 0) === indexed ? set : compound('EXCEPT', [{ sql: ALL_KEYS, params: [] }, set]);
    }
    case 'date':
    case 'size':
    case 'folder':
    case 'tag':
    case 'header': {
      const condition = rowCondition(node, folders);
      return { sql: `${ALL_KEYS} AND ${condition.sql}`, params: condition.params };
    }
    case 'not':
      return compound('EXCEPT', [{ sql: ALL_KEYS, params: [] }, keySet(node.node, folders)]);
    case 'and':
    case 'or': {
      // Excluded parts of an AND are taken away at the end: EXCEPT after the INTERSECT of the others.
      const parts = node.kind === 'and' ? node.nodes.flatMap(conjuncts) : node.nodes;
      const kept = node.kind === 'and' ? parts.filter((p) => p.kind !== 'not') : parts;
      const dropped = node.kind === 'and' ? parts.flatMap((p) => (p.kind === 'not' ? [p.node] : [])) : [];
      const base = kept.length > 0 ? compound(node.kind === 'and' ? 'INTERSECT' : 'UNION', kept.map((p) => keySet(p, folders))) : { sql: ALL_KEYS, params: [] };
      return dropped.length === 0 ? base : compound('EXCEPT', [base, ...dropped.map((p) => keySet(p, folders))]);
    }
    case 'text': // always an FTS5 expression, answered above
      return { sql: 'SELECT rowid AS k FROM message_search WHERE message_search MATCH ?', params: [ftsTerm(node)] };
  }
}

/** The words the query looks for (not those it excludes), for highlighting. */
function positiveTerms(node: QueryNode, negated = false): TextNode[] {
  switch (node.kind) {
    case 'text':
      return negated ? [] : [node];
    case 'not':
      return positiveTerms(node.node, !negated);
    case 'and':
    case 'or':
      return node.nodes.flatMap((n) => positiveTerms(n, negated));
    default:
      return [];
  }
}
