import type { ParsedMessage } from '../mime/parse-message';
import { splitCjk } from '../mime/search-text';
import { prepare, type WriteDb } from './db';
import { hasRealAttachments, plainAddress, searchTexts, writeAttachments, writeSearchRow } from './ingest';
import { searchKeySql } from './search-key';
import { recipientSortKey, senderSortKey, subjectSortKey } from './sort-keys';
import type { ChangeRecorder } from './write-transaction';

/**
 * Mail stored before a parser fix, read again from its stored bytes (mime/parser-version.ts). Everything
 * a message's row derives from its source (subject, names, snippet, attachments, the full-text row) was
 * written by the parser of the day, and a fix of that parser (8-bit headers in the declared charset,
 * uuencoded files, opaque S/MIME, stray CRs) reached only mail that arrived after it: the old mail kept its
 * garbled subject, empty preview and missing index words. The raw source is always kept (invariant 3), so
 * the writer reads every message stored before the current parser version again, in the background
 * (sync/reread-runner.ts), by ascending id, a batch per transaction; `reread_scan` is its progress, so a
 * scan cut short by the app's end goes on where it stopped.
 */
interface ScanRow {
  parser_version: number;
  up_to: number;
  last_message_id: number;
}

/** A message to read again: its id, date (its search key's), stored size and the hash of the bytes read. */
export interface RereadRow {
  id: number;
  date: number;
  size: number;
  content_hash: string | null;
}

/**
 * Starts a scan for `version` when the last one was for an older one: every message stored so far (up to
 * the largest id given out) is to be read again. True while a scan has messages left.
 */
export function beginReread(db: WriteDb, version: number): boolean {
  const scan = prepare<[], ScanRow>(db, 'SELECT parser_version, up_to, last_message_id FROM reread_scan WHERE id = 1').get();
  if (!scan) return false;
  if (scan.parser_version < version) {
    const newest = prepare<[], { id: number | null }>(db, 'SELECT max(id) AS id FROM messages').get()?.id ?? 0;
    prepare<[number, number]>(db, 'UPDATE reread_scan SET parser_version = ?, up_to = ?, last_message_id = 0 WHERE id = 1').run(version, newest);
    return newest > 0;
  }
  return scan.last_message_id < scan.up_to;
}

/**
 * The next messages to read again, at most `limit` ids on (whole bodies only: a header block is read again
 * when its body arrives), and the id the scan is through once they are read; `more` when ids are left after.
 */
export function nextRereadRows(db: WriteDb, limit: number): { rows: RereadRow[]; through: number; more: boolean } {
  const scan = prepare<[], ScanRow>(db, 'SELECT parser_version, up_to, last_message_id FROM reread_scan WHERE id = 1').get();
  if (!scan || scan.last_message_id >= scan.up_to) return { rows: [], through: scan?.up_to ?? 0, more: false };
  const rows = prepare<[number, number, number], RereadRow & { body_status: string }>(
    db,
    `SELECT id, date, size, content_hash, body_status FROM messages WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`,
  ).all(scan.last_message_id, scan.up_to, limit);
  const more = rows.length === limit;
  const through = more ? rows[rows.length - 1]!.id : scan.up_to;
  return { rows: rows.filter((r) => r.body_status === 'full').map(({ id, date, size, content_hash }) => ({ id, date, size, content_hash })), through, more };
}

/** The scan has read every message up to `through`. */
export function rereadThrough(db: WriteDb, through: number): void {
  prepare<[number]>(db, 'UPDATE reread_scan SET last_message_id = max(last_message_id, ?) WHERE id = 1').run(through);
}

interface StoredRow {
  account_id: string;
  folder_id: number;
  date: number;
  date_known: number;
  internal_date: number | null;
  content_hash: string | null;
  body_status: string;
  subject: string;
  from_name: string | null;
  from_address: string | null;
  to_json: string;
  cc_json: string;
  snippet: string;
  parse_status: string;
  has_attachments: number;
  sender_key: string;
  subject_key: string;
  recipient_key: string;
}

/**
 * Writes what the parser reads in message `id` now, where it differs from what is stored. Nothing when the
 * message is gone, or its source changed since `hash` was read (a body arrived, a server's wrapper was
 * repaired: that write parsed it already). True when something was written.
 *
 * The date is read again as ingest reads it (the Date header, else the server's INTERNALDATE, else the
 * date stored), its full-text row moved to the new date's key and its thread's last date followed: a date
 * an older parser got wrong ('Sat, 07 Dec 0049' read as 2049, before dateHeaderValue) sorted the message
 * above all others for decades. The Message-ID, In-Reply-To and References stay as stored, and so does the
 * thread: a message's IDs are also the keys by which other messages joined its thread (message_ids), so
 * changing them would mean splitting or merging threads the user has seen, for no parser fix so far reads
 * them differently (a message that failed to parse had them read by hand, fallback-headers.ts, as now).
 */
