import type { PendingOperation } from '../../shared/contract/sync';
import { HomingError } from '../../shared/errors';
import { prepare, type ReadDb, type WriteDb } from './db';
import type { ChangeRecorder } from './write-transaction';

/**
 * The queue of local changes waiting for the server (table pending_ops, messages in pending_op_messages,
 * which the message queries read to show `pendingState`). Operations are replayed in id order by the
 * protocol engine; one the server refuses stays as `refused` with the server's reason until the user
 * discards it.
 */

/** Where a message was on the server when the user acted on it. */
export interface ServerPlace {
  folderId: number;
  path: string;
  uidvalidity: number;
}

/** One message of a move or delete: its row and the UID it had in the source folder. */
export interface OpItem {
  messageId: number;
  uid: number;
}

/** Mark read/unread, flag/unflag: the messages' current server place is looked up at replay time. */
export interface FlagsPayload {
  add: string[];
  remove: string[];
}

/**
 * Messages whose server place is decided by an earlier operation that was already sent (its command may
 * have been carried out when the process died, or is on its way now): this operation acts on them only
 * once that one has finished and said where the server has them (resolveFollowers) — taking it over
 * would replay it from a place the message may have left.
 */
export interface WaitingOn {
  opId: number;
  /** Where that operation puts the messages on the server. */
  at: { folderId: number; path: string };
  messageIds: number[];
}

/** Move within one IMAP account. The rows already sit in `to` (uid NULL) until the server confirms. */
export interface MovePayload {
  /** Null while every message still waits on `after`. */
  from: ServerPlace | null;
  to: { folderId: number; path: string };
  items: OpItem[];
  after?: WaitingOn;
}

/**
 * Delete: to `trash` (then the rows sit in Trash with uid NULL, like a move), or — no Trash, or already in
 * Trash — \Deleted + UID EXPUNGE (the rows are hidden with deleted_locally = 1 and removed once done).
 */
export interface DeletePayload {
  from: ServerPlace | null;
  trash: { folderId: number; path: string } | null;
  items: OpItem[];
  after?: WaitingOn;
}

/** A move or delete whose first command went out (migration 0003): the target folder's state before it. */
export interface SentMark {
  at: number;
  target: { uidvalidity: number; uidnext: number } | null;
}

export type PendingKind = PendingOperation['kind'];

export interface PendingOpRow {
  id: number;
  accountId: string;
  kind: PendingKind;
  payload: unknown;
  state: 'queued' | 'refused';
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: number;
  sent: SentMark | null;
}

interface Row {
  id: number;
  account_id: string;
  kind: PendingKind;
  payload: string;
  state: 'queued' | 'refused';
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  sent: string | null;
}

const COLUMNS = 'id, account_id, kind, payload, state, attempts, error_code, error_message, created_at, sent';

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

function toOp(row: Row): PendingOpRow {
  let payload: unknown = null;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    // A damaged payload cannot be replayed; replay refuses it with a clear error.
  }
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind,
    payload,
    state: row.state,
    attempts: row.attempts,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    createdAt: row.created_at,
    sent: parseJson<SentMark>(row.sent),
  };
}

/** Records the change of every message the operation names (their `pendingState` changed). */
function touchMessages(db: WriteDb, changes: ChangeRecorder, messageIds: number[]): void {
  const find = prepare<[number], { account_id: string; folder_id: number }>(db, 'SELECT account_id, folder_id FROM messages WHERE id = ?');
  for (const id of messageIds) {
    const row = find.get(id);
    if (row) changes.message(row.account_id, row.folder_id, id);
  }
}

export function queueOperation(
  db: WriteDb,
  changes: ChangeRecorder,
  accountId: string,
  kind: PendingKind,
  payload: FlagsPayload | MovePayload | DeletePayload | Record<string, unknown>,
  messageIds: number[],
): number {
  const info = prepare(db, 'INSERT INTO pending_ops (account_id, kind, payload, created_at) VALUES (?, ?, ?, ?)').run(
    accountId,
    kind,
    JSON.stringify(payload),
    Date.now(),
  );
  const opId = Number(info.lastInsertRowid);
  const link = prepare<[number, number]>(db, 'INSERT OR IGNORE INTO pending_op_messages (op_id, message_id) VALUES (?, ?)');
  for (const id of messageIds) link.run(opId, id);
  touchMessages(db, changes, messageIds);
  return opId;
}

export function findOperation(db: ReadDb, id: number): PendingOpRow | null {
  const row = prepare<[number], Row>(db, `SELECT ${COLUMNS} FROM pending_ops WHERE id = ?`).get(id);
  return row ? toOp(row) : null;
}

