import { rm } from 'node:fs/promises';
import { HomingError } from '../../../shared/errors';
import { getFolder, updateFolderSyncState } from '../../store/folders';
import {
  beginListing,
  countStillListed,
  countUnknownListed,
  dropListing,
  duplicateUidls,
  forgetListed,
  type ListingHandle,
  listedKnown,
  recordGoneSinceListing,
  unknownListed,
} from '../../store/pop3-listing';
import { durably, recordDeleSent, removeHiddenRows } from '../../store/pop3-state';
import { writeTransaction } from '../../store/write-transaction';
import type { SyncEngineContext, SyncPassResult } from '../engine';
import { withAccountLock } from '../account-lock';
import { diskFullAfter } from '../disk-full';
import { settleQueue } from '../actions/local-only';
import { repairCourierWrappers } from './courier-wrapper';
import { type DownloadOutcome, downloadMessages, type DownloadPlan } from './download-messages';
import { downloadDuplicates } from './duplicate-uidls';
import { ensureInbox, POP3_INBOX_PATH } from './inbox-folder';
import { POP3_SYNC_LIMITS } from './limits';
import type { Pop3Client } from '../../protocols/pop3/pop3-client';
import type { ListEntry } from '../../protocols/pop3/commands/list';
import type { UidlEntry } from '../../protocols/pop3/commands/uidl';
import { ListingSizes } from './listing-sizes';
import { keptSyncState, openSession, type Pop3EngineOptions, tempDirFor } from './pop3-session';
import { commitMessages, readyMessage } from './store-message';
import { planDeletions, planDownloads, type ServerMessage } from './sync-plan';
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
      const listed = await readListing(ctx, client);
      if (listed.kind === 'no-uidl') return await syncWithoutUidl(ctx, client, { folderId: inbox.id, sizes: listed.sizes, tempDir });
      const listing = listed.listing;
      try {
        const caps = client.capabilities;
        const plan = downloadPlan(listing, {
          maxMessageKb: account.settings.pop3MaxMessageKb,
          canTop: !caps.known || caps.has('TOP'),
        });
        const total = plan.total;
        ctx.progress({ phase: 'bodies', folder: POP3_INBOX_PATH, done: 0, total });
        const target = { accountId: account.id, folderId: inbox.id };
        const outcome = await downloadMessages({
          client,
          plan,
          tempDir,
          signal: ctx.signal,
          ready: (item, source) => readyMessage(item.uidl, source, item.mode),
          commit: (batch) => commitMessages(ctx.writer, target, batch, { arrival: true, listing }).filter((r) => r.inserted).length,
          progress: (done) => ctx.progress({ phase: 'bodies', folder: POP3_INBOX_PATH, done, total }),
        });
        added = outcome.added;
        if (ctx.signal.aborted) throw new HomingError('CANCELLED', 'The POP3 download was stopped; what was stored stays, nothing was deleted on the server.');
        // Messages under a UIDL the server listed more than once, keyed by their bytes instead.
        const duplicates = await downloadDuplicates(ctx, client, listing, { target, tempDir });
        if (duplicates) {
          outcome.added += duplicates.added;
          outcome.refused.push(...duplicates.refused);
          added = outcome.added;
        }
        if (ctx.signal.aborted) throw new HomingError('CANCELLED', 'The POP3 download was stopped; what was stored stays, nothing was deleted on the server.');

        // Mail stored as Courier's 'Cannot display Unicode content' wrapper by versions before UTF8 mode.
        const wrappers = await repairCourierWrappers(ctx, client, listing, tempDir);
        const deleted = await deleteByPolicy(ctx, client, listing, wrappers);
        await client.quit();
        finishPass(ctx, inbox.id, listing, deleted);
        reportRefusals(outcome);
        return { added: outcome.added };
      } finally {
        dropListing(listing);
      }
    } catch (error) {
      throw diskFullAfter(error, { messages: added });
    } finally {
      client.close();
    }
  });
}

/**
 * LIST, then UIDL (pipelined when offered). With UIDL, each line goes into the store's temp table for
 * this pass as it arrives, with its size from LIST (asked first, so answered first): the pass never holds
 * the maildrop's listing as objects (at 100,000 messages, parsing both listings whole set the pass's
 * peak RSS, ~25 MB over the download's).
 */
