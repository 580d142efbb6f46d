import { type OperationKind, operationKinds, type PendingOperation } from '../../shared/contract/sync';
import { HomingError } from '../../shared/errors';
import { prepare, type ReadDb, type WriteDb } from './db';
import {
  type Operation,
  type OpItem,
  parseOperation,
  parseSentMark,
  type PayloadOf,
  type SentMark,
  serializeOperation,
  type WaitingOn,
} from './operation-kinds';
import type { ChangeRecorder } from './write-transaction';

/**
 * The queue of local changes waiting for the server: table pending_ops (one row per operation, its payload
 * as JSON of the shape its kind says, operation-kinds.ts) and pending_op_messages (the messages each one
 * names; the message queries show them as `pendingState`, read in operation-marks.ts). Every other statement on those two tables is in this
 * file, and every payload is read back through `parseOperation` here.
 *
 * Each account's operations are replayed in id order by its engine. One the server refuses stays as
 * `refused` with the server's reason until the user discards it; one whose stored payload cannot be read
 * is refused with OPERATION_DAMAGED the first time a replay meets it.
 */

export type { SentMark } from './operation-kinds';

/** What every stored operation has besides its kind and payload. */
interface Envelope {
  id: number;
  accountId: string;
  state: 'queued' | 'refused';
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: number;
  /** Set before the first command of a move, delete or expunge went out (migration 0003). */
  sent: SentMark | null;
  /**
   * Another operation (possibly of another account) that must reach its server first: this one waits while
   * it is queued and is refused with it; the column clears when it completes (ON DELETE SET NULL).
   */
  requires: number | null;
}

/** A stored operation whose payload parsed: narrow on `kind` for a typed `payload`. */
export type QueuedOperation = Envelope & Operation;

/** A stored operation whose payload (or kind) could not be read: never replayed, refused with OPERATION_DAMAGED. */
export type DamagedOperation = Envelope & { kind: 'damaged'; storedKind: string; problem: string };

export type StoredOperation = QueuedOperation | DamagedOperation;

/** Kinds whose messages' server identity (folder, UID) waits for the operation: their rows are not orphans. */
const HOLDING_KINDS = `('move', 'delete', 'expunge', 'copy', 'append')`;

interface Row {
  id: number;
  account_id: string;
  kind: string;
  payload: string;
  state: 'queued' | 'refused';
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  sent: string | null;
  requires: number | null;
}

const COLUMNS = 'id, account_id, kind, payload, state, attempts, error_code, error_message, created_at, sent, requires';

function toOp(row: Row): StoredOperation {
  const envelope: Envelope = {
    id: row.id,
    accountId: row.account_id,
    state: row.state,
    attempts: row.attempts,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    createdAt: row.created_at,
    sent: parseSentMark(row.sent),
    requires: row.requires,
  };
  const parsed = parseOperation(row.kind, row.payload);
  if (!parsed.ok) return { ...envelope, kind: 'damaged', storedKind: row.kind, problem: parsed.problem };
  return { ...envelope, ...parsed.operation };
}

/** Records the change of every message the operation names (their `pendingState` changed). */
function touchMessages(db: WriteDb, changes: ChangeRecorder, messageIds: Iterable<number>): void {
  const find = prepare<[number], { account_id: string; folder_id: number }>(db, 'SELECT account_id, folder_id FROM messages WHERE id = ?');
  for (const id of messageIds) {
    const row = find.get(id);
    if (row) changes.message(row.account_id, row.folder_id, id);
  }
}

// ——— Queueing ————————————————————————————————————————————————————————————————————————————————

