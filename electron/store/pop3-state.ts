import { prepare, type ReadDb, type WriteDb } from './db';
import type { ChangeRecorder } from './write-transaction';

/**
 * What the POP3 sync knows per account (table pop3_uidls, migration 0002): every UIDL it stored, when, and
 * what became of the server's copy. Thunderbird keeps this in a separate file written every 20 messages,
 * which is how its users get duplicates after a crash; here the UIDL row is written in the same SQLite
 * transaction as the message itself (recordDownload inside the commitMessage transaction).
 */

/** What the store knows of one stored UIDL (read per listed message by store/pop3-listing.ts's listedKnown). */
export interface KnownUidl {
  uidl: string;
  /** The local message, or null when the user deleted the local copy. */
  messageId: number | null;
  downloadedAt: number;
  /** Of the local message; null when it is gone. */
  bodyStatus: 'full' | 'headers' | 'partial' | null;
  /** The local message is hidden, waiting for the server's copy to be deleted ("when deleted locally"). */
  deletedLocally: boolean;
  deleSentAt: number | null;
  /** When the UIDL was first missing from the server's listing. */
  serverGoneAt: number | null;
  /** A mail rule's word on the server's copy, over the account's policy (migration 0011). */
  serverPolicy: 'keep' | 'delete' | null;
}

/** A mail rule's word on the server's copy of these messages (rule actions server-keep, server-delete). */
export function setServerPolicy(db: WriteDb, accountId: string, messageIds: readonly number[], policy: 'keep' | 'delete'): void {
  const set = prepare<[string, string, number]>(db, 'UPDATE pop3_uidls SET server_policy = ? WHERE account_id = ? AND message_id = ?');
  for (const id of messageIds) set.run(policy, accountId, id);
}

/**
 * Records that `uidl` is stored as message `messageId`, with the message's content hash (migration 0014:
 * the row keeps it after the message is gone, so the same bytes under a new UIDL are known). Call inside
 * the transaction that committed the message. A second call (a partial message completed later) keeps the
 * first download time and takes the completed message's hash.
 *
 * A plain INSERT, not an upsert: an upsert on a table with foreign keys makes SQLite open a statement
 * savepoint, and FTS5 writes its pending terms to disk at every savepoint, so each message of a batch
 * became an index segment of its own (40 messages: 10 segments after merging, instead of 1), which the
 * commit then merged again (about a third of a POP3 download's writing thread, measured at 10k). The
 * hash comes from a scalar subquery of the one-row VALUES, which opens no savepoint either.
 */
export function recordDownload(db: WriteDb, accountId: string, uidl: string, messageId: number, at: number): void {
  const known = prepare<[number, string, string], { message_id: number | null; content_hash: string | null; current: string | null }>(
    db,
    'SELECT message_id, content_hash, (SELECT content_hash FROM messages WHERE id = ?) AS current FROM pop3_uidls WHERE account_id = ? AND uidl = ?',
  ).get(messageId, accountId, uidl);
  if (!known) {
    prepare<[string, string, number, number, number]>(
      db,
      'INSERT INTO pop3_uidls (account_id, uidl, message_id, downloaded_at, content_hash) VALUES (?, ?, ?, ?, (SELECT content_hash FROM messages WHERE id = ?))',
    ).run(accountId, uidl, messageId, at, messageId);
  } else if (known.message_id !== messageId) {
    prepare<[number, string | null, string, string]>(db, 'UPDATE pop3_uidls SET message_id = ?, content_hash = ? WHERE account_id = ? AND uidl = ?').run(
      messageId,
      known.current,
      accountId,
      uidl,
    );
  } else if (known.content_hash !== known.current) {
    prepare<[string | null, string, string]>(db, 'UPDATE pop3_uidls SET content_hash = ? WHERE account_id = ? AND uidl = ?').run(known.current, accountId, uidl);
  }
}