export function applyReread(db: WriteDb, changes: ChangeRecorder, id: number, hash: string | null, parsed: ParsedMessage): boolean {
  const row = prepare<[number], StoredRow>(
    db,
    `SELECT account_id, folder_id, date, date_known, internal_date, content_hash, body_status, subject, from_name, from_address, to_json, cc_json, snippet, parse_status,
       has_attachments, sender_key, subject_key, recipient_key FROM messages WHERE id = ?`,
  ).get(id);
  if (!row || row.body_status !== 'full' || row.content_hash !== hash) return false;
  const columns: Array<[string, string | number | null]> = [
    ['subject', parsed.subject],
    ['from_name', parsed.from?.name ?? null],
    ['from_address', parsed.from?.address ?? null],
    ['to_json', JSON.stringify(parsed.to.map(plainAddress))],
    ['cc_json', JSON.stringify(parsed.cc.map(plainAddress))],
    ['snippet', parsed.snippet],
    ['parse_status', parsed.parseStatus],
    // Indexed columns: written only when they change (an UPDATE rewrites the index entries of every column it sets).
    ['has_attachments', hasRealAttachments(parsed) ? 1 : 0],
    ['sender_key', senderSortKey(parsed.from?.name ?? null, parsed.from?.address ?? null)],
    ['subject_key', subjectSortKey(parsed.subject)],
    ['recipient_key', recipientSortKey(parsed.to)],
  ];
  const differs = ([column, value]: [string, string | number | null]) => (row as unknown as Record<string, unknown>)[column] !== value;
  // The plain columns together when one differs, the indexed ones each only when it does: few distinct statements.
  const plain = columns.slice(0, 7);
  const changed = [...(plain.some(differs) ? plain : []), ...columns.slice(7).filter(differs)];
  const stored = prepare<[number], { filename: string; content_type: string; size: number; content_id: string | null; inline: number }>(
    db,
    'SELECT filename, content_type, size, content_id, inline FROM attachments WHERE message_id = ? ORDER BY part_index',
  ).all(id);
  const attachmentsChanged =
    stored.length !== parsed.attachments.length ||
    parsed.attachments.some((a, i) => {
      const s = stored[i]!;
      return s.filename !== a.filename || s.content_type !== a.contentType || s.size !== a.size || s.content_id !== a.contentId || s.inline !== (a.inline ? 1 : 0);
    });
  const key = searchKeySql('?', '?');
  const indexed = prepare<[number, number], { subject: string; sender: string; recipients: string; body: string; attachments: string }>(
    db,
    `SELECT subject, sender, recipients, body, attachments FROM message_search WHERE rowid = ${key}`,
  ).get(row.date, id);
  const texts = searchTexts(parsed);
  const searchChanged =
    !indexed ||
    indexed.subject !== splitCjk(texts.subject) ||
    indexed.sender !== splitCjk(texts.sender) ||
    indexed.recipients !== splitCjk(texts.recipients) ||
    indexed.body !== splitCjk(texts.body) ||
    indexed.attachments !== splitCjk(texts.attachments);
  const headerDate = parsed.date?.getTime() ?? null;
  const date = headerDate ?? row.internal_date ?? row.date;
  const dateKnown = headerDate !== null || row.internal_date !== null ? 1 : 0;
  const dateChanged = date !== row.date || dateKnown !== row.date_known;
  if (dateChanged) changed.push(['date', date], ['date_known', dateKnown]);
  if (changed.length === 0 && !attachmentsChanged && !searchChanged) return false;
  // The full-text row goes before the UPDATE: a changed date would have the messages_search_redate trigger move it.
  if (searchChanged || dateChanged) prepare<[number, number]>(db, `DELETE FROM message_search WHERE rowid = ${key}`).run(row.date, id);
  if (changed.length > 0) {
    prepare(db, `UPDATE messages SET ${changed.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`).run(...changed.map(([, value]) => value), id);
  }
  if (dateChanged) {
    prepare<[number]>(
      db,
      `UPDATE threads SET last_date = (SELECT max(date) FROM messages WHERE thread_id = threads.id) WHERE id = (SELECT thread_id FROM messages WHERE id = ?)`,
    ).run(id);
  }
  if (attachmentsChanged) {
    prepare<[number]>(db, 'DELETE FROM attachments WHERE message_id = ?').run(id);
    writeAttachments(db, id, parsed);
  }
  if (searchChanged || dateChanged) writeSearchRow(db, id, date, parsed);
  changes.message(row.account_id, row.folder_id, id);
  return true;
}
