import { prepare, type ReadDb, type WriteDb } from './db';
import { readFlags } from './ingest';
import { flagsOf } from './message-summaries';
import {
  findOperation,
  forgetMessages,
  HELD_BY_OPERATION_SQL,
  hasQueuedOperation,
  heldUids,
  queueOperation,
  queuedOperationsInFolder,
  refuseOperation,
  rowsWaitingInFolder,
  unlinkMessages,
  updatePayload,
} from './operation-queue';
import type { FlagsPayload } from './operation-kinds';
import type { ChangeRecorder } from './write-transaction';

/**
 * What IMAP sync keeps per folder beyond the messages themselves: which UIDs we hold under which
 * UIDVALIDITY, server flag changes, expunges, and the re-matching of rows whose UID is unknown —
 * after a UIDVALIDITY change (RFC 3501 section 2.3.1.1: every UID is void) or after a local move whose
 * new UID the server did not tell us (no UIDPLUS). Such rows are "orphans": adopted by a server
 * message with the same Message-ID and size only once its bytes are proven the same (content hash; see
 * sync/imap/orphan-proof.ts), dropped when a complete scan of the folder found no match.
 */

/**
 * UIDs the folder accounts for: its rows, plus messages moved or deleted locally whose server copy is
 * still here. Ascending, each once, 4 bytes a UID (read in index order; no row objects kept).
 */
export function knownUids(db: ReadDb, folderId: number, uidvalidity: number): Uint32Array {
  const held = heldUids(db, folderId, uidvalidity);
  const rows = prepare<[number, number], { uid: number }>(db, 'SELECT uid FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid IS NOT NULL ORDER BY uid');
  let uids = new Uint32Array(1024);
  let n = 0;
  for (const { uid } of rows.iterate(folderId, uidvalidity)) {
    if (n === uids.length) {
      const grown = new Uint32Array(uids.length * 2);
      grown.set(uids);
      uids = grown;
    }
    uids[n++] = uid;
  }
  if (held.size === 0) return uids.slice(0, n);
  const all = new Uint32Array(n + held.size);
  all.set(uids.subarray(0, n));
  let k = n;
  for (const uid of held) all[k++] = uid;
  all.sort();
  let m = 0;
  for (let i = 0; i < all.length; i++) if (m === 0 || all[i] !== all[m - 1]) all[m++] = all[i]!;
  return all.slice(0, m);
}

/**
 * How many UIDs the folder accounts for — `knownUids(...).size` — without building the set: a count of
 * its rows (the UID index answers it), plus the UIDs held by queued moves and deletes that are not also
 * a row's. Whether a folder is unchanged asks only this; at 100,000 messages the set cost ~0.7 s of CPU
 * and 34 MB of garbage each time.
 */
