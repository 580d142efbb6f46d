import { rm } from 'node:fs/promises';
import { HomingError } from '../../../shared/errors';
import type { SyncEngineContext, SyncPassResult } from '../engine';
import { withAccountLock } from '../account-lock';
import { diskFullAfter } from '../disk-full';
import { fetchFolderBodies } from './folder-bodies';
import { indexFolder } from './folder-index';
import { syncFolderList } from './folder-list';
import { listQueuedOperations } from '../../store/pending-ops';
import { connectAccount, createPass, type ImapPass } from './imap-pass';
import { replayPending } from './ops/replay-pending';

/** One full pass over its own connection: replay queued actions, folders, headers everywhere, then bodies. */
export function syncAccountOnce(ctx: SyncEngineContext): Promise<SyncPassResult> {
  return withAccountLock(ctx.account.id, async () => {
    const connection = await connectAccount(ctx);
    const pass = createPass(ctx, connection);
    try {
      await runPass(pass);
      return { added: pass.added };
    } catch (error) {
      throw connection.mapError(error);
    } finally {
      await connection.logout();
    }
  });
}

/**
 * The steps of a pass on an open connection (the watch session reuses it for its periodic poll).
 * Headers of every folder come before any body, so every folder's list is complete early; a folder the
 * server refuses (deleted between LIST and SELECT, no permission) does not stop the others, but the pass
 * then fails with that folder's error so the account is not reported as synced.
 */
export async function runPass(pass: ImapPass): Promise<void> {
  try {
    await runSteps(pass);
  } catch (error) {
    // Every batch committed before the disk filled stays: say how many.
    throw diskFullAfter(pass.connection.mapError(error), { messages: pass.added, bodies: pass.bodies });
  }
}

async function runSteps(pass: ImapPass): Promise<void> {
  await rm(pass.tempDir, { recursive: true, force: true });
  await replayPending(pass);
  const folders = await syncFolderList(pass);
  const failures: Array<{ path: string; error: HomingError }> = [];
  const guard = async (path: string, step: () => Promise<unknown>) => {
    if (failures.some((f) => f.path === path)) return;
    try {
      await step();
    } catch (error) {
      const mapped = pass.connection.mapError(error);
      // Only a refusal for this one folder lets the pass go on; anything else (connection gone, timeout, disk full) ends it.
      if (mapped.code !== 'SERVER_ERROR' || !pass.connection.usable) throw mapped;
      failures.push({ path, error: mapped });
    }
  };
  for (const { folder, server } of folders) await guard(folder.path, () => indexFolder(pass, folder.id, server));
  // Operations that waited for a moved message to be found again (a server without UIDPLUS) can go now.
  if (listQueuedOperations(pass.db, pass.account.id).length > 0) await replayPending(pass);
  for (const { folder } of folders) await guard(folder.path, () => fetchFolderBodies(pass, folder.id));
  const first = failures[0];
  if (first) {
    throw new HomingError('SERVER_ERROR', `${first.path}: ${first.error.message}`, {
      folders: failures.map((f) => ({ path: f.path, code: f.error.code, message: f.error.message })),
    });
  }
}