/** Queues an operation of the account, naming `messageIds`. The payload is checked against its kind first. */
export function queueOperation<K extends OperationKind>(
  db: WriteDb,
  changes: ChangeRecorder,
  accountId: string,
  operation: { kind: K; payload: PayloadOf<K> },
  messageIds: Iterable<number>,
  options: { requires?: number } = {},
): number {
  const info = prepare(db, 'INSERT INTO pending_ops (account_id, kind, payload, created_at, requires) VALUES (?, ?, ?, ?, ?)').run(
    accountId,
    operation.kind,
    serializeOperation(operation),
    Date.now(),
    options.requires ?? null,
  );
  const opId = Number(info.lastInsertRowid);
  const ids = [...messageIds];
  const link = prepare<[number, number]>(db, 'INSERT OR IGNORE INTO pending_op_messages (op_id, message_id) VALUES (?, ?)');
  for (const id of ids) link.run(opId, id);
  touchMessages(db, changes, ids);
  return opId;
}

/** Replaces the payload of a queued operation (a message taken out of it, a wait resolved). */
export function updatePayload<K extends OperationKind>(db: WriteDb, opId: number, operation: { kind: K; payload: PayloadOf<K> }): void {
  prepare(db, 'UPDATE pending_ops SET payload = ? WHERE id = ?').run(serializeOperation(operation), opId);
}

// ——— Reading ————————————————————————————————————————————————————————————————————————————————

export function findOperation(db: ReadDb, id: number): StoredOperation | null {
  const row = prepare<[number], Row>(db, `SELECT ${COLUMNS} FROM pending_ops WHERE id = ?`).get(id);
  return row ? toOp(row) : null;
}

export function getOperation(db: ReadDb, id: number): StoredOperation {
  const op = findOperation(db, id);
  if (!op) throw new HomingError('NOT_FOUND', `No pending operation with id ${id}.`);
  return op;
}

/** The account's queued operations in the order they were made (damaged ones included, for the replay to refuse). */
export function listQueuedOperations(db: ReadDb, accountId: string): StoredOperation[] {
  return prepare<[string], Row>(db, `SELECT ${COLUMNS} FROM pending_ops WHERE account_id = ? AND state = 'queued' ORDER BY id`)
    .all(accountId)
    .map(toOp);
}

export function hasQueuedOperations(db: ReadDb, accountId: string): boolean {
  return prepare<[string], { x: number }>(db, `SELECT 1 AS x FROM pending_ops WHERE account_id = ? AND state = 'queued' LIMIT 1`).get(accountId) !== undefined;
}

export function operationMessageIds(db: ReadDb, opId: number): number[] {
  return prepare<[number], { message_id: number }>(db, 'SELECT message_id FROM pending_op_messages WHERE op_id = ? ORDER BY message_id')
    .all(opId)
    .map((r) => r.message_id);
}

/** What the UI and `listPendingOperations` show. */
export function listPendingOperations(db: ReadDb, accountId?: string): PendingOperation[] {
  const rows = accountId
    ? prepare<[string], Row>(db, `SELECT ${COLUMNS} FROM pending_ops WHERE account_id = ? ORDER BY id`).all(accountId)
    : prepare<[], Row>(db, `SELECT ${COLUMNS} FROM pending_ops ORDER BY id`).all();
  return rows.map((row) => {
    const op = toOp(row);
    const kind = op.kind === 'damaged' ? knownKind(op.storedKind) : op.kind;
    return {
      id: row.id,
      accountId: row.account_id,
      kind,
      messageIds: operationMessageIds(db, row.id),
      state: row.state,
      error: row.state === 'refused' && row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
      createdAt: new Date(row.created_at).toISOString(),
    };
  });
}

const KINDS: ReadonlySet<string> = new Set(operationKinds);
const knownKind = (kind: string): OperationKind | 'unknown' => (KINDS.has(kind) ? (kind as OperationKind) : 'unknown');

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

/** Messages with a queued operation keep their local state (flags) until the operation reaches the server. */
export function hasQueuedOperation(db: ReadDb, messageId: number): boolean {
  return (
    prepare<[number], { x: number }>(
      db,
      `SELECT 1 AS x FROM pending_op_messages pom JOIN pending_ops po ON po.id = pom.op_id
       WHERE pom.message_id = ? AND po.state = 'queued' LIMIT 1`,
    ).get(messageId) !== undefined
  );
}

