import { HomingError } from '../../../shared/errors';
import type { WriteDb } from '../../store/db';
import type { DeletePayload, ExpungePayload, FolderRef, MovePayload, ServerPlace, WaitingOn } from '../../store/operation-kinds';
import { findFolderById } from '../../store/folders';
import { copyMessageRow } from '../../store/message-copy';
import { holdingOperation, pathWithin, queuedAppendOf, queuedFolderOperations, queueOperation, takeMessageOut, updatePayload } from '../../store/operation-queue';
import type { ChangeRecorder } from '../../store/write-transaction';
import { applyMarks, applyTags, currentFlags, type MarkedRows } from '../actions/mark-rows';
import { hideRow, placeRow, placeRows, rehomeRow, removeRows } from '../actions/row-changes';
import type { ActionPlanner, ActionRow, PlanContext } from '../engine';
import { discardImapOperation } from './imap-discard';
import { imapFolders } from './imap-folders';

/**
 * How the IMAP engine plans the user's actions: the rows change at once, and the server follows through
 * queued operations that ops/replay-pending.ts replays (invariant 8: each exactly once, in order).
 *
 * A row moved locally has no UID until the server confirms; a later action on it takes over the queued
 * operation that moved it (so "move to A, then to B" reaches the server as one move to B), unless that
 * operation was already sent: then the new one waits for it (WaitingOn).
 */
