import { HomingError } from '../../../shared/errors';
import type { ParsedMessage } from '../../mime/parse-message';
import { getFolder, updateFolderSyncState, type FolderRow } from '../../store/folders';
import {
  adoptOrphan,
  applyServerFlags,
  beginUidvalidityReset,
  countKnownUids,
  countOrphans,
  dropOrphans,
  knownUids,
  knownUidsFrom,
  orphanCandidates,
  removeExpunged,
  type ServerFlags,
} from '../../store/imap-state';
import { commitMessage } from '../../store/ingest';
import { writeTransaction } from '../../store/write-transaction';
import { parsedFromEnvelope } from './envelope-message';
import type { ImapPass } from './imap-pass';
import { imapLimits } from './limits';
import { diffUids, serverUids, sortedUids, UidCollector, uidsFrom } from './ops/expunges';
import { fetchHeaders, type HeaderRow } from './ops/fetch-headers';
import type { ServerFolder } from './ops/list-folders';
import { selectFolder, type SelectedFolder } from './ops/select-folder';
import { needsWholeMessage, provenOrphan, wholeMessageHashes } from './orphan-proof';
import { fetchFlags } from './ops/sync-flags';
import { type NewMessage, rulesOnArrival } from '../rules/arrivals';
import { offlineCutoff } from './folder-bodies';

export interface IndexResult {
  /** Nothing had changed since the last sync (STATUS matched): the folder was not even selected. */
  unchanged: boolean;
  added: number;
  expunged: number;
  flagsChanged: number;
  /** The folder was recreated on the server (UIDVALIDITY changed) and re-matched. */
  uidvalidityReset: boolean;
}

/**
 * Brings one folder's message list up to date with the server: UIDVALIDITY, expunges (QRESYNC VANISHED,
 * else a UID set diff), flag changes (CONDSTORE CHANGEDSINCE, else all flags), then the headers and flags
 * of every message we do not have yet, newest first, in batches — one write transaction per batch, so the
 * list fills while the rest arrives and a cut connection loses at most one batch. Bodies come later
 * (folder-bodies.ts).
 */
export async function indexFolder(pass: ImapPass, folderId: number, server: ServerFolder | null): Promise<IndexResult> {
  const { db, connection } = pass;
  const accountId = pass.account.id;
  const stored = getFolder(db, folderId);
  const result: IndexResult = { unchanged: false, added: 0, expunged: 0, flagsChanged: 0, uidvalidityReset: false };

  if (server && unchangedSince(pass, stored, server)) return { ...result, unchanged: true };

  pass.checkpoint();
  pass.progress({ phase: 'flags', folder: stored.path, done: 0, total: 0 });
  const selected = await selectFolder(connection, stored.path, {
    readOnly: true,
    known: { uidvalidity: stored.uidvalidity, highestmodseq: stored.highestmodseq },
  }).catch((error: unknown) => {
    throw unreadableFolder(connection.mapError(error), stored.path, connection.usable);
  });
  const uidvalidity = selected.uidvalidity;
  let fresh = stored.uidvalidity === null;
  if (stored.uidvalidity !== null && stored.uidvalidity !== uidvalidity) {
    // RFC 3501 section 2.3.1.1: a new UIDVALIDITY voids every UID we hold for this folder.
    writeTransaction(db, (changes) => beginUidvalidityReset(db, changes, stored, uidvalidity));
    result.uidvalidityReset = true;
    fresh = true;
  } else if (fresh) {
    writeTransaction(db, (changes) => updateFolderSyncState(db, changes, folderId, { uidvalidity }));
  }

  // Expunges and flag changes since the last sync.
  // The server's complete UID list (ascending, 4 bytes a UID), when this pass needs it.
  let serverSet: Uint32Array | null = null;
  if (!fresh) {
    const applyFlags = (updates: ServerFlags[]) => {
      if (updates.length === 0) return;
      result.flagsChanged += writeTransaction(db, (changes) => applyServerFlags(db, changes, accountId, folderId, uidvalidity, updates));
    };
    if (selected.qresync) {
      if (selected.vanished.length > 0) {
        result.expunged += writeTransaction(db, (changes) => removeExpunged(db, changes, accountId, folderId, uidvalidity, selected.vanished));
      }
      applyFlags(selected.flagChanges);
    } else if (selected.highestmodseq !== null && stored.highestmodseq !== null) {
      if (selected.highestmodseq !== stored.highestmodseq) await fetchFlags(connection, stored.highestmodseq, applyFlags, imapLimits.flagChunk);
    } else {
      // No CONDSTORE (or NOMODSEQ): every message's flags, which is also the complete UID set. Applied a
      // chunk per transaction as they arrive (flags are idempotent: a pass cut midway fetches them all again).
      const uids = new UidCollector();
      await fetchFlags(
        connection,
        null,
        (updates) => {
          for (const { uid } of updates) uids.push(uid);
          applyFlags(updates);
        },
        imapLimits.flagChunk,
      );
      serverSet = uids.sorted();
    }
  }

  // Which messages are new, and which are gone. Counted, not listed: the UID set of a large folder is
  // only built when the server's complete set has to be compared with it.
  const knownCount = countKnownUids(db, folderId, uidvalidity);
  const orphans = countOrphans(db, folderId, uidvalidity);
  const quiet = !fresh && stored.uidnext === selected.uidnext && selected.exists === knownCount && orphans === 0 && stored.syncState.indexed === true;
  // New UIDs, newest first.
  let newUids: Uint32Array = new Uint32Array(0);
  if (serverSet === null && !quiet && !fresh && stored.uidnext !== null && orphans === 0 && stored.syncState.indexed === true) {
    // New mail by UIDNEXT: UIDs are assigned in ascending order (RFC 3501 section 2.3.1.1), so what arrived
    // since the last sync is UID <old UIDNEXT>:*. If that accounts for the whole message count, nothing else
    // changed and the full UID list is not needed.
    const knownFrom = knownUidsFrom(db, folderId, uidvalidity, stored.uidnext);
    const arrived = (await uidsFrom(connection, stored.uidnext)).filter((uid) => !knownFrom.has(uid));
    if (knownCount + arrived.length === selected.exists) newUids = sortedUids(arrived).reverse();
    else serverSet = await serverUids(connection);
  } else if (serverSet === null && !quiet) {
    serverSet = await serverUids(connection);
  }
  if (serverSet !== null) {
    const diff = diffUids(serverSet, knownUids(db, folderId, uidvalidity));
    if (diff.goneFromServer.length > 0) {
      result.expunged += writeTransaction(db, (changes) => removeExpunged(db, changes, accountId, folderId, uidvalidity, diff.goneFromServer));
    }
    newUids = diff.missingLocally.reverse();
  }
  // A complete scan (the server's whole UID list was compared): orphans nothing matches go at the end.
  const complete = serverSet !== null;

  result.added = await fetchNewHeaders(pass, stored, selected, newUids);

  writeTransaction(db, (changes) => {
    // A complete scan: orphans nothing matched are not on the server any more.
    if (complete) dropOrphans(db, changes, accountId, folderId, uidvalidity);
    updateFolderSyncState(db, changes, folderId, {
      uidvalidity,
      uidnext: selected.uidnext,
      highestmodseq: selected.highestmodseq,
      syncState: { ...getFolder(db, folderId).syncState, indexed: true },
      lastSyncedAt: Date.now(),
    });
  });
  return result;
}