/** Marks the UIDLs whose DELE is about to be sent. Call inside writeTransaction(), under `durably()`. */
export function recordDeleSent(db: WriteDb, accountId: string, uidls: readonly string[], at: number): void {
  const update = prepare<[number, string, string]>(db, 'UPDATE pop3_uidls SET dele_sent_at = ? WHERE account_id = ? AND uidl = ?');
  for (const uidl of uidls) update.run(at, accountId, uidl);
}

/**
 * Runs `commit` (a writeTransaction) with synchronous=FULL. WAL with synchronous=NORMAL (store/open.ts)
 * does not sync at commit, so a power cut could take back the last committed messages; a FULL commit
 * syncs the WAL and with it every earlier commit. Called right before DELEs are sent: after it returns,
 * each message about to be deleted on the server is on disk for good (invariant 1).
 */
export function durably<T>(db: WriteDb, commit: () => T): T {
  db.sqlite.pragma('synchronous = FULL');
  try {
    return commit();
  } finally {
    db.sqlite.pragma('synchronous = NORMAL');
  }
}

/**
 * After a session that ended well (or a fresh UIDL listing): these UIDLs are no longer on the server.
 * Records when that was first seen, and removes the hidden local rows that were only waiting for it
 * (deleted_locally = 1). Returns the ids of the removed messages. Call inside writeTransaction().
 */
export function recordServerGone(db: WriteDb, changes: ChangeRecorder, accountId: string, uidls: readonly string[], at: number): number[] {
  const mark = prepare<[number, string, string]>(
    db,
    'UPDATE pop3_uidls SET server_gone_at = ? WHERE account_id = ? AND uidl = ? AND server_gone_at IS NULL',
  );
  const hidden = prepare<[string, string], { id: number; folder_id: number }>(
    db,
    'SELECT id, folder_id FROM messages WHERE account_id = ? AND uidl = ? AND deleted_locally = 1',
  );
  const remove = prepare<[number]>(db, 'DELETE FROM messages WHERE id = ?');
  const removed: number[] = [];
  for (const uidl of uidls) {
    mark.run(at, accountId, uidl);
    const row = hidden.get(accountId, uidl);
    if (!row) continue;
    remove.run(row.id);
    removed.push(row.id);
    changes.message(accountId, row.folder_id, row.id);
  }
  return removed;
}

/**
 * Hidden rows of an account whose policy never deletes on the user's behalf: the local delete is all
 * there is to do, so they go (their UIDL stays known, so the server's copy is not downloaded again).
 */
export function removeHiddenRows(db: WriteDb, changes: ChangeRecorder, accountId: string): number[] {
  const rows = prepare<[string], { id: number; folder_id: number }>(
    db,
    'SELECT id, folder_id FROM messages WHERE account_id = ? AND uidl IS NOT NULL AND deleted_locally = 1',
  ).all(accountId);
  const remove = prepare<[number]>(db, 'DELETE FROM messages WHERE id = ?');
  for (const row of rows) {
    remove.run(row.id);
    changes.message(accountId, row.folder_id, row.id);
  }
  return rows.map((r) => r.id);
}

/**
 * How many of a POP3 account's messages exist only in this store: the server deleted its copy (a DELE
 * sent under the account's policy, or the message gone from its listing) or never had one (the Sent
 * copies of a POP3 account, mail moved in from another account). Removing the account loses them for
 * good, so the removal names the count first. Hidden rows (deleted here, waiting for the server) are not
 * counted: the user deleted those.
 */
export function localOnlyMessageCount(db: ReadDb, accountId: string): number {
  const row = prepare<[string], { count: number }>(
    db,
    `SELECT count(*) AS count FROM messages m
      WHERE m.account_id = ? AND m.deleted_locally = 0
        AND (m.uidl IS NULL OR EXISTS (
          SELECT 1 FROM pop3_uidls u WHERE u.account_id = m.account_id AND u.uidl = m.uidl
            AND (u.dele_sent_at IS NOT NULL OR u.server_gone_at IS NOT NULL)))`,
  ).get(accountId);
  return row?.count ?? 0;
}
