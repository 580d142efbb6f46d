import { fallbackAddresses, readFallbackHeaders } from '../mime/fallback-headers';
import type { ParsedAddress, ParsedMessage } from '../mime/parse-message';
import { prepare, type WriteDb } from './db';
import { writeSearchRow } from './ingest';
import { readHeaderBlock } from './message-sources';
import { writeTransaction } from './write-transaction';

/** Rows indexed per transaction, so a long sweep never holds the writer for long. */
const SWEEP_PAGE = 500;

interface PendingRow {
  id: number;
  date: number;
  subject: string;
  from_name: string | null;
  from_address: string | null;
  to_json: string;
  cc_json: string;
}

/** One folder's rows, one account's, or all of the store's (a writer starting after a crash). */
export type PendingScope = { accountId: string } | { folderId: number } | 'all';

/**
 * Gives a full-text row to every message of the scope still marked search_pending: stored from its header
 * block while its body was on its way (ingest.ts searchRowLater), and the body did not come (out of the
 * offline scope by the time it was asked for, expunged, a pass cut short or killed). The row is what the
 * header block gives: subject, sender and recipients, as a message stored without its body always had.
 * Returns how many were indexed.
 */
export function indexPendingSearch(db: WriteDb, scope: PendingScope): number {
  const [where, value] = scope === 'all' ? ['?', 1] : 'accountId' in scope ? ['account_id = ?', scope.accountId] : ['folder_id = ?', scope.folderId];
  const page = prepare<[string | number, number], PendingRow>(
    db,
    `SELECT id, date, subject, from_name, from_address, to_json, cc_json FROM messages WHERE ${where} AND search_pending = 1 LIMIT ?`,
  );
  let indexed = 0;
  for (;;) {
    const done = writeTransaction(db, () => {
      const rows = page.all(value, SWEEP_PAGE);
      for (const row of rows) indexPendingRow(db, row);
      return rows.length;
    });
    indexed += done;
    if (done < SWEEP_PAGE) return indexed;
  }
}

/** indexPendingSearch for one message (a copy of a pending row gets its own row at once). Call inside a write transaction. */
export function indexIfPending(db: WriteDb, messageId: number): void {
  const row = prepare<[number], PendingRow>(
    db,
    'SELECT id, date, subject, from_name, from_address, to_json, cc_json FROM messages WHERE id = ? AND search_pending = 1',
  ).get(messageId);
  if (row) indexPendingRow(db, row);
}

function indexPendingRow(db: WriteDb, row: PendingRow): void {
  writeSearchRow(db, row.id, row.date, headerOnlyMessage(db, row));
  prepare<[number]>(db, 'UPDATE messages SET search_pending = 0 WHERE id = ?').run(row.id);
}

/** The stored row's header fields as a parsed message without a body; Bcc, which the row does not keep, from the header block. */
function headerOnlyMessage(db: WriteDb, row: PendingRow): ParsedMessage {
  const header = readHeaderBlock(db, row.id);
  const bcc = /^bcc[ \t]*:/im.test(header.toString('latin1')) ? fallbackAddresses(readFallbackHeaders(header).get('bcc')) : [];
  return {
    messageId: null,
    inReplyTo: null,
    references: [],
    subject: row.subject,
    from: row.from_address !== null || row.from_name !== null ? { name: row.from_name ?? '', address: row.from_address ?? '' } : null,
    to: addresses(row.to_json),
    cc: addresses(row.cc_json),
    bcc,
    replyTo: [],
    date: null,
    text: null,
    html: null,
    snippet: '',
    attachments: [],
    parseStatus: 'ok',
  };
}

function addresses(json: string): ParsedAddress[] {
  try {
    const list: unknown = JSON.parse(json);
    return Array.isArray(list) ? (list as ParsedAddress[]).filter((a) => a && typeof a.address === 'string') : [];
  } catch {
    return [];
  }
}
