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

/** Move within one IMAP account. The rows already sit in `to` (uid NULL) until the server confirms. */
export interface MovePayload {
  from: ServerPlace;
  to: { folderId: number; path: string };
  items: OpItem[];
}

/**
 * Delete: to `trash` (then the rows sit in Trash with uid NULL, like a move), or — no Trash, or already in
 * Trash — \Deleted + UID EXPUNGE (the rows are hidden with deleted_locally = 1 and removed once done).
 */
export interface DeletePayload {
  from: ServerPlace;
  trash: { folderId: number; path: string } | null;
  items: OpItem[];
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
}

const COLUMNS = 'id, account_id, kind, payload, state, attempts, error_code, error_message, created_at';

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

/** The server refused the operation: it stays, marked, with the reason, until the user discards it. */
export function refuseOperation(db: WriteDb, changes: ChangeRecorder, opId: number, error: { code: string; message: string }): void {
  prepare(db, `UPDATE pending_ops SET state = 'refused', error_code = ?, error_message = ?, attempts = attempts + 1 WHERE id = ?`).run(
    error.code,
    error.message,
    opId,
  );
  touchMessages(db, changes, operationMessageIds(db, opId));
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
