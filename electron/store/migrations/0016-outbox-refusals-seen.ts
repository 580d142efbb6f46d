import type BetterSqlite3 from 'better-sqlite3';

/**
 * Whether the user has seen the recipients the server refused while it took a message for the others
 * (store/outbox.ts acknowledgeRefusals). Such a message stays in the outbox's list, sent and filed, until
 * then: no bounce will come for an address refused at RCPT, so the outbox is the only place that says the
 * message did not reach it. Messages filed before this version count as seen (they were never shown again).
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`ALTER TABLE outbox ADD COLUMN refusals_seen INTEGER NOT NULL DEFAULT 0`);
  db.exec(`UPDATE outbox SET refusals_seen = 1 WHERE state = 'filed'`);
}
