import type BetterSqlite3 from 'better-sqlite3';

/**
 * `search_pending`: 1 for a message stored without its full-text row because its body was on its way
 * (IMAP's header phase, for a message the body phase of the same pass downloads). The body writes the
 * row once, instead of a header row written and then deleted and written again; a message whose body
 * does not come after all (a pass cut short, a crash, expunged meanwhile) gets its header row from
 * store/pending-search.ts. The partial index keeps finding those rows cheap; it holds nothing once a pass
 * has finished.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    ALTER TABLE messages ADD COLUMN search_pending INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX messages_search_pending ON messages (account_id, folder_id) WHERE search_pending = 1;
  `);
}
