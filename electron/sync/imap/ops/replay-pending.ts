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
import { chunks, uidSet } from '../../../protocols/imap/uid-set';
import { rollBackMarks } from '../../actions/mark-rows';
import { findMovedInTarget, presentUids, targetState, type TargetPlace } from './find-moved';
import { OperationChanged } from './operation-changed';
import { rollBackFolderOperation } from '../imap-folder-rollback';
import { replayAppend } from './replay-append';
import { replayCopy } from './replay-copy';
import { replayFolderOperation } from './replay-folders';
import { selectFolder } from './select-folder';

/** Codes that mean "the server said no to this operation" (as opposed to "the server could not be asked"). */
const REFUSALS = new Set(['SERVER_ERROR', 'OPERATION_REFUSED', 'NOT_FOUND', 'INVALID_ARGUMENT']);

export interface ReplayResult {
  replayed: number;
  refused: number;
}

/**
 * Replays the account's queued operations in the order they were made. One the server refuses is marked
 * `refused` with its reason (the user sees it and may discard it); a connection failure stops the replay
 * with the operation still queued, to be retried on the next pass.
 */
export async function replayPending(pass: ImapPass): Promise<ReplayResult> {
  const { db } = pass;
  const ops = listQueuedOperations(db, pass.account.id);
  const result: ReplayResult = { replayed: 0, refused: 0 };
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
        continue;
      }
    }
    // Later operations of the same change on the same folder go with this one as one command (rules
    // queue one per action per stored batch); a batch that fails is left to the one-by-one path below.
    let again: StoredOperation | null = null;
    const batch = batchWith(pass, read, ops.slice(index + 1), waitingFlags);
    if (batch.length > 1) {
      const done = await replayBatch(pass, batch);
      if (done !== null) {
        result.replayed += done.replayed;
        result.refused += done.refused;
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

/** Where the server now has the messages a move put in its target folder, by message row (for the rows and WaitingOn). */
export type PlacedInTarget = Map<number, TargetPlace>;

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

/** A refused command: imapflow answers false and keeps the server's words for us (imap-connection.ts). */
function refused(pass: ImapPass, what: string): HomingError {
  const error = pass.connection.takeCommandError();
  return new HomingError('OPERATION_REFUSED', `The server refused to ${what}${error ? `: ${error.message}` : '.'}`, error?.detail);
}

/** Selects the folder for writing, refusing when it was recreated since the operation was made. */
async function selectForWrite(pass: ImapPass, place: { path: string; uidvalidity: number }): Promise<void> {
  const selected = await selectFolder(pass.connection, place.path, { readOnly: false });
  if (selected.uidvalidity !== place.uidvalidity) {
    throw new HomingError(
      'OPERATION_REFUSED',
      `The folder ${place.path} was recreated on the server (its UIDVALIDITY changed), so this change could not be applied there.`,
      { path: place.path, expected: place.uidvalidity, found: selected.uidvalidity },
    );
  }
}

interface Placed {
  messageId: number;
  folderId: number;
  path: string;
  uidvalidity: number | null;
  uid: number | null;
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
  for (const group of groups.values()) {
    await selectForWrite(pass, group);
    for (const part of chunks(group.items, imapLimits.uidsPerCommand)) {
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
}

/** This operation cannot be replayed before a later sync step; it stays queued (not counted as a failure). */
class NotYet extends Error {}

/**
 * MOVE (RFC 6851) when offered; imapflow falls back to COPY + STORE \Deleted + (UID) EXPUNGE. Returns the
 * new UIDs the server told (COPYUID, UIDPLUS RFC 4315 section 3).
 */
async function moveItems(pass: ImapPass, items: OpItem[], to: { path: string }): Promise<PlacedInTarget> {
  const placed: PlacedInTarget = new Map();
  for (const part of chunks(items, imapLimits.uidsPerCommand)) {
    const result = await pass.connection.client.messageMove(uidSet(part.map((i) => i.uid)), to.path, { uid: true });
    if (!result) throw refused(pass, `move the messages to ${to.path}`);
    const { uidMap, uidValidity } = result;
    // Only from a server that says it has UIDPLUS: extension data is trusted when the extension is advertised.
    if (!uidMap || uidValidity === undefined || !pass.connection.has('UIDPLUS')) continue;
    for (const item of part) {
      const uid = uidMap.get(item.uid);
      if (uid !== undefined) placed.set(item.messageId, { uidvalidity: Number(uidValidity), uid });
    }
  }
  return placed;
}

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
    for (const part of chunks(items, imapLimits.uidsPerCommand)) {
      for (const uid of await presentUids(connection, uidSet(part.map((i) => i.uid)))) present.add(uid);
    }
    send = items.filter((i) => present.has(i.uid));
    vanished = items.filter((i) => !present.has(i.uid));
  } else {
    const found = target ? await findMovedInTarget(connection, db, to.path, target, items) : new Map<number, TargetPlace>();
    await selectForWrite(pass, from);
    const present = new Set<number>();
    for (const part of chunks(items, imapLimits.uidsPerCommand)) {
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
  for (const part of chunks(copiedOnly, imapLimits.uidsPerCommand)) {
    // STORE +FLAGS.SILENT (\Deleted), then UID EXPUNGE (UIDPLUS) of exactly these UIDs — or EXPUNGE without UIDPLUS, as imapflow's own MOVE fallback does.
    if (!(await connection.client.messageDelete(uidSet(part.map((i) => i.uid)), { uid: true }))) {
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

/**
 * Some messages of a move were no longer in its source when it was replayed: deleted on the server
 * meanwhile. The rest were moved (`placed`).
 */
class Gone extends Error {
  constructor(
    readonly placed: PlacedInTarget,
    readonly items: OpItem[],
    readonly to: { folderId: number; path: string },
  ) {
    super('gone');
  }
}

/**
 * After a Gone: the moved messages are done with as usual; the rows of the vanished ones go (the server
 * no longer has them, so neither do we), and the operation is kept as refused with MESSAGE_GONE so the
 * user learns why they disappeared.
 */
function settleGone(pass: ImapPass, op: QueuedOperation, gone: Gone): void {
  const { db } = pass;
  writeTransaction(db, (changes) => {
    resolveFollowers(db, changes, op.id, gone.placed);
    const ids = gone.items.map((i) => i.messageId);
    unlinkMessages(
      db,
      op.id,
      operationMessageIds(db, op.id).filter((id) => !ids.includes(id)),
    );
    const row = prepare<[number], { folder_id: number; uid: number | null }>(db, 'SELECT folder_id, uid FROM messages WHERE id = ?');
    const removed: number[] = [];
    for (const id of ids) {
      const current = row.get(id);
      if (!current || current.uid !== null || current.folder_id !== gone.to.folderId) continue;
      prepare<[number]>(db, 'DELETE FROM messages WHERE id = ?').run(id);
      changes.message(pass.account.id, current.folder_id, id);
      removed.push(id);
    }
    forgetMessages(db, removed);
    refuseOperation(db, changes, op.id, {
      code: 'MESSAGE_GONE',
      message: `${ids.length === 1 ? 'A message was' : `${ids.length} messages were`} deleted on the server meanwhile, so ${ids.length === 1 ? 'it' : 'they'} could not be moved to ${gone.to.path}.`,
    });
  });
}

/** Waits for an earlier, sent operation to say where the server has these messages (WaitingOn). */
function waitsOnAnother(payload: MovePayload | DeletePayload | ExpungePayload): boolean {
  return (payload.after?.messageIds.length ?? 0) > 0;
}

/** The source place every item is at: only null while all of them wait on another operation (`after`). */
function sourceOf(payload: MovePayload | DeletePayload | ExpungePayload): ServerPlace {
  if (!payload.from) throw new HomingError('OPERATION_DAMAGED', 'This change names no folder to act on, so it cannot be replayed.');
  return payload.from;
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
  for (const part of chunks(payload.items, imapLimits.uidsPerCommand)) {
    // STORE +FLAGS.SILENT (\Deleted), then UID EXPUNGE (UIDPLUS) of exactly these UIDs — or EXPUNGE where the server lacks UIDPLUS.
    if (!(await pass.connection.client.messageDelete(uidSet(part.map((i) => i.uid)), { uid: true }))) {
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

// ——— Batches ————————————————————————————————————————————————————————————————————————————————

/**
 * What makes operations one command: the same kind, the same source folder and the same target (a move
 * or delete not sent yet and waiting on nothing), or the same flags set and cleared. Null: alone.
 */
function batchKey(op: QueuedOperation): string | null {
  if (op.requires !== null) return null;
  switch (op.kind) {
    case 'flags':
      return JSON.stringify(['flags', op.payload.add, op.payload.remove]);
    case 'move':
    case 'delete': {
      if (op.sent !== null || waitsOnAnother(op.payload) || !op.payload.from) return null;
      const to = op.kind === 'move' ? op.payload.to : op.payload.trash;
      const { from } = op.payload;
      return JSON.stringify([op.kind, from.folderId, from.uidvalidity, from.path, to.folderId, to.path]);
    }
    default:
      return null;
  }
}

/** Every message the flag change names has a UID (none waits for a move's new UID) and none waits this round. */
function flagsPlaced(pass: ImapPass, ids: number[], waitingFlags: ReadonlySet<number>): boolean {
  const uid = prepare<[number], { uid: number | null; uidvalidity: number | null }>(pass.db, 'SELECT uid, uidvalidity FROM messages WHERE id = ?');
  return ids.every((id) => {
    if (waitingFlags.has(id)) return false;
    const row = uid.get(id);
    return row !== undefined && row.uid !== null && row.uidvalidity !== null;
  });
}

/**
 * The operation and the later ones that can go with it as one command. A later one joins when it has the
 * same key and no operation between the two (left for later) names any of its messages: operations on
 * other messages commute, so each message still sees its changes in the order they were made. The scan
 * stops at any kind other than a flag change, move or delete (folder operations, uploads, expunges keep
 * their place).
 */
function batchWith(pass: ImapPass, first: QueuedOperation, later: StoredOperation[], waitingFlags: ReadonlySet<number>): QueuedOperation[] {
  const key = batchKey(first);
  if (key === null) return [first];
  if (first.kind === 'flags' && !flagsPlaced(pass, operationMessageIds(pass.db, first.id), waitingFlags)) return [first];
  const batch: QueuedOperation[] = [first];
  const passedOver = new Set<number>();
  for (const listed of later) {
    const op = findOperation(pass.db, listed.id);
    if (!op || op.state !== 'queued') continue;
    if (op.kind !== 'flags' && op.kind !== 'move' && op.kind !== 'delete') break;
    const ids = operationMessageIds(pass.db, op.id);
    const joins =
      batchKey(op) === key && ids.every((id) => !passedOver.has(id)) && (op.kind !== 'flags' || flagsPlaced(pass, ids, waitingFlags));
    if (joins) batch.push(op);
    else for (const id of ids) passedOver.add(id);
    if (op.kind === 'move' || op.kind === 'delete') for (const item of op.payload.items) passedOver.add(item.messageId);
  }
  return batch;
}

/**
 * Replays a batch as one command per folder (and per `uidsPerCommand` UIDs), and commits the completion
 * of all its operations in one transaction. Null when the batch failed before any completion was
 * committed: the caller replays its operations one by one, which is always safe (a flag change is
 * idempotent; a move was marked sent, so its own replay looks in the target before sending again) and
 * gives a refusal to exactly the operation the server refuses, with its own rows rolled back.
 */
async function replayBatch(pass: ImapPass, batch: QueuedOperation[]): Promise<ReplayResult | null> {
  try {
    const first = batch[0]!;
    return first.kind === 'flags' ? await replayFlagsBatch(pass, batch, first.payload) : await replayMoveBatch(pass, batch);
  } catch (error) {
    if (error instanceof OperationChanged) return null;
    // A connection failure is met again by the first operation alone, which counts the attempt.
    pass.connection.takeCommandError();
    return null;
  }
}

async function replayFlagsBatch(pass: ImapPass, batch: QueuedOperation[], payload: FlagsPayload): Promise<ReplayResult> {
  const { db } = pass;
  const find = prepare<[number], Placed & { delimiter: string | null }>(
    db,
    `SELECT m.id AS messageId, m.folder_id AS folderId, f.path, f.delimiter, m.uidvalidity, m.uid FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?`,
  );
  const groups = new Map<string, { path: string; uidvalidity: number; uids: Set<number> }>();
  const named = new Map<number, Placed[]>();
  for (const op of batch) {
    const rows: Placed[] = [];
    for (const id of operationMessageIds(db, op.id)) {
      const row = find.get(id);
      if (!row || row.uid === null || row.uidvalidity === null) continue;
      rows.push(row);
      const key = `${row.folderId}:${row.uidvalidity}`;
      // Every operation of the batch has the same renames queued after it (the batch stops at folder operations).
      const group = groups.get(key) ?? { path: serverPathAt(db, pass.account.id, row.path, row.delimiter, op.id), uidvalidity: row.uidvalidity, uids: new Set<number>() };
      group.uids.add(row.uid);
      groups.set(key, group);
    }
    named.set(op.id, rows);
  }
  for (const group of groups.values()) {
    await selectForWrite(pass, group);
    for (const part of chunks([...group.uids], imapLimits.uidsPerCommand)) {
      const set = uidSet(part);
      if (payload.add.length > 0 && !(await pass.connection.client.messageFlagsAdd(set, payload.add, { uid: true }))) {
        throw refused(pass, `set ${payload.add.join(' ')}`);
      }
      if (payload.remove.length > 0 && !(await pass.connection.client.messageFlagsRemove(set, payload.remove, { uid: true }))) {
        throw refused(pass, `clear ${payload.remove.join(' ')}`);
      }
    }
  }
  const freed = writeTransaction(db, (changes) => {
    const waiting: string[] = [];
    for (const op of batch) {
      const rows = named.get(op.id) ?? [];
      unlinkMessages(db, op.id, rows.map((p) => p.messageId));
      for (const p of rows) changes.message(pass.account.id, p.folderId, p.messageId);
      waiting.push(...operationsRequiring(db, op.id).map((o) => o.accountId));
      resolveFollowers(db, changes, op.id, new Map());
      completeOperation(db, changes, op.id);
    }
    return waiting;
  });
  if (freed.length > 0) pass.engine.released?.(freed);
  return { replayed: batch.length, refused: 0 };
}

/**
 * Moves (or deletes to Trash) of one source to one target, not sent yet: marked sent together (each only
 * if unchanged since read; a changed one is left out and read again later), one UID MOVE per
 * `uidsPerCommand` UIDs, completed together.
 */
async function replayMoveBatch(pass: ImapPass, read: QueuedOperation[]): Promise<ReplayResult> {
  const { db, connection } = pass;
  const first = read[0]!;
  if (first.kind !== 'move' && first.kind !== 'delete') throw new Error('not a move batch');
  const from = sourceOf(first.payload);
  const to = first.kind === 'move' ? first.payload.to : first.payload.trash;
  if (!findFolderById(db, to.folderId)) throw new OperationChanged(); // refused one by one
  const itemsOf = (op: QueuedOperation): OpItem[] => (op.kind === 'move' || op.kind === 'delete' ? op.payload.items : []);
  const target = await targetState(connection, to.path);
  const batch = writeTransaction(db, () => read.filter((op) => markSentAsRead(db, op, target)));
  if (batch.length === 0) throw new OperationChanged();
  await selectForWrite(pass, from);
  const all = batch.flatMap(itemsOf);
  const present = new Set<number>();
  for (const part of chunks(all, imapLimits.uidsPerCommand)) {
    for (const uid of await presentUids(connection, uidSet(part.map((i) => i.uid)))) present.add(uid);
  }
  const placed = await moveItems(pass, all.filter((i) => present.has(i.uid)), to);
  // The new UIDs the server did not tell (no UIDPLUS): looked up in the target, as for one operation.
  const unknown = all.filter((i) => present.has(i.uid) && !placed.has(i.messageId));
  if (unknown.length > 0 && target) {
    for (const [id, place] of await findMovedInTarget(connection, db, to.path, target, unknown)) placed.set(id, place);
  }
  const result: ReplayResult = { replayed: 0, refused: 0 };
  const gone: Array<{ op: QueuedOperation; error: Gone }> = [];
  const freed = writeTransaction(db, (changes) => {
    const waiting: string[] = [];
    for (const op of batch) {
      const mine: PlacedInTarget = new Map();
      for (const item of itemsOf(op)) {
        const place = placed.get(item.messageId);
        if (place) mine.set(item.messageId, place);
      }
      const stillLinked = new Set(operationMessageIds(db, op.id));
      for (const [id, place] of mine) if (stillLinked.has(id)) setMovedUid(db, changes, pass.account.id, to.folderId, id, place);
      const vanished = itemsOf(op).filter((i) => !present.has(i.uid));
      if (vanished.length > 0) {
        gone.push({ op, error: new Gone(mine, vanished, to) });
        continue;
      }
      waiting.push(...operationsRequiring(db, op.id).map((o) => o.accountId));
      resolveFollowers(db, changes, op.id, mine);
      completeOperation(db, changes, op.id);
      result.replayed++;
    }
    return waiting;
  });
  for (const { op, error } of gone) {
    settleGone(pass, op, error);
    result.refused++;
  }
  if (freed.length > 0) pass.engine.released?.(freed);
  return result;
}
