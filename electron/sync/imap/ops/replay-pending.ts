import { HomingError } from '../../../../shared/errors';
import { prepare } from '../../../store/db';
import { findFolderById } from '../../../store/folders';
import { setMovedUid } from '../../../store/imap-state';
import type { DeletePayload, ExpungePayload, FlagsPayload, MovePayload, OpItem, ServerPlace } from '../../../store/operation-kinds';
import {
  completeOperation,
  findOperation,
  forgetMessages,
  heldByRefusedMove,
  listQueuedOperations,
  markSentAsRead,
  operationMessageIds,
  type QueuedOperation,
  type StoredOperation,
  recordAttempt,
  refuseDamaged,
  refuseOperation,
  resolveFollowers,
  serverPathAt,
  operationsRequiring,
  unlinkMessages,
} from '../../../store/operation-queue';
import { writeTransaction } from '../../../store/write-transaction';
import type { ImapPass } from '../imap-pass';
import { imapLimits } from '../limits';
import { uidChunks, uidSet } from '../../../protocols/imap/uid-set';
import { rollBackMarks } from '../../actions/mark-rows';
import { findMovedInTarget, presentUids, targetState, type TargetPlace } from './find-moved';
import { OperationChanged } from './operation-changed';
import { rollBackFolderOperation } from '../imap-folder-rollback';
import { replayAppend } from './replay-append';
import { replayCopy } from './replay-copy';
import { replayFolderOperation } from './replay-folders';
import { batchWith, flagsBeforeMoves, moveChain, replayBatch, replayFlagsBeforeMoves, replayMoveChain, sameSourceNext } from './replay-batch';
import { deleteExactly } from './delete-exactly';
import { FolderRecreated, Gone, moveItems, type Placed, type PlacedInTarget, refused, type ReplayResult, selectForWrite, settleGone, sourceOf, waitsOnAnother } from './replay-shared';

export type { PlacedInTarget, ReplayResult } from './replay-shared';

/** Codes that mean "the server said no to this operation" (as opposed to "the server could not be asked"). */
const REFUSALS = new Set(['SERVER_ERROR', 'OPERATION_REFUSED', 'NOT_FOUND', 'INVALID_ARGUMENT']);

/**
 * Replays the account's queued operations in the order they were made. One the server refuses is marked
 * `refused` with its reason (the user sees it and may discard it); a connection failure stops the replay
 * with the operation still queued, to be retried on the next pass.
 */
export async function replayPending(pass: ImapPass): Promise<ReplayResult & { folderSyncDue: boolean }> {
  const result = { replayed: 0, refused: 0, folderSyncDue: false };
  // A flag change waits when its message was moved by a move queued after it (a rule tags, a later rule
  // moves): its UID comes with that move (COPYUID, or the look in the target). Another round sends what
  // waited, once the round before placed something, rather than leaving it queued for the next pass.
  for (let round = 0; round < imapLimits.replayRounds; round++) {
    const done = await replayRound(pass);
    result.replayed += done.replayed;
    result.refused += done.refused;
    result.folderSyncDue ||= done.folderSyncDue;
    if (done.waited === 0 || done.replayed === 0) break;
  }
  return result;
}

/**
 * One pass over the queue in order; `waited` counts the operations left for later (NotYet), and
 * `folderSyncDue` says one of them waits for a folder's sync (AfterFolderSync).
 */
