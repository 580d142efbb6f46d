import type BetterSqlite3 from 'better-sqlite3';

/**
 * Drafts on the server (electron/sync/outgoing/drafts-sync.ts):
 * - `kept_on_server`: whether the draft's copy goes to the server's Drafts folder. The writer sets it when
 *   the draft is made, from the account's sync engine (accounts that mirror a server); drafts of other
 *   accounts (POP3) live here only. Drafts from before this version belong to IMAP accounts or not.
 * - `discarded`: a deleted or sent draft whose copy is still in the server's Drafts folder stays as a row
 *   until that copy is removed.
 * - `upload_started`: the revision whose APPEND went out, so after a crash the copy is looked for (by its
 *   Message-ID) before it is uploaded again.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    ALTER TABLE drafts ADD COLUMN kept_on_server INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE drafts ADD COLUMN discarded INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE drafts ADD COLUMN upload_started INTEGER;
    UPDATE drafts SET kept_on_server = 1 WHERE account_id IN (SELECT id FROM accounts WHERE protocol = 'imap');
  `);
}
