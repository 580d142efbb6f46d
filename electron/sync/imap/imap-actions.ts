import { HomingError } from '../../../shared/errors';
import { prepare, type WriteDb } from '../../store/db';
import type { FolderRow } from '../../store/folders';
import type { DeletePayload, ExpungePayload, FolderRef, MovePayload, ServerPlace, WaitingOn } from '../../store/operation-kinds';
import { holdingOperation, queueOperation, takeMessageOut } from '../../store/operation-queue';
import type { ChangeRecorder } from '../../store/write-transaction';
import { applyMarks } from '../actions/mark-rows';
import { hideRow, placeRow, removeRows } from '../actions/row-changes';
import type { ActionPlanner, ActionRow, PlanContext } from '../engine';
import { discardImapOperation } from './imap-discard';

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
    const marked = applyMarks(plan.db, plan.changes, rows, want);
    if (marked.changed.length === 0) return false;
    queueOperation(
      plan.db,
      plan.changes,
      plan.account.id,
      { kind: 'flags', payload: { add: marked.add, remove: marked.remove, before: marked.before } },
      marked.changed.map((r) => r.id),
    );
    return true;
  },

  /** To the account's Trash (the row moves there at once), or — no Trash, or already in Trash — for good (\Deleted + UID EXPUNGE; the row is hidden until the server confirms). */
  delete(plan, rows) {
    const { db, changes } = plan;
    const bin = trashFolder(db, plan.account.id);
    const trashOps = new OpBuilder<DeletePayload>();
    const expunges = new OpBuilder<ExpungePayload>();
    const gone: ActionRow[] = [];
    for (const row of rows) {
      const copy = takeServerCopy(db, changes, row);
      if (bin && row.folderId !== bin.folderId) {
        if (copy?.waitOn) {
          // Once the sent operation is done the message is in Trash already (it places the row), or is moved there after it.
          placeRow(db, changes, row, bin.folderId, null);
          if (copy.waitOn.at.folderId !== bin.folderId) trashOps.addWaiting('trash', copy, (after) => ({ from: null, trash: bin, items: [], after }), row.id);
          continue;
        }
        const backInTrash = copy && copy.from.folderId === bin.folderId;
        placeRow(db, changes, row, bin.folderId, backInTrash ? { uidvalidity: copy.from.uidvalidity, uid: copy.uid } : null);
        if (copy && !backInTrash) trashOps.add(`${copy.from.folderId}:${copy.from.uidvalidity}`, () => ({ from: copy.from, trash: bin, items: [] }), { messageId: row.id, uid: copy.uid });
        continue;
      }
      if (!copy) {
        gone.push(row);
        continue;
      }
      hideRow(db, changes, row);
      planExpunge(expunges, row, copy);
    }
    removeRows(db, changes, gone);
    const queued = trashOps.queue(plan, 'delete') + expunges.queue(plan, 'expunge');
    return queued > 0;
  },

  /** The row moves at once (UID unknown until the server's COPYUID) and a move is queued. */
  move(plan, rows, target) {
    const { db, changes } = plan;
    const moves = new OpBuilder<MovePayload>();
    const to: FolderRef = { folderId: target.id, path: target.path };
    for (const row of rows) {
      if (row.folderId === target.id) continue;
      const copy = takeServerCopy(db, changes, row);
      if (copy?.waitOn) {
        placeRow(db, changes, row, target.id, null);
        if (copy.waitOn.at.folderId !== target.id) moves.addWaiting(`${target.id}`, copy, (after) => ({ from: null, to, items: [], after }), row.id);
        continue;
      }
      const home = copy && copy.from.folderId === target.id;
      placeRow(db, changes, row, target.id, home ? { uidvalidity: copy.from.uidvalidity, uid: copy.uid } : null);
      if (copy && !home) moves.add(`${copy.from.folderId}:${copy.from.uidvalidity}`, () => ({ from: copy.from, to, items: [] }), { messageId: row.id, uid: copy.uid });
    }
    return moves.queue(plan, 'move') > 0;
  },

  /** Mail from another account would need an upload (APPEND) to exist on this server; until then it is refused. */
  receive(_plan: PlanContext, _rows: readonly ActionRow[], _target: FolderRow): boolean {
    throw new HomingError('INVALID_ARGUMENT', 'Messages can be moved to another server account only through Local Folders for now.');
  },

  /** The message now lives in another account: the server's copy is expunged. */
  release(plan, rows) {
    const expunges = new OpBuilder<ExpungePayload>();
    for (const row of rows) {
      const copy = takeServerCopy(plan.db, plan.changes, row);
      if (copy) planExpunge(expunges, row, copy);
    }
    return expunges.queue(plan, 'expunge') > 0;
  },

  discard: (plan, op) => discardImapOperation(plan, op),
};

