import type { Account, Protocol } from '../../../shared/contract/accounts';
import type { SpecialUse } from '../../../shared/contract/messages';
import { HomingError } from '../../../shared/errors';
import { findAccount } from '../../store/accounts';
import { prepare, type WriteDb } from '../../store/db';
import type { FolderRow } from '../../store/folders';
import { type DeletePayload, forgetMessages, type MovePayload, queueOperation, type ServerPlace, type WaitingOn } from '../../store/pending-ops';
import type { ChangeRecorder } from '../../store/write-transaction';

/** A message as the actions see it. */
export interface ActionRow {
  id: number;
  accountId: string;
  protocol: Protocol | 'local';
  folderId: number;
  folderPath: string;
  specialUse: SpecialUse | null;
  uidvalidity: number | null;
  uid: number | null;
  seen: number;
  flagged: number;
  bodyStatus: 'full' | 'headers' | 'partial';
}

/**
 * Where the server has a message, and its UID there — or, while a move or delete of it that was already
 * sent has not finished, which operation will say so (`waitOn`) and the folder it puts the message in.
 */
type ServerCopy = { from: ServerPlace; uid: number; waitOn?: undefined } | { waitOn: Omit<WaitingOn, 'messageIds'> };

interface HoldingOp {
  id: number;
  payload: string;
  kind: 'move' | 'delete';
  state: string;
  sent: string | null;
}

/**
 * Where the server still has this message. A placed row knows it (its folder, UIDVALIDITY and UID). A row
 * moved locally (UID NULL) learns it from the move or delete that moved it, which is taken over by the
 * new action: the message is removed from that operation (the operation goes when it holds no message),
 * so "move to A, then move to B" reaches the server as one move to B. An operation already sent is not
 * taken over (the server may have carried it out: replayed from the old place it would do nothing, and the
 * new action would be lost); the new action waits for it instead (WaitingOn). Null when unknown (a moved
 * row waiting to be re-matched after a server without UIDPLUS): then the action stays local.
 */
function takeServerCopy(db: WriteDb, changes: ChangeRecorder, row: ActionRow): ServerCopy | null {
  if (row.uid !== null && row.uidvalidity !== null) {
    return { from: { folderId: row.folderId, path: row.folderPath, uidvalidity: row.uidvalidity }, uid: row.uid };
  }
  const op = prepare<[number], HoldingOp>(
    db,
    `SELECT po.id, po.payload, po.kind, po.state, po.sent FROM pending_op_messages pom JOIN pending_ops po ON po.id = pom.op_id
     WHERE pom.message_id = ? AND po.kind IN ('move', 'delete') ORDER BY po.id DESC LIMIT 1`,
  ).get(row.id);
  if (!op) return null;
  let payload: MovePayload | DeletePayload;
  try {
    payload = JSON.parse(op.payload) as MovePayload | DeletePayload;
  } catch {
    return null;
  }
  if (op.sent !== null && op.state === 'queued') {
    // Sent, not known to have finished: left as it is (it still holds the row); the new action waits for it.
    const at = op.kind === 'move' ? (payload as MovePayload).to : (payload as DeletePayload).trash;
    return at ? { waitOn: { opId: op.id, at } } : null;
  }
  const waiting = payload.after?.messageIds.includes(row.id) ? payload.after : undefined;
  const item = payload.items?.find((i) => i.messageId === row.id);
  if (!waiting && (!item || !payload.from)) return null;
  const rest = payload.items.filter((i) => i.messageId !== row.id);
  const after = payload.after && { ...payload.after, messageIds: payload.after.messageIds.filter((id) => id !== row.id) };
  prepare<[number, number]>(db, 'DELETE FROM pending_op_messages WHERE op_id = ? AND message_id = ?').run(op.id, row.id);
  if (rest.length === 0 && (after?.messageIds.length ?? 0) === 0) prepare<[number]>(db, 'DELETE FROM pending_ops WHERE id = ?').run(op.id);
  else prepare<[string, number]>(db, 'UPDATE pending_ops SET payload = ? WHERE id = ?').run(JSON.stringify({ ...payload, items: rest, after }), op.id);
  changes.message(row.accountId, row.folderId, row.id);
  if (waiting) return { waitOn: { opId: waiting.opId, at: waiting.at } };
  return { from: payload.from!, uid: item!.uid };
}