/** The account's queued operations in the order they were made. */
export function listQueuedOperations(db: ReadDb, accountId: string): PendingOpRow[] {
  return prepare<[string], Row>(db, `SELECT ${COLUMNS} FROM pending_ops WHERE account_id = ? AND state = 'queued' ORDER BY id`)
    .all(accountId)
    .map(toOp);
}

/** Queued and refused operations of the account (both still stand for a local change the server lacks). */
export function listOpenOperations(db: ReadDb, accountId: string): PendingOpRow[] {
  return prepare<[string], Row>(db, `SELECT ${COLUMNS} FROM pending_ops WHERE account_id = ? ORDER BY id`).all(accountId).map(toOp);
}

export function operationMessageIds(db: ReadDb, opId: number): number[] {
  return prepare<[number], { message_id: number }>(db, 'SELECT message_id FROM pending_op_messages WHERE op_id = ? ORDER BY message_id')
    .all(opId)
    .map((r) => r.message_id);
}

/** The operation reached the server: it and its message links go (the messages' pendingState clears). */
export function completeOperation(db: WriteDb, changes: ChangeRecorder, opId: number): void {
  const ids = operationMessageIds(db, opId);
  prepare<[number]>(db, 'DELETE FROM pending_ops WHERE id = ?').run(opId);
  touchMessages(db, changes, ids);
}

/**
 * The server refused the operation: it stays, marked, with the reason, until the user discards it. The
 * operations waiting on it (WaitingOn) are refused too: the server has their messages where it had them
 * before, not where the user put them.
 */
export function refuseOperation(db: WriteDb, changes: ChangeRecorder, opId: number, error: { code: string; message: string }): void {
  prepare(db, `UPDATE pending_ops SET state = 'refused', error_code = ?, error_message = ?, attempts = attempts + 1 WHERE id = ?`).run(
    error.code,
    error.message,
    opId,
  );
  touchMessages(db, changes, operationMessageIds(db, opId));
  for (const follower of followersOf(db, opId)) {
    refuseOperation(db, changes, follower.id, {
      code: 'OPERATION_REFUSED',
      message: 'An earlier change to these messages was refused by the server, so this one could not be applied.',
    });
  }
}

/**
 * Marks a move or delete as sent, in its own transaction, before its first command goes out: if the
 * process dies from here on, the replay looks on the server before sending it again.
 */
export function markSent(db: WriteDb, opId: number, target: SentMark['target']): void {
  const mark: SentMark = { at: Date.now(), target };
  prepare(db, 'UPDATE pending_ops SET sent = ? WHERE id = ?').run(JSON.stringify(mark), opId);
}

/** Queued operations waiting on `opId` (their payload's `after`). */
export function followersOf(db: ReadDb, opId: number): PendingOpRow[] {
  return prepare<[number], Row>(db, `SELECT ${COLUMNS} FROM pending_ops WHERE state = 'queued' AND json_extract(payload, '$.after.opId') = ? ORDER BY id`)
    .all(opId)
    .map(toOp);
}

/**
 * The operation `opId` finished: where the server now has each of its messages that others wait on
 * (`placed`: UID in the folder it put them in). Each waiting message becomes an ordinary item of the
 * operation that waits (its source is that folder); one without a known place is not on the server as
 * far as we can tell: it leaves the operation (its row, no longer held, is matched or dropped by the
 * folder's next sync). An operation left with nothing to do goes.
 */
export function resolveFollowers(db: WriteDb, changes: ChangeRecorder, opId: number, placed: Map<number, { uidvalidity: number; uid: number }>): void {
  for (const follower of followersOf(db, opId)) {
    const payload = follower.payload as MovePayload | DeletePayload;
    const after = payload.after!;
    const linked = new Set(operationMessageIds(db, follower.id));
    const items = [...payload.items];
    let from = payload.from;
    const dropped: number[] = [];
    for (const messageId of after.messageIds) {
      if (!linked.has(messageId)) continue; // its row is gone
      const place = placed.get(messageId);
      if (place && (from === null || from.uidvalidity === place.uidvalidity)) {
        from ??= { folderId: after.at.folderId, path: after.at.path, uidvalidity: place.uidvalidity };
        items.push({ messageId, uid: place.uid });
      } else {
        dropped.push(messageId);
      }
    }
    unlinkMessages(db, follower.id, dropped);
    touchMessages(db, changes, dropped);
    if (items.length === 0) {
      completeOperation(db, changes, follower.id);
      continue;
    }
    const next = { ...payload, from, items };
    delete next.after;
    prepare(db, 'UPDATE pending_ops SET payload = ? WHERE id = ?').run(JSON.stringify(next), follower.id);
  }
}

