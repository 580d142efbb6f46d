import type BetterSqlite3 from 'better-sqlite3';

declare const writeBrand: unique symbol;

/** A connection that can only read: opened read-only, so SQLite itself refuses writes. */
export interface ReadDb {
  readonly sqlite: BetterSqlite3.Database;
  readonly path: string;
}

/**
 * The one write connection, owned by the sync worker. The brand makes a ReadDb unusable where a WriteDb
 * is required, so a read path cannot write by accident.
 */
export interface WriteDb extends ReadDb {
  readonly [writeBrand]: true;
}

const statementCache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** Prepares a statement once per connection and reuses it (preparing is the slow part of a small query). */
export function prepare<P extends unknown[] | object = unknown[], R = unknown>(
  db: ReadDb,
  sql: string,
): BetterSqlite3.Statement<P, R> {
  let cache = statementCache.get(db.sqlite);
  if (!cache) {
    cache = new Map();
    statementCache.set(db.sqlite, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.sqlite.prepare(sql);
    cache.set(sql, statement);
  }
  return statement as unknown as BetterSqlite3.Statement<P, R>;
}

/**
 * How many statements `prepare` keeps for this connection. They live as long as the connection (the sync
 * worker's for the app's whole run), so SQL must not vary with the data: a list of values goes in one
 * parameter (`IN (SELECT value FROM json_each(?))`), never as `?, ?, ?` of its length.
 */
export function cachedStatementCount(db: ReadDb): number {
  return statementCache.get(db.sqlite)?.size ?? 0;
}