/**
 * SQL condition, for a query on `messages` aliased `m`: the row waits for an operation that decides its
 * server identity (a move, delete, expunge, copy or append naming it, queued or refused). Such rows are
 * not orphans to re-match.
 */
export const HELD_BY_OPERATION_SQL = `EXISTS (SELECT 1 FROM pending_op_messages pom JOIN pending_ops po ON po.id = pom.op_id
  WHERE pom.message_id = m.id AND po.kind IN ${HOLDING_KINDS})`;

/** The latest move, delete or expunge naming the message (the one that put it where it is locally). */
export function holdingOperation(db: ReadDb, messageId: number): StoredOperation | null {
  const row = prepare<[number], Row>(
    db,
    `SELECT ${COLUMNS.split(', ')
      .map((c) => `po.${c}`)
      .join(', ')} FROM pending_op_messages pom JOIN pending_ops po ON po.id = pom.op_id
     WHERE pom.message_id = ? AND po.kind IN ('move', 'delete', 'expunge') ORDER BY po.id DESC LIMIT 1`,
  ).get(messageId);
  return row ? toOp(row) : null;
}

/** True when one of the messages was moved or deleted by an operation the server refused. */
export function heldByRefusedMove(db: ReadDb, messageIds: Iterable<number>): boolean {
  const held = prepare<[number], { x: number }>(
    db,
    `SELECT 1 AS x FROM pending_op_messages pom JOIN pending_ops po ON po.id = pom.op_id
     WHERE pom.message_id = ? AND po.state = 'refused' AND po.kind IN ('move', 'delete', 'expunge') LIMIT 1`,
  );
  for (const id of messageIds) if (held.get(id) !== undefined) return true;
  return false;
}

/** Later queued flag changes of the message (after `opId`): the flags they set or clear. */
export function laterFlagChanges(db: ReadDb, opId: number, messageId: number): Set<string> {
  const rows = prepare<[number, number], Row>(
    db,
    `SELECT ${COLUMNS.split(', ')
      .map((c) => `po.${c}`)
      .join(', ')} FROM pending_op_messages pom JOIN pending_ops po ON po.id = pom.op_id
     WHERE pom.message_id = ? AND po.id > ? AND po.kind = 'flags' AND po.state = 'queued'`,
  ).all(messageId, opId);
  const flags = new Set<string>();
  for (const op of rows.map(toOp)) if (op.kind === 'flags') for (const f of [...op.payload.add, ...op.payload.remove]) flags.add(f);
  return flags;
}

/**
 * Queued operations of the account of `opId` that wait on it (their payload's `after`). Only moves,
 * deletes and expunges whose stored payload names an `after` are read and parsed: this runs once per
 * replayed operation, and a queue of a thousand (rules on 10,000 arriving messages) parsed whole each
 * time cost seconds.
 */
export function followersOf(db: ReadDb, opId: number): Follower[] {
  const rows = prepare<[number], Row>(
    db,
    `SELECT ${COLUMNS} FROM pending_ops WHERE state = 'queued' AND account_id = (SELECT account_id FROM pending_ops WHERE id = ?)
     AND kind IN ('move', 'delete', 'expunge') AND payload LIKE '%"after"%' ORDER BY id`,
  ).all(opId);
  return rows
    .map(toOp)
    .filter((op): op is Follower => (op.kind === 'move' || op.kind === 'delete' || op.kind === 'expunge') && op.payload.after?.opId === opId);
}

/** An operation that waits on another (its payload's `after`). */
export type Follower = QueuedOperation & { kind: 'move' | 'delete' | 'expunge' };

