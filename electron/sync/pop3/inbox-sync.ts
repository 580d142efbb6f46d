import { rm } from 'node:fs/promises';
import { HomingError } from '../../../shared/errors';
import { updateFolderSyncState } from '../../store/folders';
import { durably, knownUidls, recordDeleSent, recordServerGone, removeHiddenRows } from '../../store/pop3-state';
import { writeTransaction } from '../../store/write-transaction';
import type { SyncEngineContext, SyncPassResult } from '../engine';
import { withAccountLock } from '../account-lock';
import { diskFullAfter } from '../disk-full';
import { settleQueue } from '../actions/local-only';
import { downloadMessages, type DownloadOutcome } from './download-messages';
import { ensureInbox, POP3_INBOX_PATH } from './inbox-folder';
import { POP3_SYNC_LIMITS } from './limits';
import type { Pop3Client } from '../../protocols/pop3/pop3-client';
import { openSession, type Pop3EngineOptions, tempDirFor } from './pop3-session';
import { commitMessages, readyMessage } from './store-message';
import { planDeletions, planDownloads, type ServerMessage, serverMessages } from './sync-plan';
import { syncWithoutUidl } from './without-uidl';

/**
 * One POP3 pass over the account's maildrop:
 * 0. settle the account's queue (every POP3 action is local, so anything there is refused);
 * 1. log in; UIDL and LIST (pipelined when offered);
 * 2. download what the store has never had, newest first, each message committed with its UIDL;
 * 3. DELE what the account's policy says — only messages already committed, after a durable commit;
 * 4. QUIT, which is when the server deletes (RFC 1939 §6); only then the local bookkeeping.
 * A pass that fails or is stopped before QUIT deletes nothing on the server: the connection is dropped
 * without QUIT and every DELE of the session is forgotten by the server. UIDLs that vanished from the
 * server stay stored: POP3 is an archive here, not a mirror.
 */
export function syncInbox(ctx: SyncEngineContext, options: Pop3EngineOptions = {}): Promise<SyncPassResult> {
  return withAccountLock(ctx.account.id, async () => {
    const { db } = ctx.writer;
    const account = ctx.account;
    const inbox = ensureInbox(db, account.id);
    // Every POP3 action is local (pop3-actions.ts): nothing it plans waits in the queue for the server.
    settleQueue(ctx.writer, account.id, 'A POP3 account', () => false);
    const tempDir = tempDirFor(ctx);
    // Left over by a pass that was killed: nothing in it was stored.
    await rm(tempDir, { recursive: true, force: true });
    ctx.progress({ phase: 'connecting', folder: null });
    const client = await openSession(ctx, options);
    // New messages committed so far, for a DISK_FULL after the download (the download says its own).
    let added = 0;
    try {
      ctx.progress({ phase: 'headers', folder: POP3_INBOX_PATH });
      const listing = client.list();
      listing.catch(() => undefined);
      const uidls = await readUidls(client);
      const sizes = await listing;
      if (!uidls) return await syncWithoutUidl(ctx, client, { folderId: inbox.id, sizes, tempDir });

      const { messages, duplicates } = serverMessages(uidls, sizes);
      const caps = client.capabilities;
      const items = planDownloads(messages, knownUidls(db, account.id), {
        maxMessageKb: account.settings.pop3MaxMessageKb,
        canTop: !caps.known || caps.has('TOP'),
      });
      const total = items.length;
      ctx.progress({ phase: 'bodies', folder: POP3_INBOX_PATH, done: 0, total });
      const target = { accountId: account.id, folderId: inbox.id };
      const outcome = await downloadMessages({
        client,
        items,
        tempDir,
        signal: ctx.signal,
        ready: (item, source) => readyMessage(item.uidl, source, item.mode),
        commit: (batch) => commitMessages(ctx.writer, target, batch, { arrival: true }).filter((r) => r.inserted).length,
        progress: (done) => ctx.progress({ phase: 'bodies', folder: POP3_INBOX_PATH, done, total }),
      });
      added = outcome.added;
      if (ctx.signal.aborted) throw new HomingError('CANCELLED', 'The POP3 download was stopped; what was stored stays, nothing was deleted on the server.');

      const deleted = await deleteByPolicy(ctx, client, messages);
      await client.quit();
      finishPass(ctx, inbox.id, messages, deleted, duplicates);
      reportRefusals(outcome);
      return { added: outcome.added };
    } catch (error) {
      throw diskFullAfter(error, { messages: added });
    } finally {
      client.close();
    }
  });
}