/**
 * A folder the server lists but refuses to open (EXAMINE answered NO: "Mailbox doesn't exist" for a
 * dangling Maildir link, an internal error for one it may not read, a missing ACL right): nothing of it
 * can be planned. FOLDER_UNREADABLE lets the pass go on with the other folders; anything else (the
 * connection gone, a timeout) stays what it is.
 */
function unreadableFolder(error: HomingError, path: string, connectionUsable: boolean): HomingError {
  if (error.code !== 'SERVER_ERROR' || !connectionUsable) return error;
  const response = typeof error.detail?.serverResponse === 'string' ? error.detail.serverResponse : null;
  // Dovecot 2.3 ends every tagged reply with the command's timing, "(0.001 + 0.000 secs).": not words for a person.
  const serverText = response?.replace(/\s*\(\d+\.\d+(?: \+ \d+\.\d+)* secs\)\.?\s*$/, '') ?? null;
  return new HomingError(
    'FOLDER_UNREADABLE',
    `The server lists the folder ${path} but refuses to open it: ${serverText ?? error.message}`,
    { ...error.detail, folder: path, serverText },
    { cause: error },
  );
}

/** STATUS (from LIST-STATUS) says nothing changed: same UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and count. */
function unchangedSince(pass: ImapPass, stored: FolderRow, server: ServerFolder): boolean {
  const s = server.status;
  if (stored.syncState.indexed !== true || s.uidvalidity === null || s.highestmodseq === null) return false;
  if (stored.uidvalidity !== s.uidvalidity || stored.uidnext !== s.uidnext || stored.highestmodseq !== s.highestmodseq) return false;
  if (countOrphans(pass.db, stored.id, s.uidvalidity) > 0) return false;
  return countKnownUids(pass.db, stored.id, s.uidvalidity) === s.messages;
}

interface Prepared {
  row: HeaderRow;
  parsed: ParsedMessage;
}

