import { rm } from 'node:fs/promises';
import type { FolderSyncError } from '../../../shared/contract/sync';
import { HomingError } from '../../../shared/errors';
import type { SyncEngineContext, SyncPassResult } from '../engine';
import { withAccountLock } from '../account-lock';
import { diskFullAfter } from '../disk-full';
import { fetchFolderBodies, indexPendingQuietly } from './folder-bodies';
import { indexFolder } from './folder-index';
import { syncFolderList } from './folder-list';
import { setFolderError } from '../../store/folder-errors';
import type { FolderRow } from '../../store/folders';
import { hasQueuedOperations } from '../../store/operation-queue';
import { writeTransaction } from '../../store/write-transaction';
import { connectAccount, createPass, type ImapPass } from './imap-pass';
import { replayPending } from './ops/replay-pending';

/** One full pass over its own connection: replay queued actions, folders, headers everywhere, then bodies. */
export function syncAccountOnce(ctx: SyncEngineContext): Promise<SyncPassResult> {
  return withAccountLock(ctx.account.id, async () => {
    const connection = await connectAccount(ctx);
    const pass = createPass(ctx, connection);
    try {
      const folderErrors = await runPass(pass);
      return { added: pass.added, folderErrors };
    } catch (error) {
      throw connection.mapError(error);
    } finally {
      await connection.logout();
    }
  });
}

/**
 * The steps of a pass on an open connection (the watch session reuses it for its periodic poll).
 * Headers of every folder come before any body, so every folder's list is complete early. A folder the
 * server lists but refuses to open (FOLDER_UNREADABLE) does not stop the others and does not fail the
 * pass: nothing of it could be planned, so nothing planned is missing. It is marked with the server's
 * words (shown in the folder tree) and returned, for the caller to report. Any other refusal inside one
 * folder (a FETCH answered NO after its messages were listed) also lets the others go on, but then the
 * pass fails: messages it meant to store are not stored.
 */
export async function runPass(pass: ImapPass): Promise<FolderSyncError[]> {
  try {
    return await runSteps(pass);
  } catch (error) {
    // Folders whose headers came in but whose bodies the failed pass never asked for.
    indexPendingQuietly(pass, { accountId: pass.account.id });
    // Every batch committed before the disk filled stays: say how many.
    throw diskFullAfter(pass.connection.mapError(error), { messages: pass.added, bodies: pass.bodies });
  }
}

const FOLDER_LEVEL = new Set(['SERVER_ERROR', 'FOLDER_UNREADABLE']);

async function runSteps(pass: ImapPass): Promise<FolderSyncError[]> {
  await rm(pass.tempDir, { recursive: true, force: true });
  await replayPending(pass);
  const folders = await syncFolderList(pass);
  const failures = new Map<number, { path: string; error: HomingError }>();
  const guard = async (folder: FolderRow, step: () => Promise<unknown>) => {
    if (failures.has(folder.id)) return;
    try {
      await step();
    } catch (error) {
      const mapped = pass.connection.mapError(error);
      // Only a refusal for this one folder lets the pass go on; anything else (connection gone, timeout, disk full) ends it.
      if (!FOLDER_LEVEL.has(mapped.code) || !pass.connection.usable) throw mapped;
      failures.set(folder.id, { path: folder.path, error: mapped });
    }
  };
  for (const { folder, server } of folders) await guard(folder, () => indexFolder(pass, folder.id, server));
  // Operations that waited for a moved message to be found again (a server without UIDPLUS) can go now.
  if (hasQueuedOperations(pass.db, pass.account.id)) await replayPending(pass);
  for (const { folder } of folders) await guard(folder, () => fetchFolderBodies(pass, folder.id));
  // What mail rules and the junk filter queued while bodies arrived reaches the server in this pass.
  if (hasQueuedOperations(pass.db, pass.account.id)) await replayPending(pass);

  // Each folder keeps the error of this pass, or loses the one of an earlier pass.
  writeTransaction(pass.db, (changes) => {
    for (const { folder } of folders) {
      const failure = failures.get(folder.id);
      setFolderError(pass.db, changes, folder.id, failure ? { code: failure.error.code, message: failure.error.message, serverText: serverTextOf(failure.error) } : null);
    }
  });
  const failed = [...failures.values()].filter((f) => f.error.code !== 'FOLDER_UNREADABLE');
  const first = failed[0];
  if (first) {
    throw new HomingError('SERVER_ERROR', `${first.path}: ${first.error.message}`, {
      folders: failed.map((f) => ({ path: f.path, code: f.error.code, message: f.error.message })),
    });
  }
  return [...failures.values()].map((f) => ({ folder: f.path, code: f.error.code, message: f.error.message, serverText: serverTextOf(f.error) }));
}

function serverTextOf(error: HomingError): string | null {
  const text = error.detail?.serverText ?? error.detail?.serverResponse;
  return typeof text === 'string' ? text : null;
}