async function replayRound(pass: ImapPass): Promise<ReplayResult & { waited: number; folderSyncDue: boolean }> {
  const { db } = pass;
  const ops = listQueuedOperations(db, pass.account.id);
  const result = { replayed: 0, refused: 0, waited: 0, folderSyncDue: false };
  if (ops.length === 0) return result;
  pass.progress({ phase: 'actions', folder: null, done: 0, total: ops.length });
  // Messages whose flag change waits this round (not yet placed on the server: a later move of theirs
  // moved the row): a later flag change of the same message waits with it, or it would reach the server
  // first and be undone by the older one (flags stay in the order they were set; a move carries them).
  const waitingFlags = new Set<number>();
  for (const [index, listed] of ops.entries()) {
    pass.checkpoint();
    // Read again: an earlier one may have refused it or resolved what it waited for (WaitingOn).
    const read = findOperation(db, listed.id);
    if (!read || read.state !== 'queued') continue;
    if (read.kind === 'damaged') {
      writeTransaction(db, (changes) => refuseDamaged(db, changes, read));
      result.refused++;
      continue;
    }
    // Another operation (maybe of another account) must reach its server first; refused with it if it is refused.
    if (read.requires !== null) continue;
    // Submission belongs to the outbox's sender (SMTP), not to this account's IMAP replay.
    if (read.kind === 'send') continue;
    if (read.kind === 'flags') {
      const named = operationMessageIds(db, read.id);
      if (named.some((id) => waitingFlags.has(id))) {
        for (const id of named) waitingFlags.add(id);
        result.waited++;
        continue;
      }
    }
    // Later operations of the same change on the same folder go with this one as one command (rules
    // queue one per action per stored batch); a batch that fails is left to the one-by-one path below.
    // A move batch goes with the later move batches out of the same folder to other targets (moveChain).
    let again: StoredOperation | null = null;
    const batch = batchWith(pass, read, ops.slice(index + 1), waitingFlags);
    if (batch.length > 1) {
      const chain = moveChain(pass, batch, ops.slice(index + 1), waitingFlags);
      // Flag changes of the messages the chain moves out (and of others in its source) go first, in the
      // source: the moves carry them, so no SELECT and STORE in each target afterwards (flagsBeforeMoves).
      const early = await replayFlagsBeforeMoves(pass, flagsBeforeMoves(pass, chain, ops.slice(index + 1), waitingFlags));
      if (early) result.replayed += early.replayed;
      const done = await replayMoveChain(pass, chain);
      if (done !== null) {
        result.replayed += done.replayed;
        result.refused += done.refused;
        // The moves out of the same folder to other targets that the chain did not take follow at once, while it is open (sameSourceNext).
        if (read.kind === 'move' || read.kind === 'delete') {
          const more = await movesFromSameSource(pass, sourceOf(read.payload), ops.slice(index + 1), waitingFlags);
          result.replayed += more.replayed;
          result.refused += more.refused;
        }
        pass.progress({ phase: 'actions', folder: null, done: result.replayed + result.refused, total: ops.length });
        continue;
      }
      // Fell back: this operation is read again as it is now and replayed on its own.
      again = findOperation(db, read.id);
      if (!again || again.state !== 'queued' || again.kind === 'damaged') continue;
    }
    const op: QueuedOperation = again ?? read;
    try {
      const placed = await replayOne(pass, op);
      const freed = writeTransaction(db, (changes) => {
        const waiting = operationsRequiring(db, op.id).map((o) => o.accountId);
        resolveFollowers(db, changes, op.id, placed ?? new Map());
        completeOperation(db, changes, op.id);
        return waiting;
      });
      if (freed.length > 0) pass.engine.released?.(freed);
      result.replayed++;
    } catch (error) {
      if (error instanceof Gone) {
        settleGone(pass, op, error);
        result.refused++;
        continue;
      }
      if (error instanceof NotYet) {
        result.waited++;
        if (error instanceof AfterFolderSync) result.folderSyncDue = true;
        if (op.kind === 'flags') for (const id of operationMessageIds(db, op.id)) waitingFlags.add(id);
        continue;
      }
      if (error instanceof OperationChanged) continue;
      const mapped = pass.connection.mapError(error);
      if (mapped.code === 'OPERATION_DAMAGED') {
        writeTransaction(db, (changes) => refuseOperation(db, changes, op.id, { code: mapped.code, message: mapped.message }));
        result.refused++;
        continue;
      }
      if (!REFUSALS.has(mapped.code)) {
        const attempts = writeTransaction(db, () => recordAttempt(db, op.id, { code: mapped.code, message: mapped.message }));
        if (attempts < imapLimits.maxReplayAttempts || !pass.connection.usable) throw mapped;
      }
      const message = mapped.code === 'OPERATION_REFUSED' ? mapped.message : `The server refused this change: ${mapped.message}`;
      writeTransaction(db, (changes) => {
        // A refused flag change: every row goes back to its own state from before it (#24 item 8).
        if (op.kind === 'flags') rollBackMarks(db, changes, op.id, op.payload);
        // A refused folder operation: the folder tree goes back to what the server holds.
        if (op.kind === 'folder-create' || op.kind === 'folder-rename' || op.kind === 'folder-delete' || op.kind === 'folder-subscribe') {
          rollBackFolderOperation(db, changes, op);
        }
        refuseOperation(db, changes, op.id, { code: 'OPERATION_REFUSED', message });
      });
      result.refused++;
    }
    pass.progress({ phase: 'actions', folder: null, done: result.replayed + result.refused, total: ops.length });
  }
  return result;
}

