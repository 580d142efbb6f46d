import { rm } from 'node:fs/promises';
import { prepare } from '../../store/db';
import { getFolder } from '../../store/folders';
import { rowsWithoutBody } from '../../store/imap-state';
import { commitMessage } from '../../store/ingest';
import type { MessageSource } from '../../store/message-source';
import { writeTransaction } from '../../store/write-transaction';
import type { ImapPass } from './imap-pass';
import { imapLimits } from './limits';
import { downloadSource, fetchSources } from './ops/fetch-bodies';
import { selectFolder } from './ops/select-folder';
import { ParsePool, type Prepared } from './parse-pool';

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
  const folder = getFolder(pass.db, folderId);
  if (folder.uidvalidity === null) return 0;
  const uidvalidity = folder.uidvalidity;
  const rows = rowsWithoutBody(pass.db, folderId, uidvalidity, offlineCutoff(pass));
  if (rows.length === 0) return 0;
  const selected = await selectFolder(pass.connection, folder.path, { readOnly: true });
  // The folder changed under us since it was indexed (recreated): the next pass re-indexes it first.
  if (selected.uidvalidity !== uidvalidity) return 0;

  let done = 0;
  const total = rows.length;
  pass.progress({ phase: 'bodies', folder: folder.path, done, total });
  let batch: typeof rows = [];
  let batchBytes = 0;
  const pool = ParsePool.shared();
  const flush = async () => {
    if (batch.length === 0) return;
    const uids = batch.map((r) => r.uid);
    const before = done;
    batch = [];
    batchBytes = 0;
    // Parsing runs on the pool's threads while this one keeps reading the FETCH answer; every
    // `bodyCommitEvery` messages the parsed ones are committed (between two reads, never during one).
    const queue: Array<{ uid: number; source: MessageSource; prepared: Promise<Prepared> }> = [];
    const commitReady = async (all: boolean) => {
      while (queue.length >= imapLimits.bodyCommitEvery || (all && queue.length > 0)) {
        const part = queue.splice(0, imapLimits.bodyCommitEvery);
        const ready = await Promise.all(part.map(async (p) => ({ uid: p.uid, source: p.source, ...(await p.prepared) })));
        commitBodies(pass, folderId, uidvalidity, ready);
        done += part.length;
        pass.progress({ phase: 'bodies', folder: folder.path, done, total });
      }
    };
    await fetchSources(pass.connection, uids, async ({ uid, source }) => {
      queue.push({ uid, source, prepared: pool.prepare(source) });
      await commitReady(false);
    });
    await commitReady(true);
    // Messages the server no longer had (expunged since the index) count as done too.
    done = before + uids.length;
  };

  for (const row of rows) {
    pass.checkpoint();
    if (row.size > imapLimits.streamThresholdBytes) {
      await flush();
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
    if (batch.length >= imapLimits.bodyBatch || batchBytes >= imapLimits.bodyBatchBytes) await flush();
  }
  await flush();
  return done;
}

/** Commits fetched sources in one transaction; a message expunged meanwhile (its row gone) is not brought back. */
function commitBodies(
  pass: ImapPass,
  folderId: number,
  uidvalidity: number,
  ready: Array<{ uid: number; source: MessageSource } & Prepared>,
): void {
  if (ready.length === 0) return;
  const { db } = pass;
  const exists = prepare<[number, number, number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid = ?');
  writeTransaction(db, (changes) => {
    for (const { uid, source, parsed, encoded } of ready) {
      if (!exists.get(folderId, uidvalidity, uid)) continue;
      commitMessage(db, changes, {
        accountId: pass.account.id,
        folderId,
        key: { kind: 'imap', uidvalidity, uid },
        source,
        parsed,
        encoded,
        bodyStatus: 'full',
      });
    }
  });
}
