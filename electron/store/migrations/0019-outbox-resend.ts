import type BetterSqlite3 from 'better-sqlite3';

/**
 * `resend_of`: the outbox row of a message the server took for some recipients while it answered "not now"
 * (a 4xx at RCPT: greylisting, a busy mailbox, a rate limit) for others. Such a row holds the same bytes
 * and sends them again to those recipients only, on the outbox's backoff (store/outbox.ts insertResend);
 * it is never filed in Sent (the message it repeats was). Its `created_at` is when the server first said
 * "not now" to them, which is what giving up is measured from.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`ALTER TABLE outbox ADD COLUMN resend_of INTEGER`);
}
