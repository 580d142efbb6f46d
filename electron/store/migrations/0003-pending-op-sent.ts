import type BetterSqlite3 from 'better-sqlite3';

/**
 * A queued move or delete is marked "sent" in its own transaction before its first command goes out
 * (store/pending-ops.ts markSent). A crash (SIGKILL, power cut) after that leaves the operation queued
 * without knowing whether the server carried it out: the next replay looks on the server first (the
 * target folder from the UIDNEXT recorded here, the source) instead of sending it blindly again, and a
 * later action on the same message waits for that outcome instead of taking the operation over.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    -- NULL: never sent. Else JSON {"at": ms, "target": {"uidvalidity": n, "uidnext": n} | null}: the target
    -- folder's state before the first command (null when there is no target folder: \\Deleted + EXPUNGE).
    ALTER TABLE pending_ops ADD COLUMN sent TEXT;
  `);
}
