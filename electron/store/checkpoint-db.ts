import Database from 'better-sqlite3';
import type { OpenOptions } from './open';

/** Page cache of the checkpoint connection, in KiB: it copies page by page through its own buffer. */
const CHECKPOINT_CACHE_KIB = 256;

/**
 * Opens the connection of the checkpoint thread (sync/checkpoint-worker.ts). It only copies committed
 * pages from the WAL into the database file and never starts a transaction; the writer has opened,
 * checked and migrated the database before starting it. Imports nothing else of the store, so the thread
 * loads next to nothing.
 */
export function openCheckpointDb(path: string, options: OpenOptions = {}): Database.Database {
  const sqlite = new Database(path, { fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  // A checkpoint syncs the WAL before copying and the database file after, as the writer's own would.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`cache_size = -${CHECKPOINT_CACHE_KIB}`);
  return sqlite;
}