export function countKnownUids(db: ReadDb, folderId: number, uidvalidity: number): number {
  const rows =
    prepare<[number, number], { n: number }>(db, 'SELECT count(*) AS n FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid IS NOT NULL').get(
      folderId,
      uidvalidity,
    )?.n ?? 0;
  const row = prepare<[number, number, number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid = ?');
  let held = 0;
  for (const uid of heldUids(db, folderId, uidvalidity)) if (!row.get(folderId, uidvalidity, uid)) held++;
  return rows + held;
}

/** The UIDs from `first` up that the folder accounts for (as knownUids): what a UIDNEXT check compares new UIDs with. */
export function knownUidsFrom(db: ReadDb, folderId: number, uidvalidity: number, first: number): Set<number> {
  const known = new Set(
    prepare<[number, number, number], { uid: number }>(db, 'SELECT uid FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid >= ?')
      .all(folderId, uidvalidity, first)
      .map((r) => r.uid),
  );
  for (const uid of heldUids(db, folderId, uidvalidity)) if (uid >= first) known.add(uid);
  return known;
}

export interface ServerFlags {
  uid: number;
  flags: Iterable<string>;
  modseq?: number | null;
}

const FLAG_SKIP = new Set(['\\recent']);

/** Flags as stored: system flags to columns, keywords (and \Deleted) kept sorted so equal sets compare equal. */
export function flagColumns(flags: Iterable<string>) {
  const list = [...flags].filter((f) => !FLAG_SKIP.has(f.toLowerCase()));
  const columns = readFlags(list);
  return { ...columns, keywords: JSON.stringify([...columns.keywords].sort()) };
}

/** Applies the server's flags (each row looked up by its UID: no map of the whole folder); returns how many rows changed. */
export function applyServerFlags(
  db: WriteDb,
  changes: ChangeRecorder,
  accountId: string,
  folderId: number,
  uidvalidity: number,
  updates: Iterable<ServerFlags>,
): number {
  const find = prepare<[number, number, number], { id: number; seen: number; flagged: number; answered: number; draft: number; keywords: string }>(
    db,
    'SELECT id, seen, flagged, answered, draft, keywords FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid = ?',
  );
  const update = prepare(
    db,
    'UPDATE messages SET seen = ?, flagged = ?, answered = ?, draft = ?, keywords = ?, modseq = coalesce(?, modseq) WHERE id = ?',
  );
  let changed = 0;
  for (const { uid, flags, modseq } of updates) {
    const row = find.get(folderId, uidvalidity, uid);
    if (!row) continue;
    const next = flagColumns(flags);
    if (next.seen === row.seen && next.flagged === row.flagged && next.answered === row.answered && next.draft === row.draft && next.keywords === row.keywords) {
      continue;
    }
    if (hasQueuedOperation(db, row.id)) continue;
    update.run(next.seen, next.flagged, next.answered, next.draft, next.keywords, modseq ?? null, row.id);
    changes.message(accountId, folderId, row.id);
    changed++;
  }
  return changed;
}

/** Removes the rows of UIDs the server expunged; returns how many went. */
export function removeExpunged(
  db: WriteDb,
  changes: ChangeRecorder,
  accountId: string,
  folderId: number,
  uidvalidity: number,
  uids: Iterable<number>,
): number {
  const find = prepare<[number, number, number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid = ?');
  const remove = prepare<[number]>(db, 'DELETE FROM messages WHERE id = ?');
  const gone: number[] = [];
  for (const uid of uids) {
    const row = find.get(folderId, uidvalidity, uid);
    if (!row) continue;
    remove.run(row.id);
    changes.message(accountId, folderId, row.id);
    gone.push(row.id);
  }
  forgetMessages(db, gone);
  return gone.length;
}

/** Rows of the folder whose UID is unknown under `uidvalidity`, not waiting for an operation of their own. */
const ORPHAN = `m.folder_id = ? AND (m.uid IS NULL OR m.uidvalidity IS NOT ?) AND NOT ${HELD_BY_OPERATION_SQL}`;

export function countOrphans(db: ReadDb, folderId: number, uidvalidity: number): number {
  return prepare<[number, number], { n: number }>(db, `SELECT count(*) AS n FROM messages m WHERE ${ORPHAN}`).get(folderId, uidvalidity)?.n ?? 0;
}

export interface OrphanCandidate {
  id: number;
  contentHash: string | null;
  bodyStatus: 'full' | 'headers' | 'partial';
}

/** Orphans that may be this server message: same size and the same Message-ID (or both without one); a match still needs its bytes proven. */
export function orphanCandidates(db: ReadDb, folderId: number, uidvalidity: number, messageId: string | null, size: number): OrphanCandidate[] {
  return prepare<[number, number, string | null, number], OrphanCandidate>(
    db,
    `SELECT m.id, m.content_hash AS contentHash, m.body_status AS bodyStatus FROM messages m
     WHERE ${ORPHAN} AND m.message_id IS ? AND m.size = ? ORDER BY m.id`,
  ).all(folderId, uidvalidity, messageId, size);
}

/** Gives an orphan row the server's UID and flags (it keeps its stored source and everything derived). */
export function adoptOrphan(
  db: WriteDb,
  changes: ChangeRecorder,
  accountId: string,
  folderId: number,
  rowId: number,
  key: { uidvalidity: number; uid: number },
  server: { flags: Iterable<string>; modseq?: number | null },
): void {
  if (hasQueuedOperation(db, rowId)) {
    // A local flag change waits for the server: keep it (the operation brings the server in line).
    prepare(db, 'UPDATE messages SET uidvalidity = ?, uid = ?, modseq = ?, deleted_locally = 0 WHERE id = ?').run(key.uidvalidity, key.uid, server.modseq ?? null, rowId);
  } else {
    const f = flagColumns(server.flags);
    prepare(
      db,
      `UPDATE messages SET uidvalidity = ?, uid = ?, seen = ?, flagged = ?, answered = ?, draft = ?, keywords = ?, modseq = ?, deleted_locally = 0
       WHERE id = ?`,
    ).run(key.uidvalidity, key.uid, f.seen, f.flagged, f.answered, f.draft, f.keywords, server.modseq ?? null, rowId);
  }
  changes.message(accountId, folderId, rowId);
}

/**
 * After a complete scan of the folder: orphans nothing matched are not on the server any more, at least
 * not with the bytes stored here. A flag change queued on one of them first follows its Message-ID
 * (carryFlagChanges).
 */
export function dropOrphans(db: WriteDb, changes: ChangeRecorder, accountId: string, folderId: number, uidvalidity: number): number {
  const ids = prepare<[number, number], { id: number }>(db, `SELECT m.id FROM messages m WHERE ${ORPHAN}`)
    .all(folderId, uidvalidity)
    .map((r) => r.id);
  carryFlagChanges(db, changes, accountId, folderId, uidvalidity, ids);
  const remove = prepare<[number]>(db, 'DELETE FROM messages WHERE id = ?');
  for (const id of ids) {
    remove.run(id);
    changes.message(accountId, folderId, id);
  }
  forgetMessages(db, ids);
  return ids.length;
}

/**
 * Queued flag changes of orphans about to be dropped. Such a row's folder was recreated (or its message
 * moved) and no server message has its bytes: a migration added a header, a server rewrote the message.
 * The server's copy came in as a new row, and the user's mark, set here while offline, would go with the
 * old row. The change follows the message when exactly one message of the folder has its Message-ID
 * (RFC 5322 section 3.6.4: the message's identity): that row takes the change (marked here at once, the
 * replay after the folder's sync sends it there). When several have it, none is marked on a guess: the
 * change is refused, saying so (`homing pending --refused`, the sync's warning). A message without a
 * Message-ID, or with none there, is gone from the folder, and its change with it, as for a message
 * another client deleted.
 */
function carryFlagChanges(db: WriteDb, changes: ChangeRecorder, accountId: string, folderId: number, uidvalidity: number, orphans: readonly number[]): void {
  if (orphans.length === 0) return;
  const flagOps = prepare<[number], { id: number }>(
    db,
    `SELECT o.id FROM pending_ops o JOIN pending_op_messages pm ON pm.op_id = o.id
     WHERE pm.message_id = ? AND o.kind = 'flags' AND o.state = 'queued' ORDER BY o.id`,
  );
  const orphanRow = prepare<[number], { messageId: string | null; subject: string | null }>(db, 'SELECT message_id AS messageId, subject FROM messages WHERE id = ?');
  const sameMessage = prepare<[number, number, string], { id: number }>(
    db,
    'SELECT id FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid IS NOT NULL AND message_id = ? ORDER BY uid',
  );
  for (const orphan of orphans) {
    const ops = flagOps.all(orphan);
    if (ops.length === 0) continue;
    const row = orphanRow.get(orphan);
    if (!row?.messageId) continue;
    const found = sameMessage.all(folderId, uidvalidity, row.messageId);
    if (found.length === 0) continue;
    for (const { id: opId } of ops) {
      const op = findOperation(db, opId);
      if (op?.kind !== 'flags') continue;
      const payload = op.payload;
      const rest = payload.before.filter((b) => b.messageId !== orphan);
      unlinkMessages(db, opId, [orphan]);
      if (found.length === 1) {
        const target = found[0]!.id;
        const had = applyFlagChange(db, changes, accountId, folderId, target, payload);
        prepare<[number, number]>(db, 'INSERT OR IGNORE INTO pending_op_messages (op_id, message_id) VALUES (?, ?)').run(opId, target);
        updatePayload(db, opId, { kind: 'flags', payload: { ...payload, before: [...rest, { messageId: target, had }] } });
        continue;
      }
      // Which copy did the user mean? The change is kept as a refusal of its own (naming no row: its row
      // goes), so the other messages of the operation still go to the server.
      if (rest.length !== payload.before.length) updatePayload(db, opId, { kind: 'flags', payload: { ...payload, before: rest } });
      const alone = queueOperation(db, changes, accountId, { kind: 'flags', payload: { add: payload.add, remove: payload.remove, before: [] } }, []);
      refuseOperation(db, changes, alone, {
        code: 'OPERATION_REFUSED',
        message:
          `The folder was recreated on the server and the message${row.subject ? ` "${row.subject}"` : ''} there is not the same as here, ` +
          `and ${found.length} messages there have its Message-ID, so this change was not applied to any of them. Discard it and make it again on the one you mean.`,
      });
    }
  }
}

/** Sets and clears the change's flags on a row, locally; returns the flags among them the row had before. */
function applyFlagChange(db: WriteDb, changes: ChangeRecorder, accountId: string, folderId: number, rowId: number, change: Pick<FlagsPayload, 'add' | 'remove'>): string[] {
  const current = prepare<[number], { seen: number; flagged: number; answered: number; draft: number; keywords: string }>(
    db,
    'SELECT seen, flagged, answered, draft, keywords FROM messages WHERE id = ?',
  ).get(rowId)!;
  const flags = new Set(flagsOf(current));
  const had = [...change.add, ...change.remove].filter((f) => flags.has(f));
  for (const f of change.remove) flags.delete(f);
  for (const f of change.add) flags.add(f);
  const next = flagColumns(flags);
  prepare(db, 'UPDATE messages SET seen = ?, flagged = ?, answered = ?, draft = ?, keywords = ? WHERE id = ?').run(
    next.seen,
    next.flagged,
    next.answered,
    next.draft,
    next.keywords,
    rowId,
  );
  changes.message(accountId, folderId, rowId);
  return had;
}

/**
 * The folder's UIDVALIDITY changed (it was recreated on the server): every UID we hold is void. The rows
 * stay as orphans for re-matching. A queued flag change of its messages stays queued: a row matched
 * again keeps the flags the user set (adoptOrphan) and the replay after the folder's sync sends them to
 * its new UID. Other queued operations that name its messages or UIDs (moves, deletes, copies: what they
 * did here cannot be matched to the new folder safely) are refused with a clear reason (reported, not
 * silently lost). Returns the number of refused operations.
 */
export function beginUidvalidityReset(
  db: WriteDb,
  changes: ChangeRecorder,
  folder: { id: number; path: string; uidvalidity: number | null },
  newUidvalidity: number,
): number {
  const ops = queuedOperationsInFolder(db, folder.id).filter((id) => findOperation(db, id)?.kind !== 'flags');
  const message =
    `The folder ${folder.path} was recreated on the server (its UIDVALIDITY changed from ${folder.uidvalidity ?? '?'} to ${newUidvalidity}), ` +
    'so this change could not be applied there. The folder was downloaded again; discard this change and redo it if it is still wanted.';
  for (const id of ops) refuseOperation(db, changes, id, { code: 'OPERATION_REFUSED', message });
  prepare(db, 'UPDATE folders SET uidvalidity = ?, uidnext = NULL, highestmodseq = NULL WHERE id = ?').run(newUidvalidity, folder.id);
  return ops.length;
}

const WITHOUT_BODY = `folder_id = ? AND uidvalidity = ? AND uid IS NOT NULL AND body_status != 'full' AND deleted_locally = 0
  AND coalesce(internal_date, date) >= ?`;

/** How many rows of the folder are still stored as headers only (what rowsWithoutBody goes through). */
export function countRowsWithoutBody(db: ReadDb, folderId: number, uidvalidity: number, since: number | null): number {
  return prepare<[number, number, number], { n: number }>(db, `SELECT count(*) AS n FROM messages WHERE ${WITHOUT_BODY}`).get(folderId, uidvalidity, since ?? -8.64e15)?.n ?? 0;
}

/**
 * Rows of the folder still stored as headers only, newest UID first (the order bodies are fetched in):
 * at most `limit` of them, with a UID below `below` (null: from the newest). The body phase reads the
 * folder a page at a time, so what it holds does not grow with the folder.
 */
export function rowsWithoutBody(
  db: ReadDb,
  folderId: number,
  uidvalidity: number,
  since: number | null,
  below: number | null,
  limit: number,
): Array<{ id: number; uid: number; size: number }> {
  return prepare<[number, number, number, number, number], { id: number; uid: number; size: number }>(
    db,
    `SELECT id, uid, size FROM messages WHERE ${WITHOUT_BODY} AND uid < ? ORDER BY uid DESC LIMIT ?`,
  ).all(folderId, uidvalidity, since ?? -8.64e15, below ?? Number.MAX_SAFE_INTEGER, limit);
}

/** Sets the UID the server gave a moved message (COPYUID, RFC 4315 section 3), if it still waits for one. */
export function setMovedUid(
  db: WriteDb,
  changes: ChangeRecorder,
  accountId: string,
  folderId: number,
  rowId: number,
  key: { uidvalidity: number; uid: number },
): boolean {
  const clash = prepare<[number, number, number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid = ?').get(
    folderId,
    key.uidvalidity,
    key.uid,
  );
  if (clash && clash.id !== rowId) return false;
  const info = prepare(db, 'UPDATE messages SET uidvalidity = ?, uid = ? WHERE id = ? AND folder_id = ? AND uid IS NULL').run(
    key.uidvalidity,
    key.uid,
    rowId,
    folderId,
  );
  if (info.changes > 0) changes.message(accountId, folderId, rowId);
  return info.changes > 0;
}

/**
 * Before a folder that vanished from the server is removed: rows that were moved into it locally and are
 * still waiting for their move (or delete to Trash) to reach the server go back to where the server has
 * them, and their operation is refused with the reason — so the user sees what did not happen, and
 * nothing disappears with the folder. Returns the number of rows rescued.
 */
export function rescueWaitingRows(db: WriteDb, changes: ChangeRecorder, folder: { id: number; path: string }): number {
  const waiting = rowsWaitingInFolder(db, folder.id);
  const source = prepare<[number], { uidvalidity: number | null }>(db, 'SELECT uidvalidity FROM folders WHERE id = ?');
  const clash = prepare<[number, number, number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid = ?');
  const place = prepare(db, 'UPDATE messages SET folder_id = ?, uidvalidity = ?, uid = ? WHERE id = ?');
  const refused = new Set<number>();
  let rescued = 0;
  for (const { messageId, accountId, op } of waiting) {
    if (op.kind !== 'move' && op.kind !== 'delete') continue;
    const item = op.payload.items.find((i) => i.messageId === messageId);
    const from = op.payload.from;
    if (!item || !from || source.get(from.folderId)?.uidvalidity !== from.uidvalidity || clash.get(from.folderId, from.uidvalidity, item.uid)) continue;
    place.run(from.folderId, from.uidvalidity, item.uid, messageId);
    changes.message(accountId, folder.id, messageId);
    changes.message(accountId, from.folderId, messageId);
    rescued++;
    if (op.state === 'queued' && !refused.has(op.id)) {
      refused.add(op.id);
      refuseOperation(db, changes, op.id, {
        code: 'OPERATION_REFUSED',
        message: `The folder ${folder.path} was deleted on the server, so the messages could not be put there; they are back where the server has them.`,
      });
    }
  }
  return rescued;
}