/**
 * followersOf for every operation of the account at once, by the operation waited on: read once for a
 * batch's completions, which called followersOf per completed operation and so scanned the queue's
 * payloads once each (a rules run on 10,000 arriving messages completes ~1,000 operations in a few
 * batches). Valid inside the caller's transaction while only resolveFollowers changes these operations:
 * each waits on one operation, so each is resolved at most once.
 */
export function followersByOp(db: ReadDb, accountId: string): Map<number, Follower[]> {
  const rows = prepare<[string], Row>(
    db,
    `SELECT ${COLUMNS} FROM pending_ops WHERE state = 'queued' AND account_id = ?
     AND kind IN ('move', 'delete', 'expunge') AND payload LIKE '%"after"%' ORDER BY id`,
  ).all(accountId);
  const byOp = new Map<number, Follower[]>();
  for (const op of rows.map(toOp)) {
    if ((op.kind !== 'move' && op.kind !== 'delete' && op.kind !== 'expunge') || !op.payload.after) continue;
    const list = byOp.get(op.payload.after.opId) ?? [];
    list.push(op);
    byOp.set(op.payload.after.opId, list);
  }
  return byOp;
}

/** Operations (queued or refused) whose `requires` names `opId`. */
function requirersOf(db: ReadDb, opId: number): number[] {
  return prepare<[number], { id: number }>(db, `SELECT id FROM pending_ops WHERE requires = ? AND state = 'queued' ORDER BY id`)
    .all(opId)
    .map((r) => r.id);
}

/** UIDs of a folder that queued or refused moves, deletes and expunges still hold: not on the server's side of our view yet. */
export function heldUids(db: ReadDb, folderId: number, uidvalidity: number): Set<number> {
  const held = new Set<number>();
  const rows = prepare<[], Row>(db, `SELECT ${COLUMNS} FROM pending_ops WHERE kind IN ('move', 'delete', 'expunge', 'copy')`).all();
  for (const op of rows.map(toOp)) {
    if (op.kind !== 'move' && op.kind !== 'delete' && op.kind !== 'expunge' && op.kind !== 'copy') continue;
    const from = op.payload.from;
    // A copy leaves its source where it is: its UIDs are the server's and the folder's own rows.
    if (op.kind === 'copy' || from?.folderId !== folderId || from.uidvalidity !== uidvalidity) continue;
    for (const item of op.payload.items) held.add(item.uid);
  }
  return held;
}