/** Operations being built in this transaction, one per account and source folder (and target). */
class OpBuilder<P extends MovePayload | DeletePayload> {
  private readonly ops = new Map<string, { accountId: string; payload: P; messageIds: number[] }>();
  add(accountId: string, key: string, make: () => P, item: { messageId: number; uid: number }): void {
    const op = this.get(accountId, key, make);
    op.payload.items.push(item);
    op.messageIds.push(item.messageId);
  }
  /** A message whose server place the sent operation `copy.waitOn` will tell: one operation per (that operation, kind). */
  addWaiting(accountId: string, key: string, waitOn: ServerCopy & { waitOn: object }, make: (after: WaitingOn) => P, messageId: number): void {
    const { opId, at } = waitOn.waitOn;
    const op = this.get(accountId, `after:${opId}:${key}`, () => make({ opId, at, messageIds: [] }));
    op.payload.after!.messageIds.push(messageId);
    op.messageIds.push(messageId);
  }
  private get(accountId: string, key: string, make: () => P) {
    let op = this.ops.get(`${accountId}|${key}`);
    if (!op) {
      op = { accountId, payload: make(), messageIds: [] };
      this.ops.set(`${accountId}|${key}`, op);
    }
    return op;
  }
  queue(db: WriteDb, changes: ChangeRecorder, kind: 'move' | 'delete'): string[] {
    for (const op of this.ops.values()) queueOperation(db, changes, op.accountId, kind, op.payload, op.messageIds);
    return [...this.ops.values()].map((op) => op.accountId);
  }
}

function placeRow(db: WriteDb, changes: ChangeRecorder, row: ActionRow, folderId: number, key: { uidvalidity: number; uid: number } | null): void {
  if (key) {
    // Back where the server has it: take its UID again, unless another row holds it now.
    const clash = prepare<[number, number, number, number], { id: number }>(
      db,
      'SELECT id FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid = ? AND id != ?',
    ).get(folderId, key.uidvalidity, key.uid, row.id);
    if (!clash) {
      prepare(db, 'UPDATE messages SET folder_id = ?, uidvalidity = ?, uid = ? WHERE id = ?').run(folderId, key.uidvalidity, key.uid, row.id);
      changes.message(row.accountId, row.folderId, row.id);
      changes.message(row.accountId, folderId, row.id);
      return;
    }
  }
  prepare(db, 'UPDATE messages SET folder_id = ?, uidvalidity = NULL, uid = NULL WHERE id = ?').run(folderId, row.id);
  changes.message(row.accountId, row.folderId, row.id);
  changes.message(row.accountId, folderId, row.id);
}

function removeRows(db: WriteDb, changes: ChangeRecorder, rows: ActionRow[]): void {
  const remove = prepare<[number]>(db, 'DELETE FROM messages WHERE id = ?');
  for (const row of rows) {
    remove.run(row.id);
    changes.message(row.accountId, row.folderId, row.id);
  }
  forgetMessages(
    db,
    rows.map((r) => r.id),
  );
}

function hideRow(db: WriteDb, changes: ChangeRecorder, row: ActionRow): void {
  prepare<[number]>(db, 'UPDATE messages SET deleted_locally = 1 WHERE id = ?').run(row.id);
  changes.message(row.accountId, row.folderId, row.id);
}