async function readListing(
  ctx: SyncEngineContext,
  client: Pop3Client,
): Promise<{ kind: 'listing'; listing: ListingHandle } | { kind: 'no-uidl'; sizes: ListEntry[] }> {
  const sizes = new ListingSizes();
  const listed = client.listEach((entry) => sizes.set(entry.msgno, entry.size));
  listed.catch(() => undefined);
  const builder = beginListing(ctx.writer.db, ctx.account.id);
  try {
    const hasUidl = await readUidls(client, (entry) => builder.add(entry.msgno, entry.uidl, sizes.get(entry.msgno)));
    await listed;
    if (!hasUidl) {
      builder.discard();
      return { kind: 'no-uidl', sizes: sizes.entries() };
    }
    return { kind: 'listing', listing: builder.finish((msgno) => sizes.get(msgno)) };
  } catch (error) {
    builder.discard();
    throw error;
  }
}

/**
 * What the store has never had, read from the listing a page at a time as the download asks for it. The
 * pass holds the account's lock, so nothing else stores these UIDLs meanwhile: each page starts below the
 * last message number handed out.
 */
function downloadPlan(listing: ListingHandle, options: { maxMessageKb: number | null; canTop: boolean }): DownloadPlan {
  let below = Number.MAX_SAFE_INTEGER;
  return {
    total: countUnknownListed(listing),
    next(max) {
      const page = planDownloads(unknownListed(listing, below, max), options);
      below = page.at(-1)?.msgno ?? below;
      return page;
    },
  };
}

/** UIDL, each entry to `onEntry`; false when the server has none (RFC 1939 lists it as optional). */
async function readUidls(client: Pop3Client, onEntry: (entry: UidlEntry) => void): Promise<boolean> {
  const caps = client.capabilities;
  if (caps.known && !caps.has('UIDL')) return false;
  try {
    await client.uidlEach(onEntry);
    return true;
  } catch (error) {
    if (error instanceof HomingError && error.code === 'SERVER_ERROR' && client.state === 'TRANSACTION') return false;
    throw error;
  }
}

/**
 * Sends DELE for what the policy selects (but `keep`: stored as a wrapper, the original only on the
 * server), in pipelined batches. First the store is made durable, so no
 * message can be deleted on the server whose local copy a power cut could still take back. Returns the
 * messages the server accepted DELE for; they are deleted only when QUIT succeeds.
 */
async function deleteByPolicy(ctx: SyncEngineContext, client: Pop3Client, listing: ListingHandle, keep: ReadonlySet<string>): Promise<ServerMessage[]> {
  const { db } = ctx.writer;
  const accountId = ctx.account.id;
  const doomed = planDeletions(listedKnown(listing), ctx.account.settings.pop3Delete, Date.now()).filter((m) => !keep.has(m.uidl));
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
 * longer there (a set difference in SQL between the stored UIDLs and this pass's listing). Hidden rows
 * that were waiting for that go; under a policy that never deletes on the user's behalf, hidden rows go
 * at once (the UIDL stays known, so nothing comes back).
 */
function finishPass(ctx: SyncEngineContext, folderId: number, listing: ListingHandle, deleted: readonly ServerMessage[]): void {
  const { db } = ctx.writer;
  const accountId = ctx.account.id;
  const now = Date.now();
  writeTransaction(db, (changes) => {
    forgetListed(
      listing,
      deleted.map((m) => m.msgno),
    );
    recordGoneSinceListing(listing, changes, now);
    if (ctx.account.settings.pop3Delete.kind !== 'when-deleted-locally') removeHiddenRows(db, changes, accountId);
    updateFolderSyncState(db, changes, folderId, {
      lastSyncedAt: now,
      // UIDLs the server listed twice identify nothing: those messages are keyed by their bytes, never deleted.
      syncState: {
        ...keptSyncState(getFolder(db, folderId).syncState),
        onServer: countStillListed(listing),
        deletedLastPass: deleted.length,
        duplicateUidls: duplicateUidls(listing, 100),
      },
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
