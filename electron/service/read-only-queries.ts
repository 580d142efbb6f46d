import type { MethodHandlers } from '../../shared/contract';
import { HomingError } from '../../shared/errors';
import { dbPathOf } from '../store/data-dir';
import { prepare, type ReadDb } from '../store/db';
import { latestVersion } from '../store/migrations/version';
import { betterSqliteBinding } from '../store/native-binding';
import { readHeaderBlock, sourceChunks } from '../store/message-sources';
import { closeDb, openReadDb } from '../store/open';
import { makeDataDirPrivate } from '../store/private-data-dir';
import { createMessageQueries } from './message-queries';
import { bodyStatusOf } from './whole-messages';

export type ReadOnlyQueryName = 'listFolders' | 'listMessages' | 'search' | 'getMessage' | 'getMessageSource';

export interface ReadOnlyQueries {
  /** The service's own handlers; arguments as the contract gives them (validated, defaults filled in). */
  readonly handlers: MethodHandlers<ReadOnlyQueryName>;
  /** Whether the store holds the message whole (NOT_FOUND when there is no such message). */
  bodyStatus(id: number): 'full' | 'headers' | 'partial';
  /**
   * A visible message's stored bytes a chunk at a time (`headers`: its header block), inflated one chunk
   * at a time, so that `show --raw` of a 100 MB message never holds it whole. NOT_FOUND when there is no
   * such message.
   */
  storedChunks(id: number, part: 'stored' | 'headers'): Iterable<Buffer>;
  close(): void;
}

/**
 * The service's message queries on a read-only connection opened here, without the service around them
 * (the contract, the keychain, the worker): for a process that only reads (the `homing` executable's
 * reading commands, electron/cli/local-reader.ts). The data directory is made private first, as the
 * service does. Null when only the service can open the store: it does not exist or is not at this
 * version yet (the writer creates and migrates it), or it cannot be opened (the service says why).
 */
export function openReadOnlyQueries(dataDir: string, note: (text: string) => void): ReadOnlyQueries | null {
  makeDataDirPrivate(dataDir, note);
  let db: ReadDb;
  try {
    // By path: the `homing` executable bundles better-sqlite3's JavaScript (store/native-binding.ts).
    const nativeBinding = betterSqliteBinding();
    db = openReadDb(dbPathOf(dataDir), nativeBinding ? { nativeBinding } : {});
  } catch {
    return null;
  }
  if ((db.sqlite.pragma('user_version', { simple: true }) as number) !== latestVersion) {
    closeDb(db);
    return null;
  }
  // Only these handlers are used: they read the store and never the vault or the writer.
  const handlers = createMessageQueries({ db, dataDir, vault: null as never, writable: () => false, syncStatus: new Map() });
  return {
    handlers,
    bodyStatus: (id) => bodyStatusOf(db, id),
    storedChunks(id, part) {
      // As the service's getMessageSource (store/message-detail.ts's assertVisible, not imported: it brings the MIME parser).
      if (!prepare<[number], { x: number }>(db, 'SELECT 1 AS x FROM messages WHERE id = ? AND deleted_locally = 0').get(id)) {
        throw new HomingError('NOT_FOUND', `No message with id ${id}.`);
      }
      return part === 'headers' ? [readHeaderBlock(db, id)] : sourceChunks(db, id);
    },
    close: () => closeDb(db),
  };
}