/** Mark read/unread, flag/unflag. Returns the accounts that got a server operation. */
export function markRows(db: WriteDb, changes: ChangeRecorder, rows: ActionRow[], want: { seen?: boolean; flagged?: boolean }): string[] {
  const update = prepare(db, 'UPDATE messages SET seen = coalesce(?, seen), flagged = coalesce(?, flagged) WHERE id = ?');
  const toServer = new Map<string, number[]>();
  for (const row of rows) {
    const seenChanges = want.seen !== undefined && (row.seen === 1) !== want.seen;
    const flaggedChanges = want.flagged !== undefined && (row.flagged === 1) !== want.flagged;
    if (!seenChanges && !flaggedChanges) continue;
    update.run(want.seen === undefined ? null : want.seen ? 1 : 0, want.flagged === undefined ? null : want.flagged ? 1 : 0, row.id);
    changes.message(row.accountId, row.folderId, row.id);
    // POP3 and Local Folders: flags are ours alone (POP3 has none, RFC 1939).
    if (row.protocol === 'imap') toServer.set(row.accountId, [...(toServer.get(row.accountId) ?? []), row.id]);
  }
  const add = [...(want.seen === true ? ['\\Seen'] : []), ...(want.flagged === true ? ['\\Flagged'] : [])];
  const remove = [...(want.seen === false ? ['\\Seen'] : []), ...(want.flagged === false ? ['\\Flagged'] : [])];
  for (const [accountId, ids] of toServer) queueOperation(db, changes, accountId, 'flags', { add, remove }, ids);
  return [...toServer.keys()];
}

/**
 * Delete. IMAP: to the account's Trash (the row moves there at once), or — no Trash, or already in Trash —
 * \Deleted + UID EXPUNGE (the row is hidden until the server confirms). POP3: hidden for the POP3 sync
 * to DELE when the account deletes from the server on local delete, otherwise removed. Local: removed.
 */
export function deleteRows(db: WriteDb, changes: ChangeRecorder, rows: ActionRow[]): string[] {
  const trashOf = new Map<string, { id: number; path: string } | null>();
  const trash = (accountId: string) => {
    if (!trashOf.has(accountId)) {
      const row = prepare<[string], { id: number; path: string; sync_state: string }>(
        db,
        `SELECT id, path, sync_state FROM folders WHERE account_id = ? AND special_use = 'trash' ORDER BY id`,
      )
        .all(accountId)
        .find((f) => !/"selectable":\s*false/.test(f.sync_state));
      trashOf.set(accountId, row ? { id: row.id, path: row.path } : null);
    }
    return trashOf.get(accountId)!;
  };
  const ops = new OpBuilder<DeletePayload>();
  const gone: ActionRow[] = [];
  for (const row of rows) {
    if (row.protocol === 'local') {
      gone.push(row);
      continue;
    }
    if (row.protocol === 'pop3') {
      const account = findAccount(db, row.accountId);
      if (account?.settings.pop3Delete.kind === 'when-deleted-locally') hideRow(db, changes, row);
      else gone.push(row);
      continue;
    }
    const bin = trash(row.accountId);
    const copy = takeServerCopy(db, changes, row);
    if (bin && row.folderId !== bin.id) {
      if (copy?.waitOn) {
        // Once the sent operation is done the message is in Trash already (it places the row), or is moved there after it.
        placeRow(db, changes, row, bin.id, null);
        if (copy.waitOn.at.folderId !== bin.id) {
          ops.addWaiting(row.accountId, 'trash', copy, (after) => ({ from: null, trash: { folderId: bin.id, path: bin.path }, items: [], after }), row.id);
        }
        continue;
      }
      const backInTrash = copy && copy.from.folderId === bin.id;
      placeRow(db, changes, row, bin.id, backInTrash ? { uidvalidity: copy.from.uidvalidity, uid: copy.uid } : null);
      if (copy && !backInTrash) {
        ops.add(row.accountId, `${copy.from.folderId}:${copy.from.uidvalidity}:trash`, () => ({ from: copy.from, trash: { folderId: bin.id, path: bin.path }, items: [] }), {
          messageId: row.id,
          uid: copy.uid,
        });
      }
      continue;
    }
    if (!copy) {
      gone.push(row);
      continue;
    }
    hideRow(db, changes, row);
    if (copy.waitOn) {
      ops.addWaiting(row.accountId, 'expunge', copy, (after) => ({ from: null, trash: null, items: [], after }), row.id);
      continue;
    }
    ops.add(row.accountId, `${copy.from.folderId}:${copy.from.uidvalidity}:expunge`, () => ({ from: copy.from, trash: null, items: [] }), {
      messageId: row.id,
      uid: copy.uid,
    });
  }
  removeRows(db, changes, gone);
  return ops.queue(db, changes, 'delete');
}

