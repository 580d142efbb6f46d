import type { MailboxRef, MessagePage, MessageSort } from '../../shared/contract/messages';
import { HomingError } from '../../shared/errors';
import { prepare, type ReadDb } from './db';
import { findFolderById, inboxFolderIds } from './folders';
import { MAX_PAGE } from './limits';
import { readSummaryRows, SUMMARY_COLUMNS, type SummaryRow, toSummaries } from './message-summaries';

/** Position after the last row of a page: (date, id) is unique, so paging by it never skips or repeats. */
interface Keyset {
  date: number;
  id: number;
}

const pageSql = (direction: 'DESC' | 'ASC') =>
  `SELECT ${SUMMARY_COLUMNS} FROM messages m JOIN folders f ON f.id = m.folder_id
   WHERE m.folder_id = ? AND m.deleted_locally = 0 AND (m.date, m.id) ${direction === 'DESC' ? '<' : '>'} (?, ?)
   ORDER BY m.date ${direction}, m.id ${direction} LIMIT ?`;

/**
 * One page of a folder or of the unified inbox, in keyset order (WHERE (date, id) < cursor, never
 * OFFSET): every page costs the same, the thousandth as the first. The unified inbox merges the
 * accounts' INBOX pages, each read through its own index.
 */
export function listMessagePage(db: ReadDb, mailbox: MailboxRef, sort: MessageSort, cursor: string | null, limit: number): MessagePage {
  const size = Math.min(Math.max(1, limit), MAX_PAGE);
  const direction = sort === 'date-asc' ? 'ASC' : 'DESC';
  const after = cursor ? decodeCursor(cursor) : direction === 'DESC' ? { date: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER } : { date: Number.MIN_SAFE_INTEGER, id: 0 };
  const folderIds = mailboxFolderIds(db, mailbox);
  let rows: SummaryRow[] = [];
  for (const folderId of folderIds) rows.push(...readSummaryRows(db, pageSql(direction), folderId, after.date, after.id, size + 1));
  if (folderIds.length > 1) {
    const sign = direction === 'DESC' ? -1 : 1;
    rows.sort((a, b) => sign * (a.date - b.date || a.id - b.id));
    rows = rows.slice(0, size + 1);
  }
  const more = rows.length > size;
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    messages: toSummaries(db, page),
    nextCursor: more && last ? encodeCursor({ date: last.date, id: last.id }) : null,
  };
}

/** Every visible id of a mailbox in display order (the virtual list fetches rows by range from it). */
export function listMailboxIds(db: ReadDb, mailbox: MailboxRef, sort: MessageSort): number[] {
  const direction = sort === 'date-asc' ? 'ASC' : 'DESC';
  const folderIds = mailboxFolderIds(db, mailbox);
  // The partial index messages_folder_date covers these queries (no table rows are read), and plain
  // values (pluck) rather than row objects keep 100,000 ids cheap.
  if (folderIds.length === 1) {
    return prepare<[number], number>(db, `SELECT id FROM messages WHERE folder_id = ? AND deleted_locally = 0 ORDER BY date ${direction}, id ${direction}`)
      .pluck()
      .all(folderIds[0]!);
  }
  return prepare<[string], number>(
    db,
    `SELECT id FROM messages WHERE folder_id IN (SELECT value FROM json_each(?)) AND deleted_locally = 0 ORDER BY date ${direction}, id ${direction}`,
  )
    .pluck()
    .all(JSON.stringify(folderIds));
}

export function mailboxFolderIds(db: ReadDb, mailbox: MailboxRef): number[] {
  if ('unified' in mailbox) return inboxFolderIds(db);
  if (!findFolderById(db, mailbox.folderId)) throw new HomingError('NOT_FOUND', `No folder with id ${mailbox.folderId}.`);
  return [mailbox.folderId];
}

function encodeCursor(keyset: Keyset): string {
  return Buffer.from(JSON.stringify([keyset.date, keyset.id])).toString('base64url');
}

function decodeCursor(cursor: string): Keyset {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((n) => Number.isSafeInteger(n))) {
      return { date: value[0] as number, id: value[1] as number };
    }
  } catch {
    // Fall through to the error below.
  }
  throw new HomingError('INVALID_ARGUMENT', 'The page cursor is not one this list handed out.');
}
