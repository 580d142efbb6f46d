import type { SearchField, SearchHighlight, SearchHit } from '../../shared/contract/messages';
import { HomingError } from '../../shared/errors';
import { unsplitCjk } from '../mime/search-text';
import { prepare, type ReadDb } from './db';
import { summariesByIds } from './message-summaries';
import { MAX_HIGHLIGHTED_HITS, MAX_SNIPPET_BODY_CHARS } from './limits';
import { ID_MASK, keyFloorSql, searchKeySql } from './search-key';
import { planSearch, type SearchPlan, type Sql } from './search-plan';
import { parseSearchQuery, type SearchQuery } from './search-query';

export interface SearchOptions {
  accountId?: string;
  /** Only messages in this folder (rules run on one folder). */
  folderId?: number;
  limit: number;
  /** Whether searchMessages highlights the first hits (default true); matchingMessageIds never does. */
  highlights?: boolean;
}

/**
 * Runs a search: the query's tree (search-query.ts) planned into FTS5 for the words and plain columns
 * for the filters (search-plan.ts), hidden messages excluded, newest first. Returns the first `limit`
 * hits with highlighted fragments and the total number of matches. Any SQLite complaint about the query
 * (there should be none: every word is quoted) is INVALID_QUERY, never an SQL error.
 */
export function searchMessages(db: ReadDb, text: string, options: SearchOptions): { hits: SearchHit[]; total: number } {
  const { ids, total, plan } = runQuery(db, parseSearchQuery(text), options);
  const highlights = plan.highlight !== null && options.highlights !== false ? highlightsOf(db, plan.highlight, ids.slice(0, MAX_HIGHLIGHTED_HITS)) : new Map<number, SearchHighlight[]>();
  const hits = summariesByIds(db, ids).map((summary) => ({ ...summary, highlights: highlights.get(summary.id) ?? [] }));
  return { hits, total };
}

/**
 * The ids of the messages a parsed query matches (newest first, the first `limit`) and how many match in
 * all; mail rules count and select with it, so a rule matches exactly what the same search finds.
 */
export function matchingMessageIds(db: ReadDb, query: SearchQuery, options: SearchOptions): { ids: number[]; total: number } {
  const { ids, total } = runQuery(db, query, options);
  return { ids, total };
}

function runQuery(db: ReadDb, query: SearchQuery, options: SearchOptions): { ids: number[]; total: number; plan: SearchPlan } {
  const plan = planSearch(query, (name) => folderIdsOf(db, name));
  try {
    if (plan.kind === 'index') return { ...searchIndex(db, plan, options), plan };
    if (plan.kind === 'columns') return { ...searchColumns(db, plan.conditions, options), plan };
    return { ...searchKeys(db, plan.select, options), plan };
  } catch (error) {
    throw asQueryError(error);
  }
}

const KEY = searchKeySql('date', 'id');

/**
 * Words to look for: FTS5 drives. Its rowids are date-ordered keys (search-key.ts), so the newest
 * matches come first and LIMIT stops the scan; a date range is a rowid range. Every other part is a
 * semi-join with the keys of the messages that pass it, read from a partial index where there is one
 * (never a join with the messages table per match, which cost 60 ms for a common word at 100,000
 * messages); the `+` keeps SQLite from handing those IN lists to FTS5 as thousands of single-row lookups.
 */
function searchIndex(db: ReadDb, plan: Extract<SearchPlan, { kind: 'index' }>, options: SearchOptions): { ids: number[]; total: number } {
  const where = ['message_search MATCH ?', `+message_search.rowid NOT IN (SELECT ${KEY} FROM messages WHERE deleted_locally = 1)`];
  const params: unknown[] = [plan.match];
  for (const after of plan.after) {
    where.push(`message_search.rowid >= ${keyFloorSql('?')}`);
    params.push(after);
  }
  for (const before of plan.before) {
    where.push(`message_search.rowid < ${keyFloorSql('?')}`);
    params.push(before);
  }
  for (const { select, negated } of plan.keySets) {
    where.push(`+message_search.rowid ${negated ? 'NOT IN' : 'IN'} (${select.sql})`);
    params.push(...select.params);
  }
  for (const check of plan.rowChecks) {
    where.push(`EXISTS (SELECT 1 FROM messages WHERE messages.id = (message_search.rowid & ${ID_MASK}) AND ${check.sql})`);
    params.push(...check.params);
  }
  if (options.accountId) {
    where.push(`+message_search.rowid IN (SELECT ${KEY} FROM messages WHERE account_id = ? AND deleted_locally = 0)`);
    params.push(options.accountId);
  }
  if (options.folderId !== undefined) {
    where.push(`+message_search.rowid IN (SELECT ${KEY} FROM messages WHERE folder_id = ? AND deleted_locally = 0)`);
    params.push(options.folderId);
  }
  const condition = where.join(' AND ');
  const ids = prepare<unknown[], { id: number }>(
    db,
    `SELECT message_search.rowid & ${ID_MASK} AS id FROM message_search WHERE ${condition} ORDER BY message_search.rowid DESC LIMIT ?`,
  )
    .all(...params, options.limit)
    .map((r) => r.id);
  const total =
    ids.length < options.limit ? ids.length : prepare<unknown[], { n: number }>(db, `SELECT count(*) AS n FROM message_search WHERE ${condition}`).get(...params)!.n;
  return { ids, total };
}

