import Database from 'better-sqlite3';
import { HomingError } from '../../shared/errors';
import type { ReadDb, WriteDb } from './db';
import { registerHeaderMatch } from './header-match';
import { migrations } from './migrations/all';
import { latestVersion } from './migrations/version';
import { createPrivateFile } from './private-data-dir';
import { mapSqliteError } from './sqlite-errors';

export interface OpenOptions {
  /**
   * Path of a better-sqlite3 native binding built for another runtime. The Electron shell passes the one
   * built for Electron's ABI, so the Node build stays in place for the CLI and tests (both orders of
   * `npm start` and `npm test` work on one checkout).
   */
  nativeBinding?: string;
}

/** Milliseconds a connection waits for the other one's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
/** How long a closing writer waits for readers to let it truncate the WAL (closeDb). */
const CLOSE_CHECKPOINT_WAIT_MS = 250;

/**
 * Page size of a new database. Most of the store's bytes are message sources (blobs of tens of KB): with
 * SQLite's default 4 KB pages each is a chain of overflow pages, every one a WAL frame written twice
 * (commit, then checkpoint). 16 KB pages cut the IMAP bench's CPU by ~1.5 s per 10k messages (~7%) for a
 * file ~3% bigger (see WRITE_CACHE_KIB for what they did to memory).
 * Existing databases keep their size: changing it would mean a VACUUM of the whole store.
 */
export const NEW_DATABASE_PAGE_SIZE = 16384;

/**
 * Page cache of the write connection, in KiB (better-sqlite3's default is 16 MB). With 16 KB pages a full
 * 16 MB cache raised a bulk import's peak RSS by ~45 MB and a 68 MB message's write by ~30 MB; 4 MB
 * measured no slower on the IMAP and store benches. Readers keep the default: search reads more pages.
 */
const WRITE_CACHE_KIB = 4096;

/**
 * Page cache of the write connection while one transaction changes a whole folder (deleting a folder of
 * 100,000 messages, emptying such a Trash). Moving 100,000 rows rewrites their entries in every folder
 * index; with 4 MB the cache spilled and read the same index pages again and again: one UPDATE moving them
 * took 37 s of wall and 15 s of CPU (10 of it the kernel's), with 32 MB 12 s and 3.7 s (load 11-12). Back
 * to WRITE_CACHE_KIB afterwards, which frees the pages over it once the transaction is over.
 */
const BULK_CACHE_KIB = 32768;

/** Runs `fn` (a whole-folder change) with the larger page cache, then gives it back. */
export function withBulkCache<T>(db: WriteDb, fn: () => T): T {
  db.sqlite.pragma(`cache_size = -${BULK_CACHE_KIB}`);
  try {
    return fn();
  } finally {
    db.sqlite.pragma(`cache_size = -${WRITE_CACHE_KIB}`);
  }
}

/**
 * Opens the write connection: the sync worker's, and only one per data directory. Creates the file if
 * needed and runs pending migrations in one transaction. A database written by a newer Homing is refused
 * before anything touches it.
 */
export function openWriteDb(path: string, options: OpenOptions = {}): WriteDb {
  let sqlite: Database.Database | undefined;
  try {
    // SQLite would create the file with the umask's mode (0644: readable by every user); its WAL and
    // shared-memory files copy the database's mode.
    createPrivateFile(path);
    sqlite = new Database(path, driverOptions(options));
    // Check the version before switching to WAL: switching writes the header of a file we may refuse.
    refuseNewer(sqlite, path);
    // Only takes effect on a file with no pages yet, and must come before WAL (which fixes the size).
    if ((sqlite.pragma('page_count', { simple: true }) as number) === 0) sqlite.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL'); // WAL + NORMAL: a crash loses no committed transaction's integrity
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`cache_size = -${WRITE_CACHE_KIB}`);
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrate(sqlite);
    registerHeaderMatch(sqlite);
    return { sqlite, path } as WriteDb;
  } catch (error) {
    sqlite?.close();
    throw mapSqliteError(error);
  }
}

/** Opens a read-only connection (the main thread's). The database must already exist and be migrated. */
export function openReadDb(path: string, options: OpenOptions = {}): ReadDb {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path, { ...driverOptions(options), readonly: true, fileMustExist: true });
    refuseNewer(sqlite, path);
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    registerHeaderMatch(sqlite);
    return { sqlite, path };
  } catch (error) {
    sqlite?.close();
    throw mapSqliteError(error);
  }
}

function driverOptions(options: OpenOptions): Database.Options {
  return options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
}

function refuseNewer(sqlite: Database.Database, path: string): void {
  const version = sqlite.pragma('user_version', { simple: true }) as number;
  if (version > latestVersion) {
    throw new HomingError(
      'DATABASE_TOO_NEW',
      `The mail database at ${path} is version ${version}; this Homing understands up to ${latestVersion}. Update Homing to open it.`,
      { version, supported: latestVersion },
    );
  }
}

function migrate(sqlite: Database.Database): void {
  const current = sqlite.pragma('user_version', { simple: true }) as number;
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return;
  // All pending migrations and the version bump commit together, or not at all.
  sqlite.transaction(() => {
    for (const migration of pending) migration.up(sqlite);
    sqlite.pragma(`user_version = ${latestVersion}`);
  }).immediate();
}

/**
 * Closes a connection. The writer first copies the WAL into the database and truncates it: SQLite does
 * that itself only when the last connection to close can write, and the main thread's read-only one
 * usually outlives the writer, which left the whole WAL (34 MB after a 10k sync) on disk until the next
 * open. A reader inside a read transaction makes the checkpoint wait: only CLOSE_CHECKPOINT_WAIT_MS, so
 * quitting never hangs on it; the next open finishes the job.
 */
export function closeDb(db: ReadDb): void {
  if (!db.sqlite.open) return;
  if (!db.sqlite.readonly) {
    try {
      db.sqlite.pragma(`busy_timeout = ${CLOSE_CHECKPOINT_WAIT_MS}`);
      db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Busy or read-only file system: nothing is lost, the WAL is replayed at the next open.
    }
  }
  db.sqlite.close();
}