/** Headers of the new UIDs, newest first, a batch per transaction; orphans are re-matched on the way. */
async function fetchNewHeaders(pass: ImapPass, folder: FolderRow, selected: SelectedFolder, newUids: Uint32Array): Promise<number> {
  const { db } = pass;
  const accountId = pass.account.id;
  const uidvalidity = selected.uidvalidity;
  let added = 0;
  let done = 0;
  let orphansLeft = countOrphans(db, folder.id, uidvalidity);
  pass.progress({ phase: 'headers', folder: folder.path, done: 0, total: newUids.length });
  // A small first batch, so the first screenful is committed (and shown) as early as possible.
  // Batches are views of newUids, not copies.
  const batches: Uint32Array[] = [];
  for (let at = 0; at < newUids.length; ) {
    const size = batches.length === 0 ? imapLimits.firstHeaderBatch : imapLimits.headerBatch;
    batches.push(newUids.subarray(at, at + size));
    at += size;
  }
  let ahead: Promise<HeaderRow[]> | null = null;
  for (const [index, batch] of batches.entries()) {
    pass.checkpoint();
    const rows = (await (ahead ?? fetchHeaders(pass.connection, batch))).sort((a, b) => b.uid - a.uid);
    ahead = null;
    // The next batch is asked for before this one is committed, so the server reads and sends it
    // meanwhile. Not while orphans wait to be matched: that may need a FETCH of its own below.
    const next = batches[index + 1];
    if (next && orphansLeft === 0) {
      ahead = fetchHeaders(pass.connection, next);
      // Failure surfaces where it is awaited; a pass that ends first (cancelled, a failed commit) must
      // not leave it as an unhandled rejection when the connection closes.
      ahead.catch(() => undefined);
      await afterIo();
    }
    const prepared: Prepared[] = [];
    for (const row of rows) prepared.push({ row, parsed: parsedFromEnvelope(row.envelope, row.header) });

    // Orphans waiting for a match: the server's bytes of each candidate message prove (or disprove) it.
    const toProve = orphansLeft > 0 ? prepared.filter((p) => needsWholeMessage(orphanCandidates(db, folder.id, uidvalidity, p.parsed.messageId, p.row.size))) : [];
    const wholeHashes = toProve.length > 0 ? await wholeMessageHashes(pass, toProve.map((p) => p.row)) : new Map<number, string>();

    const cutoff = offlineCutoff(pass);
    const batchAdded = writeTransaction(db, (changes) => {
      let inBatch = 0;
      const arrived: Array<NewMessage & { uid: number }> = [];
      for (const { row, parsed } of oldestFirst(prepared)) {
        const key = { kind: 'imap' as const, uidvalidity, uid: row.uid };
        if (orphansLeft > 0) {
          const candidates = orphanCandidates(db, folder.id, uidvalidity, parsed.messageId, row.size);
          const match = provenOrphan(candidates, row, wholeHashes.get(row.uid));
          if (match) {
            adoptOrphan(db, changes, accountId, folder.id, match.id, key, { flags: row.flags, modseq: row.modseq });
            orphansLeft--;
            continue;
          }
          // Not proven the same: stored as a new message (its body follows in the body phase); the orphan
          // that is not on the server any more goes at the end of the complete scan.
        }
        // The body phase of this pass fetches it when it is within the offline scope (rowsWithoutBody).
        const when = row.internalDate?.getTime() ?? parsed.date?.getTime() ?? Date.now();
        const textComing = cutoff === null || when >= cutoff;
        const stored = commitMessage(db, changes, {
          accountId,
          folderId: folder.id,
          key,
          source: { kind: 'buffer', bytes: row.header },
          parsed,
          flags: [...row.flags],
          internalDate: row.internalDate,
          modseq: row.modseq,
          bodyStatus: 'headers',
          size: row.size,
          // Indexed once, by its body; fetchFolderBodies indexes the headers of any whose body does not come.
          searchRowLater: textComing,
        });
        if (stored.inserted) {
          inBatch++;
          arrived.push({ id: stored.messageId, uid: row.uid, parsed, header: row.header, textComing });
        }
      }
      // New mail in the inbox: mail rules and the junk filter, before this commit's change event, newest first.
      if (folder.specialUse === 'inbox') rulesOnArrival(db, changes, accountId, arrived.sort((a, b) => b.uid - a.uid));
      return inBatch;
    });
    // Counted as each batch commits, so a pass that fails later (a full disk) can say what it saved.
    pass.added += batchAdded;
    added += batchAdded;
    done += batch.length;
    pass.progress({ phase: 'headers', folder: folder.path, done, total: newUids.length });
  }
  return added;
}

/**
 * The batch in the order its full-text rows are best written: by date (the row's, as ingest takes it),
 * then UID. A new row's search key is its date, then its id (store/search-key.ts), and ids are given in
 * this order, so the keys ascend. FTS5 writes out the terms it holds whenever a transaction's next rowid
 * is below the last one's, so newest first (the fetch order) wrote a segment of one message's terms per
 * message and then merged them: about twice the full-text index's work.
 */
function oldestFirst(prepared: Prepared[]): Prepared[] {
  const dated = prepared.map((p) => ({ p, date: p.parsed.date?.getTime() ?? p.row.internalDate?.getTime() ?? Infinity }));
  return dated.sort((a, b) => a.date - b.date || a.p.row.uid - b.p.row.uid).map((d) => d.p);
}

/** Lets pending I/O callbacks run (a command just started gets written to the socket) before a long synchronous commit. */
function afterIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