/** Filters only (or only words to leave out): the messages table drives, newest first by its date index. */
function searchColumns(db: ReadDb, conditions: Sql[], options: SearchOptions): { ids: number[]; total: number } {
  const where = ['deleted_locally = 0'];
  const params: unknown[] = [];
  if (options.accountId) {
    where.push('account_id = ?');
    params.push(options.accountId);
  }
  if (options.folderId !== undefined) {
    where.push('folder_id = ?');
    params.push(options.folderId);
  }
  for (const part of conditions) {
    where.push(part.sql);
    params.push(...part.params);
  }
  const condition = where.join(' AND ');
  const ids = prepare<unknown[], { id: number }>(db, `SELECT id FROM messages WHERE ${condition} ORDER BY date DESC, id DESC LIMIT ?`)
    .all(...params, options.limit)
    .map((r) => r.id);
  const total =
    ids.length < options.limit ? ids.length : prepare<unknown[], { n: number }>(db, `SELECT count(*) AS n FROM messages WHERE ${condition}`).get(...params)!.n;
  return { ids, total };
}

/**
 * An OR or NOT around filters: the query is one set of keys built from the indexes (search-plan.ts);
 * hidden messages, which FTS5 still holds, are left out here, and the newest keys come first.
 */
function searchKeys(db: ReadDb, select: Sql, options: SearchOptions): { ids: number[]; total: number } {
  const where = [`k NOT IN (SELECT ${KEY} FROM messages WHERE deleted_locally = 1)`];
  const params: unknown[] = [...select.params];
  if (options.accountId) {
    where.push(`k IN (SELECT ${KEY} FROM messages WHERE account_id = ? AND deleted_locally = 0)`);
    params.push(options.accountId);
  }
  if (options.folderId !== undefined) {
    where.push(`k IN (SELECT ${KEY} FROM messages WHERE folder_id = ? AND deleted_locally = 0)`);
    params.push(options.folderId);
  }
  const from = `(${select.sql}) WHERE ${where.join(' AND ')}`;
  const ids = prepare<unknown[], { id: number }>(db, `SELECT k & ${ID_MASK} AS id FROM ${from} ORDER BY k DESC LIMIT ?`)
    .all(...params, options.limit)
    .map((r) => r.id);
  const total = ids.length < options.limit ? ids.length : prepare<unknown[], { n: number }>(db, `SELECT count(*) AS n FROM ${from}`).get(...params)!.n;
  return { ids, total };
}

/** The folders an in: names, by path, last segment or special use, in any account. */
function folderIdsOf(db: ReadDb, name: string): number[] {
  const find = prepare<[string, string, string], { id: number }>(
    db,
    `SELECT id FROM folders WHERE path = ? COLLATE NOCASE OR name = ? COLLATE NOCASE OR special_use = lower(?)`,
  );
  return find.all(name, name, name).map((row) => row.id);
}

/**
 * Fragments around the matches, `\u0002`…`\u0003` around each match, CJK separators removed. The hits
 * are the newest matches, so their keys span one rowid range: one scan of it (not one FTS5 lookup
 * per hit), with the costly snippet() computed only for the hits themselves.
 */
/** The index's columns, and the field each is shown as. */
const highlightColumns: ReadonlyArray<['subject' | 'sender' | 'recipients' | 'body' | 'attachments', SearchField]> = [
  ['subject', 'subject'],
  ['sender', 'from'],
  ['recipients', 'to'],
  ['body', 'body'],
  ['attachments', 'attachments'],
];

function highlightsOf(db: ReadDb, match: string, ids: number[]): Map<number, SearchHighlight[]> {
  const out = new Map<number, SearchHighlight[]>();
  if (ids.length === 0) return out;
  const json = JSON.stringify(ids);
  const mine = `(rowid & ${ID_MASK}) IN (SELECT value FROM json_each(@ids))`;
  const rows = prepare<[{ ids: string; match: string }], Record<'id' | 'subject' | 'sender' | 'recipients' | 'body' | 'attachments', string | number | null>>(
    db,
    `SELECT rowid & ${ID_MASK} AS id,
       CASE WHEN ${mine} THEN highlight(message_search, 0, char(2), char(3)) END AS subject,
       CASE WHEN ${mine} THEN snippet(message_search, 1, char(2), char(3), '…', 12) END AS sender,
       CASE WHEN ${mine} THEN snippet(message_search, 2, char(2), char(3), '…', 12) END AS recipients,
       CASE WHEN ${mine} AND length(body) <= ${MAX_SNIPPET_BODY_CHARS} THEN snippet(message_search, 3, char(2), char(3), '…', 16) END AS body,
       CASE WHEN ${mine} THEN snippet(message_search, 4, char(2), char(3), '…', 8) END AS attachments
     FROM message_search WHERE message_search MATCH @match
       AND rowid BETWEEN (SELECT min(${searchKeySql('date', 'id')}) FROM messages WHERE id IN (SELECT value FROM json_each(@ids)))
                     AND (SELECT max(${searchKeySql('date', 'id')}) FROM messages WHERE id IN (SELECT value FROM json_each(@ids)))`,
  ).all({ ids: json, match });
  for (const row of rows) {
    if (row.subject === null && row.body === null) continue;
    const fragments: SearchHighlight[] = [];
    for (const [column, field] of highlightColumns) {
      const value = row[column];
      if (typeof value === 'string' && value.includes('\u0002')) {
        fragments.push({ field, text: unsplitCjk(value).replaceAll('\u0003\u0002', '').replace(/\s+/g, ' ').trim() });
      }
    }
    out.set(Number(row.id), fragments);
  }
  return out;
}

function asQueryError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_') && code !== 'SQLITE_BUSY' && code !== 'SQLITE_IOERR') {
    return new HomingError('INVALID_QUERY', 'The search could not be understood.', { sqlite: code }, { cause: error });
  }
  return error;
}