/** The account's Trash (SPECIAL-USE \Trash), if it has one that can hold messages. */
function trashFolder(db: WriteDb, accountId: string): FolderRef | null {
  const row = prepare<[string], { id: number; path: string; sync_state: string }>(
    db,
    `SELECT id, path, sync_state FROM folders WHERE account_id = ? AND special_use = 'trash' ORDER BY id`,
  )
    .all(accountId)
    .find((f) => !/"selectable":\s*false/.test(f.sync_state));
  return row ? { folderId: row.id, path: row.path } : null;
}

function planExpunge(expunges: OpBuilder<ExpungePayload>, row: ActionRow, copy: ServerCopy): void {
  if (copy.waitOn) {
    expunges.addWaiting('expunge', copy, (after) => ({ from: null, items: [], after }), row.id);
    return;
  }
  expunges.add(`${copy.from.folderId}:${copy.from.uidvalidity}`, () => ({ from: copy.from, items: [] }), { messageId: row.id, uid: copy.uid });
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
  if (!op || (op.kind !== 'move' && op.kind !== 'delete' && op.kind !== 'expunge')) return null;
  if (op.sent !== null && op.state === 'queued') {
    // Sent, not known to have finished: left as it is (it still holds the row); the new action waits for it.
    const at = op.kind === 'move' ? op.payload.to : op.kind === 'delete' ? op.payload.trash : null;
    return at ? { waitOn: { opId: op.id, at } } : null;
  }
  const waiting = op.payload.after?.messageIds.includes(row.id) ? op.payload.after : undefined;
  const item = op.payload.items.find((i) => i.messageId === row.id);
  if (!waiting && (!item || !op.payload.from)) return null;
  takeMessageOut(db, op, row.id);
  changes.message(row.accountId, row.folderId, row.id);
  if (waiting) return { waitOn: { opId: waiting.opId, at: waiting.at } };
  return { from: op.payload.from!, uid: item!.uid };
}

type Batched = MovePayload | DeletePayload | ExpungePayload;

/** Operations being built in this transaction, one per source folder (and target). */
class OpBuilder<P extends Batched> {
  private readonly ops = new Map<string, { payload: P; messageIds: number[] }>();

  add(key: string, make: () => P, item: { messageId: number; uid: number }): void {
    const op = this.get(key, make);
    op.payload.items.push(item);
    op.messageIds.push(item.messageId);
  }

  /** A message whose server place the sent operation `copy.waitOn` will tell: one operation per (that operation, kind). */
  addWaiting(key: string, copy: ServerCopy & { waitOn: object }, make: (after: WaitingOn) => P, messageId: number): void {
    const { opId, at } = copy.waitOn;
    const op = this.get(`after:${opId}:${key}`, () => make({ opId, at, messageIds: [] }));
    op.payload.after!.messageIds.push(messageId);
    op.messageIds.push(messageId);
  }

  private get(key: string, make: () => P) {
    let op = this.ops.get(key);
    if (!op) {
      op = { payload: make(), messageIds: [] };
      this.ops.set(key, op);
    }
    return op;
  }

  /** Queues what was built; returns how many operations. */
  queue(plan: PlanContext, kind: P extends MovePayload ? 'move' : P extends DeletePayload ? 'delete' : 'expunge'): number {
    for (const op of this.ops.values()) {
      queueOperation(plan.db, plan.changes, plan.account.id, { kind, payload: op.payload } as Parameters<typeof queueOperation>[3], op.messageIds);
    }
    return this.ops.size;
  }
}