export const imapActions: ActionPlanner = {
  mark(plan, rows, want) {
    return queueFlagChange(plan, applyMarks(plan.db, plan.changes, rows, want));
  },

  tag(plan, rows, change) {
    return queueFlagChange(plan, applyTags(plan.db, plan.changes, rows, change));
  },

  /** To the account's Trash (made on the server when it has none): the row moves there at once, the server follows like a move. */
  delete(plan, rows) {
    const { db, changes } = plan;
    const trash = imapFolders.special(plan, 'trash');
    const bin: FolderRef = { folderId: trash.id, path: trash.path };
    const trashOps = new OpBuilder<DeletePayload>();
    const unplaced: ActionRow[] = [];
    for (const row of rows) {
      if (row.folderId === bin.folderId || redirectUpload(plan, row, bin)) continue;
      const copy = takeServerCopy(db, changes, row);
      if (copy?.waitOn) {
        // Once the sent operation is done the message is in Trash already (it places the row), or is moved there after it.
        unplaced.push(row);
        if (copy.waitOn.at.folderId !== bin.folderId) trashOps.addWaiting('trash', copy, (after) => ({ from: null, trash: bin, items: [], after }), row.id);
        continue;
      }
      if (copy && copy.from.folderId === bin.folderId) placeRow(db, changes, row, bin.folderId, { uidvalidity: copy.from.uidvalidity, uid: copy.uid });
      else unplaced.push(row);
      if (copy && copy.from.folderId !== bin.folderId) trashOps.add(`${copy.from.folderId}:${copy.from.uidvalidity}`, () => ({ from: copy.from, trash: bin, items: [] }), { messageId: row.id, uid: copy.uid });
    }
    placeRows(db, changes, unplaced, bin.folderId);
    return trashOps.queue(plan, 'delete') > 0;
  },

  /** For good: \Deleted + UID EXPUNGE; the row is hidden until the server confirms (one the server never had just goes). */
  deleteForGood(plan, rows) {
    const { db, changes } = plan;
    const expunges = new OpBuilder<ExpungePayload>();
    const gone: ActionRow[] = [];
    for (const row of rows) {
      refuseInTransit(plan, row);
      const copy = takeServerCopy(db, changes, row);
      if (!copy) {
        gone.push(row);
        continue;
      }
      hideRow(db, changes, row);
      planExpunge(expunges, row, copy);
    }
    removeRows(db, changes, gone);
    return expunges.queue(plan, 'expunge') > 0;
  },

  /** The row moves at once (UID unknown until the server's COPYUID) and a move is queued. */
  move(plan, rows, target) {
    const { db, changes } = plan;
    const moves = new OpBuilder<MovePayload>();
    const to: FolderRef = { folderId: target.id, path: target.path };
    const unplaced: ActionRow[] = [];
    for (const row of rows) {
      if (row.folderId === target.id || redirectUpload(plan, row, to)) continue;
      const copy = takeServerCopy(db, changes, row);
      if (copy?.waitOn) {
        unplaced.push(row);
        if (copy.waitOn.at.folderId !== target.id) moves.addWaiting(`${target.id}`, copy, (after) => ({ from: null, to, items: [], after }), row.id);
        continue;
      }
      if (copy && copy.from.folderId === target.id) placeRow(db, changes, row, target.id, { uidvalidity: copy.from.uidvalidity, uid: copy.uid });
      else unplaced.push(row);
      if (copy && copy.from.folderId !== target.id) moves.add(`${copy.from.folderId}:${copy.from.uidvalidity}`, () => ({ from: copy.from, to, items: [] }), { messageId: row.id, uid: copy.uid });
    }
    // One UPDATE for the rows that wait for the server's UID: one per row cost ~0.3 ms each (the
    // folder-count trigger's statement journal), 0.5 s of CPU for a 10k sync whose rules move 1,829 messages.
    placeRows(db, changes, unplaced, target.id);
    return moves.queue(plan, 'move') > 0;
  },

  /**
   * Mail from another account is uploaded (APPEND, one operation per message, its exact stored bytes and
   * flags): the row becomes this account's at once, in `target` with no UID until the server gives one.
   */
  receive(plan, rows, target) {
    if (rows.some((row) => row.bodyStatus !== 'full')) {
      throw new HomingError('INVALID_ARGUMENT', 'Only messages downloaded in full can be moved to another account: open the message first.');
    }
    const uploads = new Map<number, number>();
    for (const row of rows) {
      const flags = currentFlags(plan.db, row.id);
      rehomeRow(plan.db, plan.changes, row, { accountId: target.accountId, id: target.id });
      const opId = queueOperation(
        plan.db,
        plan.changes,
        plan.account.id,
        { kind: 'append', payload: { messageId: row.id, to: { folderId: target.id, path: target.path }, flags, origin: { accountId: row.accountId, folderId: row.folderId } } },
        [row.id],
      );
      uploads.set(row.id, opId);
    }
    return { queued: uploads.size > 0, uploads };
  },

  /**
   * The message now lives in another account: the server's copy is expunged, once the other account's
   * upload of it (if it has one) has reached its server.
   */
  release(plan, rows, uploads) {
    const expunges = new OpBuilder<ExpungePayload>();
    for (const row of rows) {
      refuseInTransit(plan, row);
      const copy = takeServerCopy(plan.db, plan.changes, row);
      if (copy) planExpunge(expunges, row, copy, uploads.get(row.id));
    }
    return expunges.queue(plan, 'expunge') > 0;
  },

  /**
   * The copy row exists at once (no UID) and a UID COPY is queued from where the server has the original;
   * the replay gives the copy the UID the server tells (COPYUID), or finds it in the target. A message
   * whose place on the server waits for an earlier action of its own (a move not yet replayed) cannot be
   * copied before that action reaches the server: refused, nothing changed.
   */
  copy(plan, rows, target) {
    const to: FolderRef = { folderId: target.id, path: target.path };
    const copies = new Map<string, { from: ServerPlace; items: Array<{ messageId: number; uid: number; copyId: number }> }>();
    const copyIds: number[] = [];
    for (const row of rows) {
      if (row.folderId === target.id) continue;
      if (row.uid === null || row.uidvalidity === null) {
        throw new HomingError('INVALID_ARGUMENT', 'This message is waiting for an earlier change to reach the server, so it cannot be copied yet; copy it before moving it.');
      }
      const copyId = copyMessageRow(plan.db, plan.changes, row, target.id);
      copyIds.push(copyId);
      const key = `${row.folderId}:${row.uidvalidity}`;
      const group = copies.get(key) ?? { from: { folderId: row.folderId, path: row.folderPath, uidvalidity: row.uidvalidity }, items: [] };
      group.items.push({ messageId: row.id, uid: row.uid, copyId });
      copies.set(key, group);
    }
    for (const { from, items } of copies.values()) {
      queueOperation(plan.db, plan.changes, plan.account.id, { kind: 'copy', payload: { from, to, items } }, items.map((i) => i.copyId));
    }
    return { copyIds, queued: copies.size > 0 };
  },

  /** The server's copy follows the user's actions: a rule has no separate word on it. */
  keepOnServer: () => undefined,

  /** What IMAP stores of a body is the offline scope's word, not a rule's. */
  downloadLater: () => undefined,

  discard: (plan, op) => discardImapOperation(plan, op),
};