/** A replay attempt failed for a reason that may pass (the connection dropped): keep it queued, count it. */
export function recordAttempt(db: WriteDb, opId: number, error: { code: string; message: string }): number {
  prepare(db, 'UPDATE pending_ops SET attempts = attempts + 1, error_code = ?, error_message = ? WHERE id = ?').run(error.code, error.message, opId);
  return findOperation(db, opId)?.attempts ?? 0;
}

/** Removes the operation without replaying it (the caller undoes its local change). */
export function deleteOperation(db: WriteDb, changes: ChangeRecorder, opId: number): void {
  completeOperation(db, changes, opId);
}

/**
 * Messages that no longer exist locally (expunged on the server, their folder deleted) leave the
 * operations that named them; a queued operation left with no message goes too (nothing left to do),
 * a refused one stays until the user has seen and discarded it.
 */
export function forgetMessages(db: WriteDb, messageIds: Iterable<number>): void {
  const ops = prepare<[number], { op_id: number }>(db, 'SELECT op_id FROM pending_op_messages WHERE message_id = ?');
  const unlink = prepare<[number]>(db, 'DELETE FROM pending_op_messages WHERE message_id = ?');
  const left = prepare<[number], { n: number }>(db, 'SELECT count(*) AS n FROM pending_op_messages WHERE op_id = ?');
  const drop = prepare<[number]>(db, `DELETE FROM pending_ops WHERE id = ? AND state = 'queued'`);
  const touched = new Set<number>();
  for (const id of messageIds) {
    for (const { op_id } of ops.all(id)) touched.add(op_id);
    unlink.run(id);
  }
  for (const opId of touched) if ((left.get(opId)?.n ?? 0) === 0) drop.run(opId);
}

/** Removes messages from one operation only (they were handled, or are gone). */
export function unlinkMessages(db: WriteDb, opId: number, messageIds: Iterable<number>): void {
  const unlink = prepare<[number, number]>(db, 'DELETE FROM pending_op_messages WHERE op_id = ? AND message_id = ?');
  for (const id of messageIds) unlink.run(opId, id);
}

/** What the UI and `listPendingOperations` show. */
export function listPendingOperations(db: ReadDb, accountId?: string): PendingOperation[] {
  const rows = accountId
    ? prepare<[string], Row>(db, `SELECT ${COLUMNS} FROM pending_ops WHERE account_id = ? ORDER BY id`).all(accountId)
    : prepare<[], Row>(db, `SELECT ${COLUMNS} FROM pending_ops ORDER BY id`).all();
  return rows.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    kind: row.kind,
    messageIds: operationMessageIds(db, row.id),
    state: row.state,
    error: row.state === 'refused' && row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

export function getOperation(db: ReadDb, id: number): PendingOpRow {
  const op = findOperation(db, id);
  if (!op) throw new HomingError('NOT_FOUND', `No pending operation with id ${id}.`);
  return op;
}

/** UIDs of a folder that queued or refused moves/deletes still hold: not on the server's side of our view yet. */
export function heldUids(db: ReadDb, folderId: number, uidvalidity: number): Set<number> {
  const held = new Set<number>();
  const rows = prepare<[], { payload: string }>(db, `SELECT payload FROM pending_ops WHERE kind IN ('move', 'delete')`).all();
  for (const { payload } of rows) {
    let parsed: Partial<MovePayload> | null;
    try {
      parsed = JSON.parse(payload) as Partial<MovePayload>;
    } catch {
      continue;
    }
    if (parsed?.from?.folderId !== folderId || parsed.from.uidvalidity !== uidvalidity) continue;
    for (const item of parsed.items ?? []) held.add(item.uid);
  }
  return held;
}

/** How many of the account's operations wait for the server and how many it refused (the sync status shows both). */
export function countOperations(db: ReadDb, accountId: string): { queued: number; refused: number } {
  const rows = prepare<[string], { state: string; n: number }>(
    db,
    'SELECT state, COUNT(*) AS n FROM pending_ops WHERE account_id = ? GROUP BY state',
  ).all(accountId);
  return {
    queued: rows.find((r) => r.state === 'queued')?.n ?? 0,
    refused: rows.find((r) => r.state === 'refused')?.n ?? 0,
  };
}
