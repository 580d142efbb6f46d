import { rm } from 'node:fs/promises';
import { prepare } from '../../store/db';
import { getFolder } from '../../store/folders';
import { countRowsWithoutBody, rowsWithoutBody } from '../../store/imap-state';
import { commitMessage } from '../../store/ingest';
import { indexPendingSearch, type PendingScope } from '../../store/pending-search';
import { compareSearchKeys } from '../../store/search-key';
import { sourceSize, type MessageSource } from '../../store/message-source';
import { writeTransaction } from '../../store/write-transaction';
import type { ImapPass } from './imap-pass';
import { imapLimits } from './limits';
import { downloadSource, fetchSources } from './ops/fetch-bodies';
import { selectFolder } from './ops/select-folder';
import { ParsePool, type Prepared } from '../parse-pool';
import { bodyArrived, headerOf, settleArrivals } from '../rules/arrivals';

const DAY_MS = 24 * 3600 * 1000;

/** The oldest date the account keeps offline, or null for all mail. */
export function offlineCutoff(pass: ImapPass): number | null {
  const scope = pass.account.settings.offlineScope;
  return scope.kind === 'recent' ? Date.now() - scope.days * DAY_MS : null;
}

/**
 * Downloads the full source of every message of the folder stored as headers only (within the account's
 * offline scope), newest first. Small messages come many per FETCH and are committed a batch per
 * transaction (bounded by count and bytes); large ones are streamed to a temp file with download() and
 * committed from there, so memory stays flat whatever their size.
 */
export async function fetchFolderBodies(pass: ImapPass, folderId: number): Promise<number> {
  let done: number;
  try {
    done = await fetchBodies(pass, folderId);
  } catch (error) {
    indexPendingQuietly(pass, { folderId });
    throw error;
  }
  // Rows the header phase left to their bodies for the full-text index, and whose body did not come
  // (gone from the server, out of the offline scope by now): searchable by their headers from now on.
  indexPendingSearch(pass.db, { folderId });
  // Arrivals still waiting for their rules (outside the offline scope, or gone from the server): run now.
  settleArrivals(pass.db, pass.account.id, folderId);
  return done;
}

/**
 * indexPendingSearch after a pass failed (a cut connection): the rows stay searchable by their headers
 * until the next pass brings their bodies. Its own failure (a full disk) must not hide the pass's; the
 * rows stay marked and the next pass indexes them (account-pass.ts).
 */
export function indexPendingQuietly(pass: ImapPass, scope: PendingScope): void {
  try {
    indexPendingSearch(pass.db, scope);
  } catch {
    // Still marked search_pending.
  }
}