/**
 * Move to another folder. Within an IMAP account the row moves at once (UID unknown until the server's
 * COPYUID) and a move is queued; within POP3 or Local Folders it only moves. To Local Folders from a
 * server account the downloaded message becomes local mail, and an IMAP account's copy is expunged
 * from the server (the mail now lives here). Other moves between accounts would need an upload (APPEND)
 * and are refused.
 */
export function moveRows(db: WriteDb, changes: ChangeRecorder, rows: ActionRow[], target: FolderRow, targetAccount: Account): string[] {
  const moves = new OpBuilder<MovePayload>();
  const expunges = new OpBuilder<DeletePayload>();
  for (const row of rows) {
    if (row.folderId === target.id) continue;
    if (row.accountId === target.accountId) {
      if (row.protocol !== 'imap') {
        placeRow(db, changes, row, target.id, null);
        continue;
      }
      const copy = takeServerCopy(db, changes, row);
      if (copy?.waitOn) {
        placeRow(db, changes, row, target.id, null);
        if (copy.waitOn.at.folderId !== target.id) {
          moves.addWaiting(row.accountId, `${target.id}`, copy, (after) => ({ from: null, to: { folderId: target.id, path: target.path }, items: [], after }), row.id);
        }
        continue;
      }
      const home = copy && copy.from.folderId === target.id;
      placeRow(db, changes, row, target.id, home ? { uidvalidity: copy.from.uidvalidity, uid: copy.uid } : null);
      if (copy && !home) {
        moves.add(row.accountId, `${copy.from.folderId}:${copy.from.uidvalidity}`, () => ({ from: copy.from, to: { folderId: target.id, path: target.path }, items: [] }), {
          messageId: row.id,
          uid: copy.uid,
        });
      }
      continue;
    }
    if (targetAccount.protocol !== 'local') {
      throw new HomingError('INVALID_ARGUMENT', 'Messages can be moved to another server account only through Local Folders for now.');
    }
    if (row.bodyStatus !== 'full') {
      throw new HomingError('INVALID_ARGUMENT', 'Only messages downloaded in full can be moved to Local Folders: open the message first.');
    }
    const copy = row.protocol === 'imap' ? takeServerCopy(db, changes, row) : null;
    // The thread belongs to the old account; the message starts alone in Local Folders.
    prepare(db, 'UPDATE messages SET account_id = ?, folder_id = ?, uidvalidity = NULL, uid = NULL, uidl = NULL, thread_id = NULL WHERE id = ?').run(
      target.accountId,
      target.id,
      row.id,
    );
    changes.message(row.accountId, row.folderId, row.id);
    changes.message(target.accountId, target.id, row.id);
    if (copy?.waitOn) {
      expunges.addWaiting(row.accountId, 'expunge', copy, (after) => ({ from: null, trash: null, items: [], after }), row.id);
    } else if (copy) {
      expunges.add(row.accountId, `${copy.from.folderId}:${copy.from.uidvalidity}`, () => ({ from: copy.from, trash: null, items: [] }), {
        messageId: row.id,
        uid: copy.uid,
      });
    }
  }
  return [...moves.queue(db, changes, 'move'), ...expunges.queue(db, changes, 'delete')];
}
