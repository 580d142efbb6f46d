import type { Address, MessageSummary } from '../../shared/contract/messages';
import { prepare, type ReadDb } from './db';
import { pendingStates } from './operation-marks';

/** The columns a list row needs, from messages joined with its folder (in SummaryRow's order: readSummaryRows reads them by position). */
export const SUMMARY_COLUMNS = `m.id, m.account_id, m.folder_id, f.path AS folder, m.uid, m.uidl, m.message_id, m.subject, m.from_name,
  m.from_address, m.to_json, m.date, m.date_known, m.seen, m.flagged, m.answered, m.draft, m.keywords, m.size, m.thread_id,
  m.snippet, m.parse_status, m.body_status`;

export interface SummaryRow {
  id: number;
  account_id: string;
  folder_id: number;
  folder: string;
  uid: number | null;
  uidl: string | null;
  message_id: string | null;
  subject: string;
  from_name: string | null;
  from_address: string | null;
  to_json: string;
  date: number;
  date_known: number;
  seen: number;
  flagged: number;
  answered: number;
  draft: number;
  keywords: string;
  size: number;
  thread_id: number | null;
  snippet: string;
  parse_status: 'ok' | 'failed';
  body_status: 'full' | 'headers' | 'partial';
}

/**
 * Reads summary rows as arrays and builds the objects here: better-sqlite3's own row objects cost
 * several times more for this many columns (5 ms against 1.4 ms for 200 rows, measured), and lists
 * and searches read up to 1,000 at a time.
 */
export function readSummaryRows<P extends unknown[]>(db: ReadDb, sql: string, ...params: P): SummaryRow[] {
  const rows = prepare<P, unknown[]>(db, sql).raw().all(...params);
  return rows.map(
    (r): SummaryRow => ({
      id: r[0] as number,
      account_id: r[1] as string,
      folder_id: r[2] as number,
      folder: r[3] as string,
      uid: r[4] as number | null,
      uidl: r[5] as string | null,
      message_id: r[6] as string | null,
      subject: r[7] as string,
      from_name: r[8] as string | null,
      from_address: r[9] as string | null,
      to_json: r[10] as string,
      date: r[11] as number,
      date_known: r[12] as number,
      seen: r[13] as number,
      flagged: r[14] as number,
      answered: r[15] as number,
      draft: r[16] as number,
      keywords: r[17] as string,
      size: r[18] as number,
      thread_id: r[19] as number | null,
      snippet: r[20] as string,
      parse_status: r[21] as SummaryRow['parse_status'],
      body_status: r[22] as SummaryRow['body_status'],
    }),
  );
}

function parseJsonArray<T>(json: string): T[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

export function flagsOf(row: Pick<SummaryRow, 'seen' | 'flagged' | 'answered' | 'draft' | 'keywords'>): string[] {
  const flags: string[] = [];
  if (row.seen) flags.push('\\Seen');
  if (row.flagged) flags.push('\\Flagged');
  if (row.answered) flags.push('\\Answered');
  if (row.draft) flags.push('\\Draft');
  for (const keyword of parseJsonArray<string>(row.keywords)) if (typeof keyword === 'string') flags.push(keyword);
  return flags;
}

/**
 * Turns rows into summaries, fetching the page's attachments, thread sizes and pending states in one
 * query each (never one per row).
 */
export function toSummaries(db: ReadDb, rows: SummaryRow[]): MessageSummary[] {
  if (rows.length === 0) return [];
  const ids = JSON.stringify(rows.map((r) => r.id));
  const attachments = new Map<number, MessageSummary['attachments']>();
  for (const a of prepare<[string], { message_id: number; filename: string; content_type: string; size: number }>(
    db,
    `SELECT message_id, filename, content_type, size FROM attachments
     WHERE message_id IN (SELECT value FROM json_each(?)) AND NOT (inline = 1 AND content_id IS NOT NULL)
     ORDER BY message_id, part_index`,
  ).iterate(ids)) {
    let list = attachments.get(a.message_id);
    if (!list) attachments.set(a.message_id, (list = []));
    list.push({ filename: a.filename, contentType: a.content_type, size: a.size });
  }
  const threadIds = JSON.stringify([...new Set(rows.map((r) => r.thread_id).filter((t): t is number => t !== null))]);
  const threadCounts = new Map<number, number>();
  for (const t of prepare<[string], { thread_id: number; n: number }>(
    db,
    `SELECT thread_id, count(*) AS n FROM messages
     WHERE thread_id IN (SELECT value FROM json_each(?)) AND deleted_locally = 0 GROUP BY thread_id`,
  ).iterate(threadIds)) {
    threadCounts.set(t.thread_id, t.n);
  }
  const pending = pendingStates(db, rows.map((r) => r.id));
  return rows.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    folderId: row.folder_id,
    folder: row.folder,
    uid: row.uid,
    uidl: row.uidl,
    messageId: row.message_id,
    subject: row.subject,
    from: row.from_address !== null || row.from_name !== null ? { name: row.from_name ?? '', address: row.from_address ?? '' } : null,
    to: parseJsonArray<Address>(row.to_json),
    date: row.date_known ? new Date(row.date).toISOString() : null,
    flags: flagsOf(row),
    seen: row.seen === 1,
    flagged: row.flagged === 1,
    answered: row.answered === 1,
    size: row.size,
    attachments: attachments.get(row.id) ?? [],
    threadId: row.thread_id,
    threadCount: row.thread_id === null ? 1 : (threadCounts.get(row.thread_id) ?? 1),
    snippet: row.snippet,
    parseStatus: row.parse_status,
    bodyStatus: row.body_status,
    pendingState: pending.get(row.id) ?? null,
  }));
}

/** Summaries of the given visible messages, in the order of `ids` (unknown or hidden ids are left out). */
export function summariesByIds(db: ReadDb, ids: number[]): MessageSummary[] {
  if (ids.length === 0) return [];
  const rows = readSummaryRows(
    db,
    `SELECT ${SUMMARY_COLUMNS} FROM messages m JOIN folders f ON f.id = m.folder_id
     WHERE m.id IN (SELECT value FROM json_each(?)) AND m.deleted_locally = 0`,
    JSON.stringify(ids),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return toSummaries(
    db,
    ids.map((id) => byId.get(id)).filter((r): r is SummaryRow => r !== undefined),
  );
}

/** The visible messages of a thread, oldest first. */
export function threadSummaries(db: ReadDb, threadId: number): MessageSummary[] {
  const rows = readSummaryRows(
    db,
    `SELECT ${SUMMARY_COLUMNS} FROM messages m JOIN folders f ON f.id = m.folder_id
     WHERE m.thread_id = ? AND m.deleted_locally = 0 ORDER BY m.date, m.id`,
    threadId,
  );
  return toSummaries(db, rows);
}