async function fetchBodies(pass: ImapPass, folderId: number): Promise<number> {
  const folder = getFolder(pass.db, folderId);
  if (folder.uidvalidity === null) return 0;
  const uidvalidity = folder.uidvalidity;
  const since = offlineCutoff(pass);
  let rows = rowsWithoutBody(pass.db, folderId, uidvalidity, since, null, imapLimits.bodyRowsPage);
  if (rows.length === 0) return 0;
  const selected = await selectFolder(pass.connection, folder.path, { readOnly: true });
  // The folder changed under us since it was indexed (recreated): the next pass re-indexes it first.
  if (selected.uidvalidity !== uidvalidity) return 0;

  let done = 0;
  const total = countRowsWithoutBody(pass.db, folderId, uidvalidity, since);
  pass.progress({ phase: 'bodies', folder: folder.path, done, total });
  const pool = ParsePool.shared();
  // Fetched sources, oldest first, each already handed to a parse thread. The queue outlives one FETCH:
  // the next FETCH is sent as soon as the last answer is read, and what is still being parsed is
  // committed while that answer arrives, so neither the network nor the parse threads wait for the other.
  const queue: Queued[] = [];
  let queuedBytes = 0;
  const parsedAhead = () => {
    let n = 0;
    while (n < queue.length && queue[n]!.prepared !== null) n++;
    return n;
  };
  const commit = (count: number) => {
    const part = queue.splice(0, count);
    for (const p of part) queuedBytes -= sourceSize(p.source);
    commitBodies(pass, folderId, uidvalidity, part.map((p) => ({ uid: p.uid, source: p.source, ...p.prepared! })));
    done += part.length;
    pass.progress({ phase: 'bodies', folder: folder.path, done, total });
  };
  // Commits a full batch of parsed messages if there is one. Waits for the parse threads only when the
  // queue is past its bound (memory stays bounded; the FETCH loop waits meanwhile, so the socket is not
  // read faster than messages are parsed) or when `all` (before a large message and at the end).
  const commitReady = async (all: boolean) => {
    for (;;) {
      const ahead = parsedAhead();
      if (ahead >= imapLimits.bodyCommitEvery) {
        commit(imapLimits.bodyCommitEvery);
        continue;
      }
      const over = queue.length >= 2 * imapLimits.bodyCommitEvery || queuedBytes >= imapLimits.bodyCommitBytes;
      if (queue.length === 0 || (!all && !over)) return;
      const count = Math.min(queue.length, imapLimits.bodyCommitEvery);
      await Promise.all(queue.slice(0, count).map((p) => p.promise));
      commit(count);
    }
  };

  let batch: Array<{ uid: number }> = [];
  let batchBytes = 0;
  const fetchBatch = async () => {
    if (batch.length === 0) return;
    const uids = batch.map((r) => r.uid);
    batch = [];
    batchBytes = 0;
    let arrived = 0;
    // Committed between two reads of the answer, never during one; the loop waits for a commit, so the
    // socket is not read faster than messages are parsed and stored.
    await fetchSources(pass.connection, uids, async ({ uid, source }) => {
      arrived++;
      const entry: Queued = { uid, source, prepared: null, promise: Promise.resolve() };
      // A commit that fails ends the pass; a parse failing after that must not be an unhandled rejection
      // (a parse error itself reaches the pass through commitReady, which awaits the entry's promise).
      entry.promise = pool.prepare(source).then((prepared) => {
        entry.prepared = prepared;
      });
      entry.promise.catch(() => undefined);
      queue.push(entry);
      queuedBytes += sourceSize(source);
      await commitReady(false);
    });
    // Messages the server no longer had (expunged since the index) count as done too.
    done += uids.length - arrived;
  };

  // A page of rows at a time (newest UID first), the next page read below the last UID of this one.
  while (rows.length > 0) {
    for (const row of rows) {
      pass.checkpoint();
      if (row.size > imapLimits.streamThresholdBytes) {
        await fetchBatch();
        await commitReady(true);
        const fetched = await downloadSource(pass.connection, row.uid, pass.tempDir);
        if (fetched) {
          try {
            const prepared = await pool.prepare(fetched.source);
            commitBodies(pass, folderId, uidvalidity, [{ uid: row.uid, source: fetched.source, ...prepared }]);
          } finally {
            if (fetched.source.kind === 'file') await rm(fetched.source.path, { force: true });
          }
        }
        done++;
        pass.progress({ phase: 'bodies', folder: folder.path, done, total });
        continue;
      }
      batch.push(row);
      batchBytes += row.size;
      if (batch.length >= imapLimits.bodyBatch || batchBytes >= imapLimits.bodyBatchBytes) await fetchBatch();
    }
    rows = rows.length < imapLimits.bodyRowsPage ? [] : rowsWithoutBody(pass.db, folderId, uidvalidity, since, rows[rows.length - 1]!.uid, imapLimits.bodyRowsPage);
  }
  await fetchBatch();
  await commitReady(true);
  return done;
}

interface Queued {
  uid: number;
  source: MessageSource;
  /** Set when the parse thread has answered. */
  prepared: Prepared | null;
  promise: Promise<void>;
}

/**
 * Commits fetched sources in one transaction; a message expunged meanwhile (its row gone) is not brought
 * back. In the order of the rows' search keys (date, then id), as their full-text rows are replaced: FTS5
 * writes out the terms it holds whenever the next rowid is below the last one's (folder-index.ts oldestFirst).
 */
function commitBodies(
  pass: ImapPass,
  folderId: number,
  uidvalidity: number,
  ready: Array<{ uid: number; source: MessageSource } & Prepared>,
): void {
  if (ready.length === 0) return;
  const { db } = pass;
  const exists = prepare<[number, number, number], { id: number; date: number }>(db, 'SELECT id, date FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid = ?');
  pass.bodies += writeTransaction(db, (changes) => {
    let stored = 0;
    const completed: Array<{ id: number; parsed: Prepared['parsed']; header: Buffer | null }> = [];
    const present = ready.flatMap((message) => {
      const row = exists.get(folderId, uidvalidity, message.uid);
      return row ? [{ message, row }] : [];
    });
    for (const { message } of present.sort((a, b) => compareSearchKeys(a.row, b.row))) {
      const { uid, source, parsed, encoded } = message;
      const result = commitMessage(db, changes, {
        accountId: pass.account.id,
        folderId,
        key: { kind: 'imap', uidvalidity, uid },
        source,
        parsed,
        encoded,
        bodyStatus: 'full',
      });
      if (result.upgraded || result.inserted) stored++;
      if (result.upgraded) completed.push({ id: result.messageId, parsed, header: headerOf(source) });
    }
    // Arrivals whose rules waited for the text get them in the commit that stores it.
    bodyArrived(db, changes, pass.account.id, completed);
    return stored;
  });
}