/**
 * A message moved in from another account whose upload has not gone out yet is uploaded straight to its
 * new folder instead (the same as uploading it and moving it after). One whose upload is under way
 * cannot be moved until the server has it (MESSAGE_IN_TRANSIT). False when the row waits for no upload.
 */
function redirectUpload(plan: PlanContext, row: ActionRow, to: FolderRef): boolean {
  const upload = queuedAppendOf(plan.db, row.id);
  if (!upload || upload.accountId !== plan.account.id) return false;
  if (upload.sent !== null) throw inTransit();
  updatePayload(plan.db, upload.id, { kind: 'append', payload: { ...upload.payload, to } });
  placeRow(plan.db, plan.changes, row, to.folderId, null);
  return true;
}

/** Deleting for good, or moving on to a third account, waits until the upload that brought the message here is done. */
function refuseInTransit(plan: PlanContext, row: ActionRow): void {
  const upload = queuedAppendOf(plan.db, row.id);
  if (upload && upload.accountId === plan.account.id) throw inTransit();
}

const inTransit = () =>
  new HomingError('MESSAGE_IN_TRANSIT', 'This message is still being copied to this account’s server; try again once it is there (after the next sync).');

/** `requires`: an operation (another account's upload) that must reach its server before this expunge. */
function planExpunge(expunges: OpBuilder<ExpungePayload>, row: ActionRow, copy: ServerCopy, requires?: number): void {
  if (copy.waitOn) {
    expunges.addWaiting(`expunge:${requires ?? ''}`, copy, (after) => ({ from: null, items: [], after }), row.id, requires);
    return;
  }
  expunges.add(`${copy.from.folderId}:${copy.from.uidvalidity}:${requires ?? ''}`, () => ({ from: copy.from, items: [] }), { messageId: row.id, uid: copy.uid }, requires);
}

/**
 * Where the server has a message, and its UID there — or, while a move or delete of it that was already
 * sent has not finished, which operation will say so (`waitOn`) and the folder it puts the message in.
 */
type ServerCopy = { from: ServerPlace; uid: number; waitOn?: undefined } | { waitOn: Omit<WaitingOn, 'messageIds'> };

/**
 * Where the server still has this message. A placed row knows it (its folder, UIDVALIDITY and UID). A row
 * moved locally (UID NULL) learns it from the move or delete that moved it, which is taken over by the
 * new action: the message is removed from that operation (the operation goes when it holds no message).
 * An operation already sent is not taken over (the server may have carried it out: replayed from the old
 * place it would do nothing, and the new action would be lost); the new action waits for it instead
 * (WaitingOn). Null when unknown (a moved row waiting to be re-matched after a server without UIDPLUS, a
 * damaged operation): then the action stays local.
 */