/**
 * After a move batch out of `source`: later move batches out of the same folder that may go before the
 * operations between (sameSourceNext), one after the other, until none can or one falls back (it is
 * then replayed in its place, one by one, as any batch that fails).
 */
async function movesFromSameSource(pass: ImapPass, source: ServerPlace, later: StoredOperation[], waitingFlags: ReadonlySet<number>): Promise<ReplayResult> {
  const result: ReplayResult = { replayed: 0, refused: 0 };
  const tried = new Set<number>();
  for (;;) {
    pass.checkpoint();
    const next = sameSourceNext(pass, source, later);
    // One the server left queued (changed meanwhile) keeps its place: the loop over the queue meets it.
    if (!next || tried.has(next.op.id)) return result;
    tried.add(next.op.id);
    const batch = batchWith(pass, next.op, later.slice(next.index + 1), waitingFlags, later.slice(0, next.index));
    const done = await replayBatch(pass, batch);
    if (done === null) return result;
    result.replayed += done.replayed;
    result.refused += done.refused;
  }
}

function replayOne(pass: ImapPass, op: QueuedOperation): Promise<PlacedInTarget | void> {
  switch (op.kind) {
    case 'flags':
      return replayFlags(pass, op, op.payload);
    case 'move':
      return replayMove(pass, op, op.payload);
    case 'delete':
      return replayDelete(pass, op, op.payload);
    case 'expunge':
      return replayExpunge(pass, op.payload);
    case 'append':
      return replayAppend(pass, op);
    case 'copy':
      return replayCopy(pass, op);
    case 'folder-create':
    case 'folder-rename':
    case 'folder-delete':
    case 'folder-subscribe':
      return replayFolderOperation(pass, op);
    default:
      throw new HomingError('OPERATION_REFUSED', `This version of Homing cannot carry out a ${op.kind} operation on an IMAP server yet.`);
  }
}

