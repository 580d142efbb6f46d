import type { MailboxRef, MessagePage, MessageSort } from '../../shared/contract/messages';
import { HomingError } from '../../shared/errors';
import { prepare, type ReadDb } from './db';
import { findFolderById, inboxFolderIds } from './folders';
import { MAX_PAGE } from './limits';
import { comparePositions, decodeCursor, encodeCursor, type MessageOrder, messageOrder, orderBySql, type Position } from './message-order';
import { readSummaryRows, SUMMARY_COLUMNS, type SummaryRow, toSummaries } from './message-summaries';

const FROM_FOLDER = `SELECT ${SUMMARY_COLUMNS} FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.folder_id = ? AND m.deleted_locally = 0`;

/**
 * The rows of one folder an order reads. The recipients' index holds the rows of Sent and Drafts folders
 * alone (migration 0018), where every row has outgoing_folder = 1: the term lets the planner use it.
 */
function fromFolder(order: MessageOrder, alias: string): string {
  return order.key === 'recipient_key' ? ` AND ${alias}outgoing_folder = 1` : '';
}

/**
 * Up to `limit` rows of one folder after `after` (from the start when null), in keyset order: WHERE on the
 * order's columns, never OFFSET, so every page costs the same, the thousandth as the first. In a keyed
 * order the rest of the cursor's key comes first (by date), then the keys after it: two index ranges.
 */
function folderRows(db: ReadDb, folderId: number, order: MessageOrder, after: Position | null, limit: number): SummaryRow[] {
  const rows = `${FROM_FOLDER}${fromFolder(order, 'm.')}`;
  const orderBy = orderBySql(order, 'm.');
  if (!after) return readSummaryRows(db, `${rows} ORDER BY ${orderBy} LIMIT ?`, folderId, limit);
  const dateAfter = order.dateDirection === 'DESC' ? '<' : '>';
  const byDate = `m.date ${order.dateDirection}, m.id ${order.dateDirection}`;
  if (!order.key) return readSummaryRows(db, `${rows} AND (m.date, m.id) ${dateAfter} (?, ?) ORDER BY ${byDate} LIMIT ?`, folderId, after.date, after.id, limit);
  const sameKey = readSummaryRows(
    db,
    `${rows} AND m.${order.key} = ? AND (m.date, m.id) ${dateAfter} (?, ?) ORDER BY ${byDate} LIMIT ?`,
    folderId,
    after.key,
    after.date,
    after.id,
    limit,
  );
  if (sameKey.length >= limit) return sameKey;
  const keyAfter = order.keyDirection === 'ASC' ? '>' : '<';
  return [...sameKey, ...readSummaryRows(db, `${rows} AND m.${order.key} ${keyAfter} ? ORDER BY ${orderBy} LIMIT ?`, folderId, after.key, limit - sameKey.length)];
}

/** Each row's position in the order (the stored sort keys are not part of a summary row). */
function positionsOf(db: ReadDb, rows: SummaryRow[], order: MessageOrder): Map<number, Position> {
  const keys = new Map<number, string>();
  if (order.key === 'sender_key' || order.key === 'recipient_key' || order.key === 'subject_key') {
    for (const row of prepare<[string], { id: number; k: string }>(db, `SELECT id, ${order.key} AS k FROM messages WHERE id IN (SELECT value FROM json_each(?))`).iterate(
      JSON.stringify(rows.map((r) => r.id)),
    )) {
      keys.set(row.id, row.k);
    }
  }
  const key = (row: SummaryRow) => (order.key === null ? null : order.key === 'size' ? row.size : (keys.get(row.id) ?? ''));
  return new Map(rows.map((row) => [row.id, { key: key(row), date: row.date, id: row.id }]));
}

/**
 * One page of a folder or of the unified inbox, in the order asked for. The unified inbox merges the
 * accounts' INBOX pages, each read through its own index.
 */
export function listMessagePage(db: ReadDb, mailbox: MailboxRef, sort: MessageSort, cursor: string | null, limit: number): MessagePage {
  const size = Math.min(Math.max(1, limit), MAX_PAGE);
  const folderIds = mailboxFolderIds(db, mailbox);
  const order = messageOrder(sort, { outgoing: outgoingMailbox(db, folderIds) });
  const after = cursor ? decodeCursor(cursor, order) : null;
  let rows: SummaryRow[] = [];
  for (const folderId of folderIds) rows.push(...folderRows(db, folderId, order, after, size + 1));
  const positions = order.key === null && folderIds.length === 1 ? null : positionsOf(db, rows, order);
  if (folderIds.length > 1) {
    rows.sort((a, b) => comparePositions(order, positions!.get(a.id)!, positions!.get(b.id)!));
    rows = rows.slice(0, size + 1);
  }
  const more = rows.length > size;
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    messages: toSummaries(db, page),
    nextCursor: more && last ? encodeCursor(positions?.get(last.id) ?? { key: null, date: last.date, id: last.id }) : null,
  };
}

/** Every visible id of a mailbox in display order (the virtual list fetches rows by range from it). */
export function listMailboxIds(db: ReadDb, mailbox: MailboxRef, sort: MessageSort): number[] {
  const folderIds = mailboxFolderIds(db, mailbox);
  const order = messageOrder(sort, { outgoing: outgoingMailbox(db, folderIds) });
  const orderBy = orderBySql(order, '');
  // One folder: the order's partial index covers the query (no table rows are read), and plain values
  // (pluck) rather than row objects keep 100,000 ids cheap.
  if (folderIds.length === 1) {
    return prepare<[number], number>(db, `SELECT id FROM messages WHERE folder_id = ? AND deleted_locally = 0${fromFolder(order, '')} ORDER BY ${orderBy}`)
      .pluck()
      .all(folderIds[0]!);
  }
  return prepare<[string], number>(
    db,
    `SELECT id FROM messages WHERE folder_id IN (SELECT value FROM json_each(?)) AND deleted_locally = 0 ORDER BY ${orderBy}`,
  )
    .pluck()
    .all(JSON.stringify(folderIds));
}

/** Sent or Drafts: the rows name the recipients (as the window shows them), so "Sender" sorts by them. */
function outgoingMailbox(db: ReadDb, folderIds: readonly number[]): boolean {
  if (folderIds.length !== 1) return false;
  const use = findFolderById(db, folderIds[0]!)?.specialUse;
  return use === 'sent' || use === 'drafts';
}

export function mailboxFolderIds(db: ReadDb, mailbox: MailboxRef): number[] {
  if ('unified' in mailbox) return inboxFolderIds(db);
  if (!findFolderById(db, mailbox.folderId)) throw new HomingError('NOT_FOUND', `No folder with id ${mailbox.folderId}.`);
  return [mailbox.folderId];
}