/** Queued operations with a message in the folder or acting from it (their UIDs there). */
export function queuedOperationsInFolder(db: ReadDb, folderId: number): number[] {
  const byMessage = prepare<[number], { id: number }>(
    db,
    `SELECT DISTINCT po.id FROM pending_ops po JOIN pending_op_messages pom ON pom.op_id = po.id JOIN messages m ON m.id = pom.message_id
     WHERE po.state = 'queued' AND m.folder_id = ?`,
  )
    .all(folderId)
    .map((r) => r.id);
  const ids = new Set(byMessage);
  for (const op of prepare<[], Row>(db, `SELECT ${COLUMNS} FROM pending_ops WHERE state = 'queued'`).all().map(toOp)) {
    if ((op.kind === 'move' || op.kind === 'delete' || op.kind === 'expunge' || op.kind === 'copy') && op.payload.from?.folderId === folderId) ids.add(op.id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Rows of the folder with no UID yet that a move or delete put there, each with that operation. */
export function rowsWaitingInFolder(db: ReadDb, folderId: number): Array<{ messageId: number; accountId: string; op: StoredOperation }> {
  const rows = prepare<[number], Row & { message_id: number; message_account: string }>(
    db,
    `SELECT m.id AS message_id, m.account_id AS message_account, ${COLUMNS.split(', ')
      .map((c) => `po.${c}`)
      .join(', ')} FROM messages m
     JOIN pending_op_messages pom ON pom.message_id = m.id JOIN pending_ops po ON po.id = pom.op_id
     WHERE m.folder_id = ? AND m.uid IS NULL AND po.kind IN ('move', 'delete')`,
  ).all(folderId);
  return rows.map((row) => ({ messageId: row.message_id, accountId: row.message_account, op: toOp(row) }));
}

// ——— Replay bookkeeping ——————————————————————————————————————————————————————————————————————

/** The operation reached the server: it and its message links go (the messages' pendingState clears). */
export function completeOperation(db: WriteDb, changes: ChangeRecorder, opId: number): void {
  const ids = operationMessageIds(db, opId);
  prepare<[number]>(db, 'DELETE FROM pending_ops WHERE id = ?').run(opId);
  touchMessages(db, changes, ids);
}

/** Removes the operation without replaying it (the caller undid its local change). */
export function deleteOperation(db: WriteDb, changes: ChangeRecorder, opId: number): void {
  completeOperation(db, changes, opId);
}

/**
 * The server refused the operation: it stays, marked, with the reason, until the user discards it. The
 * operations waiting on it (WaitingOn, `requires`) are refused too: the server has their messages where
 * it had them before, not where the user put them.
 */
export function refuseOperation(db: WriteDb, changes: ChangeRecorder, opId: number, error: { code: string; message: string }): void {
  prepare(db, `UPDATE pending_ops SET state = 'refused', error_code = ?, error_message = ?, attempts = attempts + 1 WHERE id = ?`).run(
    error.code,
    error.message,
    opId,
  );
  touchMessages(db, changes, operationMessageIds(db, opId));
  const dependants = new Set([...followersOf(db, opId).map((f) => f.id), ...requirersOf(db, opId)]);
  for (const id of dependants) {
    refuseOperation(db, changes, id, {
      code: 'OPERATION_REFUSED',
      message: 'An earlier change to these messages was refused by the server, so this one could not be applied.',
    });
  }
}

/** A damaged operation met by a replay: refused with OPERATION_DAMAGED and what could not be read. */
export function refuseDamaged(db: WriteDb, changes: ChangeRecorder, op: DamagedOperation): void {
  refuseOperation(db, changes, op.id, {
    code: 'OPERATION_DAMAGED',
    message: `A queued change (${op.storedKind}) could not be read back (${op.problem}), so it was not sent. Discard it and do it again if it is still wanted.`,
  });
}

/**
 * Marks a move, delete or expunge as sent, in its own transaction, before its first command goes out: if
 * the process dies from here on, the replay looks on the server before sending it again.
 */
/**
 * Marks the operation sent as the replay read it, unless it changed since: the replay asks the server
 * something first (an await), and an action taken back or taken over meanwhile cancels or rewrites an
 * operation not sent yet (undo of a delete, a later move of the same message, a cancelled upload). False
 * then, with nothing marked: what the replay read must not go to the server; the next round reads it again.
 */
export function markSentAsRead(db: WriteDb, read: QueuedOperation, target: SentMark['target']): boolean {
  const now = findOperation(db, read.id);
  if (!now || now.state !== 'queued' || now.sent !== null || now.kind !== read.kind || JSON.stringify(now.payload) !== JSON.stringify(read.payload)) {
    return false;
  }
  markSent(db, read.id, target);
  return true;
}

export function markSent(db: WriteDb, opId: number, target: SentMark['target']): void {
  const mark: SentMark = { at: Date.now(), target };
  prepare(db, 'UPDATE pending_ops SET sent = ? WHERE id = ?').run(JSON.stringify(mark), opId);
}

/** A replay attempt failed for a reason that may pass (the connection dropped): keep it queued, count it. */
export function recordAttempt(db: WriteDb, opId: number, error: { code: string; message: string }): number {
  prepare(db, 'UPDATE pending_ops SET attempts = attempts + 1, error_code = ?, error_message = ? WHERE id = ?').run(error.code, error.message, opId);
  return prepare<[number], { attempts: number }>(db, 'SELECT attempts FROM pending_ops WHERE id = ?').get(opId)?.attempts ?? 0;
}

/**
 * The operation `opId` finished: where the server now has each of its messages that others wait on
 * (`placed`: UID in the folder it put them in). Each waiting message becomes an ordinary item of the
 * operation that waits (its source is that folder); one without a known place is not on the server as
 * far as we can tell: it leaves the operation (its row, no longer held, is matched or dropped by the
 * folder's next sync). An operation left with nothing to do goes.
 */
export function resolveFollowers(
  db: WriteDb,
  changes: ChangeRecorder,
  opId: number,
  placed: Map<number, { uidvalidity: number; uid: number }>,
  followers: readonly Follower[] = followersOf(db, opId),
): void {
  for (const follower of followers) {
    const after = follower.payload.after!;
    const linked = new Set(operationMessageIds(db, follower.id));
    const items: OpItem[] = [...follower.payload.items];
    let from = follower.payload.from;
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
    const { after: _resolved, ...rest } = follower.payload;
    void _resolved;
    updatePayload(db, follower.id, { kind: follower.kind, payload: { ...rest, from, items } } as { kind: typeof follower.kind; payload: PayloadOf<typeof follower.kind> });
  }
}

/**
 * Takes one message out of an operation that holds it (a later action on the message replaces it): its
 * item, or its place among those waiting (`after`). The operation goes when it holds nothing more.
 */
export function takeMessageOut(db: WriteDb, op: QueuedOperation & { kind: 'move' | 'delete' | 'expunge' }, messageId: number): void {
  const items = op.payload.items.filter((i) => i.messageId !== messageId);
  const after: WaitingOn | undefined = op.payload.after && { ...op.payload.after, messageIds: op.payload.after.messageIds.filter((id) => id !== messageId) };
  prepare<[number, number]>(db, 'DELETE FROM pending_op_messages WHERE op_id = ? AND message_id = ?').run(op.id, messageId);
  if (items.length === 0 && (after?.messageIds.length ?? 0) === 0) {
    prepare<[number]>(db, 'DELETE FROM pending_ops WHERE id = ?').run(op.id);
    return;
  }
  const payload = { ...op.payload, items, ...(after ? { after } : {}) };
  updatePayload(db, op.id, { kind: op.kind, payload } as { kind: typeof op.kind; payload: PayloadOf<typeof op.kind> });
}

/**
 * Messages that no longer exist locally (expunged on the server, their folder deleted) leave the
 * operations that named them; a queued operation left with no message goes too (nothing left to do),
 * a refused one stays until the user has seen and discarded it. Operations that never name messages
 * (folder operations, send) are not touched.
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

// ——— Folder operations ———————————————————————————————————————————————————————————————————————

type FolderOperation = QueuedOperation & { kind: 'folder-create' | 'folder-rename' | 'folder-delete' | 'folder-subscribe' };
const isFolderKind = (op: StoredOperation): op is FolderOperation =>
  op.kind === 'folder-create' || op.kind === 'folder-rename' || op.kind === 'folder-delete' || op.kind === 'folder-subscribe';

/** The account's queued folder operations (CREATE, RENAME, DELETE, SUBSCRIBE), oldest first. */
export function queuedFolderOperations(db: ReadDb, accountId: string): FolderOperation[] {
  return prepare<[string], Row>(
    db,
    `SELECT ${COLUMNS} FROM pending_ops WHERE account_id = ? AND state = 'queued' AND kind LIKE 'folder-%' ORDER BY id`,
  )
    .all(accountId)
    .map(toOp)
    .filter(isFolderKind);
}

/** True when `path` is `root` or lies under it (`root` + separator + …). */
export function pathWithin(path: string, root: string, delimiter: string | null): boolean {
  return path === root || (delimiter !== null && delimiter !== '' && path.startsWith(root + delimiter));
}

/** `path` with its `from` prefix replaced by `to` (only when it lies within `from`). */
function rebase(path: string, from: string, to: string, delimiter: string | null): string {
  return pathWithin(path, from, delimiter) ? to + path.slice(from.length) : path;
}

/**
 * Where the server has the local folder path `path` at the time the operation `opId` is replayed: the
 * renames queued after it have not reached the server yet, so they are taken back, newest first (a flag
 * change queued before a rename still finds its messages under the old name).
 */
export function serverPathAt(db: ReadDb, accountId: string, path: string, delimiter: string | null, opId: number): string {
  let result = path;
  const later = queuedFolderOperations(db, accountId)
    .filter((op) => op.id > opId && op.kind === 'folder-rename')
    .reverse();
  for (const op of later) if (op.kind === 'folder-rename') result = rebase(result, op.payload.to, op.payload.from, delimiter);
  return result;
}

/**
 * Rewrites the folder paths that queued operations of the account name (sources, targets, folders), for
 * the operations `which` selects: after a RENAME reached the server, the operations queued before it that
 * are still waiting name the folder by its new path; after a refused RENAME, the ones queued after it go
 * back to the old path (the server kept it).
 */
export function rewriteQueuedPaths(
  db: WriteDb,
  accountId: string,
  move: { from: string; to: string; delimiter: string | null },
  which: (opId: number) => boolean,
): void {
  const r = (path: string) => rebase(path, move.from, move.to, move.delimiter);
  const ref = <T extends { path: string }>(place: T): T => ({ ...place, path: r(place.path) });
  for (const op of listQueuedOperations(db, accountId)) {
    if (op.kind === 'damaged' || !which(op.id)) continue;
    let next: Operation | null = null;
    switch (op.kind) {
      case 'move':
        next = { kind: op.kind, payload: { ...op.payload, from: op.payload.from && ref(op.payload.from), to: ref(op.payload.to), ...(op.payload.after ? { after: { ...op.payload.after, at: ref(op.payload.after.at) } } : {}) } };
        break;
      case 'delete':
        next = { kind: op.kind, payload: { ...op.payload, from: op.payload.from && ref(op.payload.from), trash: ref(op.payload.trash), ...(op.payload.after ? { after: { ...op.payload.after, at: ref(op.payload.after.at) } } : {}) } };
        break;
      case 'expunge':
        next = { kind: op.kind, payload: { ...op.payload, from: op.payload.from && ref(op.payload.from), ...(op.payload.after ? { after: { ...op.payload.after, at: ref(op.payload.after.at) } } : {}) } };
        break;
      case 'copy':
        next = { kind: op.kind, payload: { ...op.payload, from: ref(op.payload.from), to: ref(op.payload.to) } };
        break;
      case 'append':
        next = { kind: op.kind, payload: { ...op.payload, to: ref(op.payload.to) } };
        break;
      case 'folder-create':
      case 'folder-delete':
      case 'folder-subscribe':
        next = { kind: op.kind, payload: { ...op.payload, path: r(op.payload.path) } } as Operation;
        break;
      case 'folder-rename':
        next = { kind: op.kind, payload: { ...op.payload, from: r(op.payload.from), to: r(op.payload.to) } };
        break;
      default:
        break;
    }
    if (next && JSON.stringify(next.payload) !== JSON.stringify(op.payload)) {
      prepare(db, 'UPDATE pending_ops SET payload = ? WHERE id = ?').run(serializeOperation(next), op.id);
    }
  }
}

/**
 * Operations, queued or refused, that involve any of these folders: a message in one of them, a move,
 * copy, delete, expunge or upload from or to one, or a folder operation on one. A folder they involve is
 * not deleted (FOLDER_BUSY) until they have reached the server or been discarded.
 */
export function operationsInvolvingFolders(db: ReadDb, folderIds: readonly number[]): number[] {
  const set = new Set(folderIds);
  const ids = new Set<number>();
  const byMessage = prepare<[number], { id: number }>(
    db,
    `SELECT DISTINCT po.id FROM pending_ops po JOIN pending_op_messages pom ON pom.op_id = po.id JOIN messages m ON m.id = pom.message_id WHERE m.folder_id = ?`,
  );
  for (const folderId of set) for (const { id } of byMessage.all(folderId)) ids.add(id);
  for (const op of prepare<[], Row>(db, `SELECT ${COLUMNS} FROM pending_ops`).all().map(toOp)) {
    const named: Array<number | null | undefined> = [];
    switch (op.kind) {
      case 'move':
        named.push(op.payload.from?.folderId, op.payload.to.folderId, op.payload.after?.at.folderId);
        break;
      case 'delete':
        named.push(op.payload.from?.folderId, op.payload.trash.folderId, op.payload.after?.at.folderId);
        break;
      case 'expunge':
        named.push(op.payload.from?.folderId, op.payload.after?.at.folderId);
        break;
      case 'copy':
        named.push(op.payload.from.folderId, op.payload.to.folderId);
        break;
      case 'append':
        named.push(op.payload.to.folderId);
        break;
      case 'folder-create':
      case 'folder-rename':
      case 'folder-delete':
        named.push(op.payload.folderId);
        break;
      default:
        break;
    }
    if (named.some((id) => id !== null && id !== undefined && set.has(id))) ids.add(op.id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Queued operations of the account after `opId` that put messages into the folder (move, delete to it, copy, upload). */
export function queuedOperationsInto(db: ReadDb, accountId: string, folderId: number, afterOpId: number): QueuedOperation[] {
  return listQueuedOperations(db, accountId).filter(
    (op): op is QueuedOperation =>
      op.kind !== 'damaged' &&
      op.id > afterOpId &&
      ((op.kind === 'move' && op.payload.to.folderId === folderId) ||
        (op.kind === 'delete' && op.payload.trash.folderId === folderId) ||
        (op.kind === 'copy' && op.payload.to.folderId === folderId) ||
        (op.kind === 'append' && op.payload.to.folderId === folderId)),
  );
}

/** The queued `append` that holds the message (it waits in its target folder for the upload), if any. */
export function queuedAppendOf(db: ReadDb, messageId: number): (QueuedOperation & { kind: 'append' }) | null {
  const row = prepare<[number], Row>(
    db,
    `SELECT ${COLUMNS.split(', ')
      .map((c) => `po.${c}`)
      .join(', ')} FROM pending_op_messages pom JOIN pending_ops po ON po.id = pom.op_id
     WHERE pom.message_id = ? AND po.kind = 'append' AND po.state = 'queued' ORDER BY po.id DESC LIMIT 1`,
  ).get(messageId);
  const op = row ? toOp(row) : null;
  return op && op.kind === 'append' ? (op as QueuedOperation & { kind: 'append' }) : null;
}

/**
 * How many of an IMAP account's messages exist only in this store: moved or copied in from another
 * account (or saved here) and not yet uploaded, their APPEND still queued or refused. Removing the
 * account loses them, so the removal names the count first, as for a POP3 account's local-only mail.
 */
export function awaitingUploadCount(db: ReadDb, accountId: string): number {
  const row = prepare<[string], { count: number }>(
    db,
    `SELECT count(DISTINCT m.id) AS count FROM messages m
       JOIN pending_op_messages pom ON pom.message_id = m.id
       JOIN pending_ops po ON po.id = pom.op_id AND po.kind = 'append' AND po.account_id = m.account_id
      WHERE m.account_id = ? AND m.deleted_locally = 0`,
  ).get(accountId);
  return row?.count ?? 0;
}

/** Operations (queued or refused) that wait for `opId` through `requires`. */
export function operationsRequiring(db: ReadDb, opId: number): StoredOperation[] {
  return prepare<[number], Row>(db, `SELECT ${COLUMNS} FROM pending_ops WHERE requires = ? ORDER BY id`).all(opId).map(toOp);
}