/** UIDL, or null when the server has none (RFC 1939 lists it as optional). */
async function readUidls(client: Pop3Client): Promise<Array<{ msgno: number; uidl: string }> | null> {
  const caps = client.capabilities;
  if (caps.known && !caps.has('UIDL')) return null;
  try {
    return await client.uidl();
  } catch (error) {
    if (error instanceof HomingError && error.code === 'SERVER_ERROR' && client.state === 'TRANSACTION') return null;
    throw error;
  }
}

/**
 * Sends DELE for what the policy selects, in pipelined batches. First the store is made durable, so no
 * message can be deleted on the server whose local copy a power cut could still take back. Returns the
 * messages the server accepted DELE for; they are deleted only when QUIT succeeds.
 */
async function deleteByPolicy(ctx: SyncEngineContext, client: Pop3Client, messages: readonly ServerMessage[]): Promise<ServerMessage[]> {
  const { db } = ctx.writer;
  const accountId = ctx.account.id;
  const doomed = planDeletions(messages, knownUidls(db, accountId), ctx.account.settings.pop3Delete, Date.now());
  if (doomed.length === 0) return [];
  ctx.progress({ phase: 'actions', folder: POP3_INBOX_PATH, done: 0, total: doomed.length });
  const now = Date.now();
  durably(db, () =>
    writeTransaction(db, () =>
      recordDeleSent(
        db,
        accountId,
        doomed.map((m) => m.uidl),
        now,
      ),
    ),
  );
  const accepted: ServerMessage[] = [];
  for (let start = 0; start < doomed.length; start += POP3_SYNC_LIMITS.deleBatch) {
    const batch = doomed.slice(start, start + POP3_SYNC_LIMITS.deleBatch);
    const results = await Promise.allSettled(batch.map((m) => client.dele(m.msgno)));
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') accepted.push(batch[i]!);
      // A lost connection fails every DELE: nothing will be deleted, end the pass with that error.
      else if (client.state === 'CLOSED') throw result.reason;
    });
    ctx.progress({ phase: 'actions', folder: POP3_INBOX_PATH, done: Math.min(doomed.length, start + batch.length), total: doomed.length });
  }
  return accepted;
}

/**
 * After QUIT succeeded: what was deleted, and what vanished from the server some other way, is no
 * longer there. Hidden rows that were waiting for that go; under a policy that never deletes on the
 * user's behalf, hidden rows go at once (the UIDL stays known, so nothing comes back).
 */
function finishPass(
  ctx: SyncEngineContext,
  folderId: number,
  onServer: readonly ServerMessage[],
  deleted: readonly ServerMessage[],
  duplicates: readonly string[],
): void {
  const { db } = ctx.writer;
  const accountId = ctx.account.id;
  const now = Date.now();
  const present = new Set([...onServer.map((m) => m.uidl), ...duplicates]);
  for (const m of deleted) present.delete(m.uidl);
  const gone = [...knownUidls(db, accountId).values()]
    .filter((k) => !present.has(k.uidl) && (k.serverGoneAt === null || k.deletedLocally))
    .map((k) => k.uidl);
  writeTransaction(db, (changes) => {
    recordServerGone(db, changes, accountId, gone, now);
    if (ctx.account.settings.pop3Delete.kind !== 'when-deleted-locally') removeHiddenRows(db, changes, accountId);
    updateFolderSyncState(db, changes, folderId, {
      lastSyncedAt: now,
      // UIDLs the server listed twice identify nothing: those messages are neither downloaded nor deleted.
      syncState: { onServer: present.size, deletedLastPass: deleted.length, duplicateUidls: duplicates.slice(0, 100) },
    });
  });
}

function reportRefusals(outcome: DownloadOutcome): void {
  const first = outcome.refused[0];
  if (!first) return;
  throw new HomingError(
    'SERVER_ERROR',
    `${outcome.refused.length} message(s) could not be downloaded: ${first.error.message} The others were stored; Homing tries again at the next check.`,
    { refused: outcome.refused.map((r) => ({ msgno: r.item.msgno, uidl: r.item.uidl, message: r.error.message })) },
  );
}