async function replayFlags(pass: ImapPass, op: QueuedOperation, payload: FlagsPayload): Promise<void> {
  const { db } = pass;
  const find = prepare<[number], Placed & { delimiter: string | null }>(
    db,
    `SELECT m.id AS messageId, m.folder_id AS folderId, f.path, f.delimiter, m.uidvalidity, m.uid FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?`,
  );
  const groups = new Map<string, { path: string; uidvalidity: number; items: Placed[] }>();
  const unplaced: number[] = [];
  for (const id of operationMessageIds(db, op.id)) {
    const row = find.get(id);
    if (!row) continue;
    if (row.uid === null || row.uidvalidity === null) {
      unplaced.push(id);
      continue;
    }
    const key = `${row.folderId}:${row.uidvalidity}`;
    // The folder's name on the server now: a rename queued after this change has not reached it yet.
    const group = groups.get(key) ?? { path: serverPathAt(db, pass.account.id, row.path, row.delimiter, op.id), uidvalidity: row.uidvalidity, items: [] };
    group.items.push(row);
    groups.set(key, group);
  }
  let recreated = false;
  for (const group of groups.values()) {
    try {
      await selectForWrite(pass, group);
    } catch (error) {
      // Another client deleted the folder and made it again (a server migration, a "repair"), usually with
      // the same mail in it: the UIDs are void, the messages likely not. The folder's sync in this pass
      // re-matches each row to its new UID by its bytes and keeps the flags this change set on it
      // (adoptOrphan), and the replay after that sync sends the change there. A message that is not in the
      // new folder goes with its row, as one deleted by another client would.
      if (error instanceof FolderRecreated) {
        recreated = true;
        continue;
      }
      throw error;
    }
    for (const part of uidChunks(group.items, (p) => p.uid!, imapLimits.uidSetChars)) {
      const set = uidSet(part.map((p) => p.uid!));
      if (payload.add.length > 0 && !(await pass.connection.client.messageFlagsAdd(set, payload.add, { uid: true }))) {
        throw refused(pass, `set ${payload.add.join(' ')}`);
      }
      if (payload.remove.length > 0 && !(await pass.connection.client.messageFlagsRemove(set, payload.remove, { uid: true }))) {
        throw refused(pass, `clear ${payload.remove.join(' ')}`);
      }
    }
    // The messages are done with: their "waiting for the server" mark goes, so the commit must name them
    // (the operation's completion later names only what is still linked to it).
    writeTransaction(db, (changes) => {
      unlinkMessages(db, op.id, group.items.map((p) => p.messageId));
      for (const p of group.items) changes.message(pass.account.id, p.folderId, p.messageId);
    });
  }
  if (unplaced.length > 0) {
    // Moved by an earlier operation the server refused: it is not where the user sees it.
    if (heldByRefusedMove(pass.db, unplaced)) {
      throw new HomingError('OPERATION_REFUSED', 'The message is not on the server in that folder: an earlier change to it was refused.');
    }
    // Moved by an operation the server took without telling the new UID (no UIDPLUS): the folder's next
    // sync finds it (re-matching), and this change waits until then.
    throw new NotYet();
  }
  if (recreated) throw new AfterFolderSync();
}

/** This operation cannot be replayed before a later sync step; it stays queued (not counted as a failure). */
class NotYet extends Error {}

/** It waits for a folder's sync: that folder was recreated on the server and its rows need their new UIDs. */
class AfterFolderSync extends NotYet {}

/**
 * A move, or a delete to Trash. Before its first command the operation is marked sent (with the target's
 * UIDVALIDITY and UIDNEXT), in a transaction of its own. A sent operation still queued means the process
 * stopped (SIGKILL, power cut, connection cut) after that, at an unknown point: the move may be done,
 * not done, or — on a server without MOVE — copied but not expunged. So the replay of a sent operation
 * looks first: a message found in the target (findMovedInTarget) is not copied again, and if it is still
 * in the source too (COPY done, EXPUNGE not) only STORE \Deleted + EXPUNGE are left to do; a message
 * still only in the source is moved; one in neither place is gone (another client moved or deleted it).
 */
