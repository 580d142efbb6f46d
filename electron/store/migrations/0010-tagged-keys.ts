import type BetterSqlite3 from 'better-sqlite3';

/**
 * Search by tag (`tag:work`, store/search-plan.ts): the keys of the shown messages that carry any
 * keyword, so a tag filter reads the tagged messages (few) rather than every message's keywords.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`CREATE INDEX messages_tagged_keys ON messages (date, id) WHERE keywords != '[]' AND deleted_locally = 0;`);
}