function takeServerCopy(db: WriteDb, changes: ChangeRecorder, row: ActionRow): ServerCopy | null {
  if (row.uid !== null && row.uidvalidity !== null) {
    return { from: { folderId: row.folderId, path: row.folderPath, uidvalidity: row.uidvalidity }, uid: row.uid };
  }
  const op = holdingOperation(db, row.id);
  // An operation of another account (the expunge of the copy a move across accounts left behind) says nothing of this server.
  if (!op || op.accountId !== row.accountId || (op.kind !== 'move' && op.kind !== 'delete' && op.kind !== 'expunge')) return null;
  if (op.sent !== null && op.state === 'queued') {
    // Sent, not known to have finished: left as it is (it still holds the row); the new action waits for it.
    const at = op.kind === 'move' ? op.payload.to : op.kind === 'delete' ? op.payload.trash : null;
    return at ? { waitOn: { opId: op.id, at } } : null;
  }
  const waiting = op.payload.after?.messageIds.includes(row.id) ? op.payload.after : undefined;
  const item = op.payload.items.find((i) => i.messageId === row.id);
  if (!waiting && (!item || !op.payload.from)) return null;
  if (!waiting && op.kind !== 'expunge' && sourceChangesAfter(db, op.accountId, op.id, op.payload.from!)) {
    // A rename or delete of its source folder is queued after it: an operation taking it over would be
    // queued after that too and find the folder gone (a folder deleted here had its mail sent to Trash
    // first). It goes out as it is; the new action waits for it, like for a sent one.
    return { waitOn: { opId: op.id, at: op.kind === 'move' ? op.payload.to : op.payload.trash } };
  }
  takeMessageOut(db, op, row.id);
  changes.message(row.accountId, row.folderId, row.id);
  if (waiting) return { waitOn: { opId: waiting.opId, at: waiting.at } };
  return { from: op.payload.from!, uid: item!.uid };
}

/** Whether a folder operation queued after `opId` renames or deletes the folder (or a parent of it) the operation takes mail from. */
function sourceChangesAfter(db: WriteDb, accountId: string, opId: number, from: ServerPlace): boolean {
  const delimiter = findFolderById(db, from.folderId)?.delimiter ?? null;
  return queuedFolderOperations(db, accountId).some(
    (f) =>
      f.id > opId &&
      ((f.kind === 'folder-rename' && (f.payload.folderId === from.folderId || pathWithin(from.path, f.payload.from, delimiter))) ||
        (f.kind === 'folder-delete' && (f.payload.folderId === from.folderId || pathWithin(from.path, f.payload.path, delimiter)))),
  );
}

type Batched = MovePayload | DeletePayload | ExpungePayload;

/** Operations being built in this transaction, one per source folder (and target). */
class OpBuilder<P extends Batched> {
  private readonly ops = new Map<string, { payload: P; messageIds: number[]; requires?: number }>();

  add(key: string, make: () => P, item: { messageId: number; uid: number }, requires?: number): void {
    const op = this.get(key, make, requires);
    op.payload.items.push(item);
    op.messageIds.push(item.messageId);
  }

  /** A message whose server place the sent operation `copy.waitOn` will tell: one operation per (that operation, kind). */
  addWaiting(key: string, copy: ServerCopy & { waitOn: object }, make: (after: WaitingOn) => P, messageId: number, requires?: number): void {
    const { opId, at } = copy.waitOn;
    const op = this.get(`after:${opId}:${key}`, () => make({ opId, at, messageIds: [] }), requires);
    op.payload.after!.messageIds.push(messageId);
    op.messageIds.push(messageId);
  }

  private get(key: string, make: () => P, requires?: number) {
    let op = this.ops.get(key);
    if (!op) {
      op = { payload: make(), messageIds: [], ...(requires !== undefined ? { requires } : {}) };
      this.ops.set(key, op);
    }
    return op;
  }

  /** Queues what was built; returns how many operations. */
  queue(plan: PlanContext, kind: P extends MovePayload ? 'move' : P extends DeletePayload ? 'delete' : 'expunge'): number {
    for (const op of this.ops.values()) {
      queueOperation(
        plan.db,
        plan.changes,
        plan.account.id,
        { kind, payload: op.payload } as Parameters<typeof queueOperation>[3],
        op.messageIds,
        op.requires !== undefined ? { requires: op.requires } : {},
      );
    }
    return this.ops.size;
  }
}

/** Marks and tags both reach the server as one flags operation carrying each row's earlier state. */
function queueFlagChange(plan: PlanContext, marked: MarkedRows): boolean {
  if (marked.changed.length === 0) return false;
  queueOperation(
    plan.db,
    plan.changes,
    plan.account.id,
    { kind: 'flags', payload: { add: marked.add, remove: marked.remove, before: marked.before } },
    marked.changed.map((r) => r.id),
  );
  return true;
}