async function moveOrTrash(pass: ImapPass, op: QueuedOperation, from: ServerPlace, items: OpItem[], to: { folderId: number; path: string }): Promise<PlacedInTarget> {
  const { db, connection } = pass;
  if (!findFolderById(db, to.folderId)) {
    throw new HomingError('OPERATION_REFUSED', `The folder ${to.path} no longer exists.`);
  }
  const placed: PlacedInTarget = new Map();
  let send: OpItem[];
  const copiedOnly: OpItem[] = [];
  let target = op.sent?.target ?? null;
  let vanished: OpItem[] = [];
  if (op.sent === null) {
    target = await targetState(connection, to.path);
    if (!writeTransaction(db, () => markSentAsRead(db, op, target))) throw new OperationChanged();
    await selectForWrite(pass, from);
    // Messages deleted on the server since the user acted (another client, or what an undo wanted back):
    // nothing to move, and the user is told (MESSAGE_GONE) instead of the message silently vanishing.
    const present = new Set<number>();
    for (const part of uidChunks(items, (i) => i.uid, imapLimits.uidSetChars)) {
      for (const uid of await presentUids(connection, uidSet(part.map((i) => i.uid)))) present.add(uid);
    }
    send = items.filter((i) => present.has(i.uid));
    vanished = items.filter((i) => !present.has(i.uid));
  } else {
    const found = target ? await findMovedInTarget(connection, db, to.path, target, items) : new Map<number, TargetPlace>();
    await selectForWrite(pass, from);
    const present = new Set<number>();
    for (const part of uidChunks(items, (i) => i.uid, imapLimits.uidSetChars)) {
      for (const uid of await presentUids(connection, uidSet(part.map((i) => i.uid)))) present.add(uid);
    }
    send = [];
    for (const item of items) {
      const place = found.get(item.messageId);
      if (place) {
        placed.set(item.messageId, place);
        if (present.has(item.uid)) copiedOnly.push(item);
      } else if (present.has(item.uid)) {
        send.push(item);
      }
    }
  }
  for (const [id, place] of await moveItems(pass, send, to)) placed.set(id, place);
  for (const part of uidChunks(copiedOnly, (i) => i.uid, imapLimits.uidSetChars)) {
    // STORE +FLAGS (\Deleted), then an expunge of exactly these UIDs (deleteExactly: other clients' \Deleted mail stays).
    if (!(await deleteExactly(pass.connection, part.map((i) => i.uid)))) {
      throw refused(pass, `remove the messages already copied to ${to.path} from ${from.path}`);
    }
  }
  // The new UIDs the server did not tell (no UIDPLUS): looked up in the target, so the rows need no
  // re-matching and actions made on these messages meanwhile (WaitingOn) learn where they are. Every one,
  // not only those waited on now: an action may come while this lookup runs (the completion that follows
  // it has no await, so none can come after).
  const unknown = items.filter((i) => !placed.has(i.messageId));
  if (unknown.length > 0 && target) {
    for (const [id, place] of await findMovedInTarget(connection, db, to.path, target, unknown)) placed.set(id, place);
  }
  // Rows still waiting in the target get their UID now; the others are re-matched by the target's next sync.
  const stillLinked = new Set(operationMessageIds(db, op.id));
  writeTransaction(db, (changes) => {
    for (const [id, place] of placed) if (stillLinked.has(id)) setMovedUid(db, changes, pass.account.id, to.folderId, id, place);
  });
  if (vanished.length > 0) throw new Gone(placed, vanished, to);
  return placed;
}

async function replayMove(pass: ImapPass, op: QueuedOperation, payload: MovePayload): Promise<PlacedInTarget> {
  if (waitsOnAnother(payload)) throw new NotYet();
  return moveOrTrash(pass, op, sourceOf(payload), payload.items, payload.to);
}

async function replayDelete(pass: ImapPass, op: QueuedOperation, payload: DeletePayload): Promise<PlacedInTarget> {
  if (waitsOnAnother(payload)) throw new NotYet();
  return moveOrTrash(pass, op, sourceOf(payload), payload.items, payload.trash);
}

/** \Deleted + UID EXPUNGE of exactly the operation's UIDs; the hidden rows go once the server confirms. */
async function replayExpunge(pass: ImapPass, payload: ExpungePayload): Promise<void> {
  if (waitsOnAnother(payload)) throw new NotYet();
  const from = sourceOf(payload);
  await selectForWrite(pass, from);
  const { db } = pass;
  for (const part of uidChunks(payload.items, (i) => i.uid, imapLimits.uidSetChars)) {
    // STORE +FLAGS (\Deleted), then an expunge of exactly these UIDs (deleteExactly: other clients' \Deleted mail stays).
    if (!(await deleteExactly(pass.connection, part.map((i) => i.uid)))) {
      throw refused(pass, 'delete the messages');
    }
  }
  // The rows were hidden (deleted_locally = 1) while waiting: now they go.
  writeTransaction(db, (changes) => {
    const row = prepare<[number], { folder_id: number; deleted_locally: number }>(db, 'SELECT folder_id, deleted_locally FROM messages WHERE id = ?');
    const remove = prepare<[number]>(db, 'DELETE FROM messages WHERE id = ?');
    const gone: number[] = [];
    for (const item of payload.items) {
      const current = row.get(item.messageId);
      if (!current || current.deleted_locally !== 1) continue;
      remove.run(item.messageId);
      changes.message(pass.account.id, current.folder_id, item.messageId);
      gone.push(item.messageId);
    }
    forgetMessages(db, gone);
  });
}
