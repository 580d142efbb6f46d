import { HomingError } from '../../../../shared/errors';
import { prepare } from '../../../store/db';
import { findFolderById } from '../../../store/folders';
import { setMovedUid } from '../../../store/imap-state';
import type { FlagsPayload, OpItem } from '../../../store/operation-kinds';
import {
  completeOperation,
  findOperation,
  followersByOp,
  markSentAsRead,
  operationMessageIds,
  type QueuedOperation,
  type StoredOperation,
  resolveFollowers,
  type SentMark,
  serverPathAt,
  operationsRequiring,
  unlinkMessages,
} from '../../../store/operation-queue';
import { writeTransaction } from '../../../store/write-transaction';
import type { ImapPass } from '../imap-pass';
import { imapLimits } from '../limits';
import { uidChunks, uidSet } from '../../../protocols/imap/uid-set';
import { findMovedInTarget, presentUids, targetState } from './find-moved';
import { OperationChanged } from './operation-changed';
import { copyItems, Gone, moveItems, type Placed, type PlacedInTarget, refused, removeCopied, type ReplayResult, selectForWrite, settleGone, sourceOf, waitsOnAnother } from './replay-shared';

/**
 * Batches of the replay (replay-pending.ts): consecutive queued operations of one change on one folder
 * sent to the server as one command.
 */

/**
 * What makes operations one batch: the same kind, the same source folder and the same target (a move or
 * delete not sent yet and waiting on nothing), or flag changes of any flags (replayFlagsBatch merges
 * them per message). Null: alone.
 */
function batchKey(op: QueuedOperation): string | null {
  if (op.requires !== null) return null;
  switch (op.kind) {
    case 'flags':
      return 'flags';
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
 * The operation and the later ones that can go with it as one batch. A later one joins when it has the
 * same key and no operation between the two (left for later) conflicts with it on one of its messages, so
 * each message still ends as its changes in the order they were made would leave it:
 * - a move or delete to Trash left for later conflicts with every later operation on its messages;
 * - a flag change left for later conflicts only with a later flag change of the same message that sets or
 *   clears one of the same flags. Flag changes of other flags commute, and a flag change commutes with a
 *   move (the move carries the server's flags; a flag change sent after it finds the message by the UID
 *   the move told). Rules interleave both: "read" of one rule, "tag" of another and "move" of a third
 *   per stored batch, which kept every run of them apart.
 * The scan stops at any kind other than a flag change, move or delete (folder operations, uploads,
 * expunges keep their place). Operations in `taken` (earlier batches of a move chain, moveChain) count as
 * done already.
 */
export function batchWith(
  pass: ImapPass,
  first: QueuedOperation,
  later: StoredOperation[],
  waitingFlags: ReadonlySet<number>,
  passed: readonly StoredOperation[] = [],
  taken: ReadonlySet<number> = new Set(),
): QueuedOperation[] {
  const key = batchKey(first);
  if (key === null) return [first];
  if (first.kind === 'flags' && !flagsPlaced(pass, operationMessageIds(pass.db, first.id), waitingFlags)) return [first];
  const batch: QueuedOperation[] = [first];
  const movedOver = new Set<number>();
  const flaggedOver = new Map<number, Set<string>>();
  const sharesFlag = (id: number, touches: ReadonlySet<string>) => [...(flaggedOver.get(id) ?? [])].some((name) => touches.has(name));
  // Operations before `first` that it went ahead of (sameSourceNext): left for later, so no operation
  // after it may pass them either.
  for (const listed of passed) {
    if (taken.has(listed.id)) continue;
    const op = findOperation(pass.db, listed.id);
    if (!op || op.state !== 'queued') continue;
    if (op.kind !== 'flags' && op.kind !== 'move' && op.kind !== 'delete') return [first];
    const ids = operationMessageIds(pass.db, op.id);
    if (op.kind === 'flags') {
      const names = flagNames(op.payload);
      for (const id of ids) flaggedOver.set(id, new Set([...(flaggedOver.get(id) ?? []), ...names]));
    } else {
      for (const id of ids) movedOver.add(id);
      for (const item of op.payload.items) movedOver.add(item.messageId);
    }
  }
  for (const listed of later) {
    if (taken.has(listed.id)) continue;
    const op = findOperation(pass.db, listed.id);
    if (!op || op.state !== 'queued') continue;
    if (op.kind !== 'flags' && op.kind !== 'move' && op.kind !== 'delete') break;
    const ids = operationMessageIds(pass.db, op.id);
    const joins =
      batchKey(op) === key &&
      ids.every((id) => !movedOver.has(id)) &&
      (op.kind !== 'flags' || (ids.every((id) => !sharesFlag(id, flagNames(op.payload))) && flagsPlaced(pass, ids, waitingFlags)));
    if (joins) {
      batch.push(op);
    } else if (op.kind === 'flags') {
      const names = flagNames(op.payload);
      for (const id of ids) flaggedOver.set(id, new Set([...(flaggedOver.get(id) ?? []), ...names]));
    } else {
      for (const id of ids) movedOver.add(id);
    }
    if (op.kind === 'move' || op.kind === 'delete') for (const item of op.payload.items) movedOver.add(item.messageId);
  }
  return batch;
}

/**
 * After a move batch out of `source` went to the server: the first later move or delete to Trash out of
 * the same folder (not sent yet, waiting on nothing) that can go before the operations between it and
 * there, or null. None of those operations may name one of its messages (stricter than batchWith: a flag
 * change of one of them keeps it in its place too), and the look stops at any kind other than a flag
 * change, move or delete, as batchWith's does. Moves of other messages commute, so each message still
 * ends as its changes in order would leave it; the gain is the server's: rules queue moves to eight
 * folders with flag changes between, and each flag batch on another folder made the next move batch
 * SELECT the 10,000-message INBOX again (~0.1–0.3 s each on Dovecot, whose Maildir is synced at every
 * SELECT after expunges). Operations in `taken` count as done already.
 */
export function sameSourceNext(
  pass: ImapPass,
  source: { folderId: number; uidvalidity: number },
  later: StoredOperation[],
  taken: ReadonlySet<number> = new Set(),
): { op: QueuedOperation; index: number } | null {
  const named = new Set<number>();
  for (const [index, listed] of later.entries()) {
    if (taken.has(listed.id)) continue;
    const op = findOperation(pass.db, listed.id);
    if (!op || op.state !== 'queued') continue;
    if (op.kind !== 'flags' && op.kind !== 'move' && op.kind !== 'delete') return null;
    const ids = operationMessageIds(pass.db, op.id);
    if (op.kind !== 'flags') for (const item of op.payload.items) ids.push(item.messageId);
    const from = op.kind !== 'flags' && batchKey(op) !== null ? op.payload.from : null;
    if (from && from.folderId === source.folderId && from.uidvalidity === source.uidvalidity && ids.every((id) => !named.has(id))) return { op, index };
    for (const id of ids) named.add(id);
  }
  return null;
}

/**
 * A move batch and the later move batches out of the same folder that may go before the operations
 * between them (sameSourceNext), each looked for as if the batches before it were done: replayMoveChain
 * sends them together. Just the batch on a server without UIDPLUS (the chain removes the copies from the
 * source with UID EXPUNGE of exactly their UIDs; a plain EXPUNGE would take other clients' \Deleted mail).
 */
export function moveChain(pass: ImapPass, first: QueuedOperation[], later: StoredOperation[], waitingFlags: ReadonlySet<number>): QueuedOperation[][] {
  const head = first[0]!;
  if ((head.kind !== 'move' && head.kind !== 'delete') || !pass.connection.has('UIDPLUS')) return [first];
  const source = sourceOf(head.payload);
  const chain = [first];
  const taken = new Set(first.map((op) => op.id));
  for (;;) {
    const next = sameSourceNext(pass, source, later, taken);
    if (!next) return chain;
    const batch = batchWith(pass, next.op, later.slice(next.index + 1), waitingFlags, later.slice(0, next.index), taken);
    chain.push(batch);
    for (const op of batch) taken.add(op.id);
  }
}

/** Where a message leaving with a move not sent yet is on the server: its source folder and its UID there. */
type SourcePlace = { folderId: number; path: string; delimiter: string | null; uidvalidity: number; uid: number };

/**
 * Flag changes queued after a move chain (moveChain) out of `source` that can go to the server before it,
 * in the source folder: each of their messages is either placed there (a UID in the source) or on its way
 * out of it with one of the chain's moves (no UID yet; the move's item names its UID in the source). The
 * move carries the message's flags and keywords (RFC 6851 section 3.3, and COPY's RFC 3501 section
 * 6.4.7), so a flag change sent just before it leaves the message as the two in the order they were made.
 * Rules move and then mark: "move to Lists, tag lists", or a later rule's "read" of mail an earlier one
 * moved; sent in their turn, such flag changes wait for the move's new UIDs and then cost a SELECT of each
 * target and a STORE per target and set of flags (45 of the rules bench's 79 STOREs and its 8 SELECTs of
 * small folders); before the moves they join the source's STOREs.
 * A flag change is taken in queue order as batchWith would take it, with the chain's moves counting as
 * done: not when an operation before it that stays (a move or delete outside the chain, a flag change of
 * one of the same flags) names one of its messages, nor when one of its messages waits this round; the
 * look stops at any other kind. Each message ends as its changes in order would leave it (replayFlagsBatch
 * merges them per message in this order). `at` gives the messages without a UID their place in the source.
 */
export function flagsBeforeMoves(
  pass: ImapPass,
  chain: QueuedOperation[][],
  later: StoredOperation[],
  waitingFlags: ReadonlySet<number>,
): { ops: QueuedOperation[]; at: Map<number, SourcePlace> } {
  const head = chain[0]![0]!;
  const none = { ops: [], at: new Map() };
  if (head.kind !== 'move' && head.kind !== 'delete') return none;
  const source = sourceOf(head.payload);
  const inChain = new Set<number>();
  const delimiter = findFolderById(pass.db, source.folderId)?.delimiter ?? null;
  const leaving = new Map<number, SourcePlace>();
  for (const op of chain.flat()) {
    // Only moves not sent yet, waiting on nothing: where the server has their messages is known.
    if ((op.kind !== 'move' && op.kind !== 'delete') || op.sent !== null || op.requires !== null || waitsOnAnother(op.payload) || !op.payload.from) return none;
    inChain.add(op.id);
    const linked = new Set(operationMessageIds(pass.db, op.id));
    for (const item of op.payload.items) if (linked.has(item.messageId)) leaving.set(item.messageId, { folderId: source.folderId, path: source.path, delimiter, uidvalidity: source.uidvalidity, uid: item.uid });
  }
  const place = prepare<[number], { folderId: number; uidvalidity: number | null; uid: number | null }>(
    pass.db,
    'SELECT folder_id AS folderId, uidvalidity, uid FROM messages WHERE id = ?',
  );
  const inSource = (id: number): boolean => {
    const row = place.get(id);
    if (!row) return false;
    if (row.uid === null || row.uidvalidity === null) return leaving.has(id);
    return row.folderId === source.folderId && row.uidvalidity === source.uidvalidity;
  };
  const ops: QueuedOperation[] = [];
  const at = new Map<number, SourcePlace>();
  const movedOver = new Set<number>();
  const flaggedOver = new Map<number, Set<string>>();
  for (const listed of later) {
    if (inChain.has(listed.id)) continue;
    const op = findOperation(pass.db, listed.id);
    if (!op || op.state !== 'queued') continue;
    if (op.kind !== 'flags' && op.kind !== 'move' && op.kind !== 'delete') break;
    const ids = operationMessageIds(pass.db, op.id);
    if (op.kind !== 'flags') {
      for (const id of ids) movedOver.add(id);
      for (const item of op.payload.items) movedOver.add(item.messageId);
      continue;
    }
    const names = flagNames(op.payload);
    const goes =
      op.requires === null &&
      ids.length > 0 &&
      ids.every((id) => !waitingFlags.has(id) && !movedOver.has(id) && ![...(flaggedOver.get(id) ?? [])].some((n) => names.has(n)) && inSource(id));
    if (!goes) {
      for (const id of ids) flaggedOver.set(id, new Set([...(flaggedOver.get(id) ?? []), ...names]));
      continue;
    }
    ops.push(op);
    for (const id of ids) {
      const out = leaving.get(id);
      if (out && place.get(id)?.uid === null) at.set(id, out);
    }
  }
  return { ops, at };
}

/**
 * Sends flagsBeforeMoves' flag changes (one batch, replayFlagsBatch) before the chain they go ahead of.
 * Null when it failed before its completion was committed: they are then left queued for their own turn.
 */
export async function replayFlagsBeforeMoves(pass: ImapPass, before: ReturnType<typeof flagsBeforeMoves>): Promise<ReplayResult | null> {
  if (before.ops.length === 0) return { replayed: 0, refused: 0 };
  try {
    return await replayFlagsBatch(pass, before.ops, before.at);
  } catch (error) {
    if (error instanceof OperationChanged) return null;
    pass.connection.takeCommandError();
    return null;
  }
}

/** The flags and keywords a flag change sets or clears (IMAP compares them without regard to case). */
function flagNames(payload: FlagsPayload): Set<string> {
  return new Set([...payload.add, ...payload.remove].map((name) => name.toLowerCase()));
}

/**
 * Replays a batch: a move batch as one command per folder (and per `uidSetChars` of UID set), a flag batch
 * as at most one command per message for what it sets and one for what it clears (replayFlagsBatch);
 * commits the completion of all its operations in one transaction. Null when the batch failed before any completion was
 * committed: the caller replays its operations one by one, which is always safe (a flag change is
 * idempotent; a move was marked sent, so its own replay looks in the target before sending again) and
 * gives a refusal to exactly the operation the server refuses, with its own rows rolled back.
 */
export async function replayBatch(pass: ImapPass, batch: QueuedOperation[]): Promise<ReplayResult | null> {
  return replayMoveChain(pass, [batch]);
}

/**
 * Replays a move chain (moveChain): its batches' moves out of one folder, to a target each. Null as for
 * replayBatch: the first operation is then replayed alone, and every other one in its turn (each marked
 * sent looks in its target first, so a batch copied but not yet removed from the source is finished,
 * never copied twice).
 */
export async function replayMoveChain(pass: ImapPass, chain: QueuedOperation[][]): Promise<ReplayResult | null> {
  try {
    const first = chain[0]![0]!;
    return first.kind === 'flags' ? await replayFlagsBatch(pass, chain[0]!) : await replayMoveBatches(pass, chain);
  } catch (error) {
    if (error instanceof OperationChanged) return null;
    // A connection failure is met again by the first operation alone, which counts the attempt.
    pass.connection.takeCommandError();
    return null;
  }
}

/**
 * Flag changes merged per message: each message's changes, in the order they were made, leave it with
 * flags to set and flags to clear (a later change of a flag overrides an earlier one). Messages with the
 * same flags to set go in one UID STORE +FLAGS per folder, and likewise for clearing, so each message
 * gets at most one of each. A Maildir server (Dovecot) renames a message's file for every STORE that
 * changes it: rules that mark read, flag and tag the same message cost one rename instead of three.
 */
async function replayFlagsBatch(pass: ImapPass, batch: QueuedOperation[], at: ReadonlyMap<number, SourcePlace> = new Map()): Promise<ReplayResult> {
  const { db } = pass;
  const find = prepare<[number], Placed & { delimiter: string | null }>(
    db,
    `SELECT m.id AS messageId, m.folder_id AS folderId, f.path, f.delimiter, m.uidvalidity, m.uid FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?`,
  );
  const folders = new Map<string, { path: string; uidvalidity: number }>();
  // Per message: its folder's key, its UID, and each flag's last wish (IMAP compares flags without regard to case).
  const wishes = new Map<number, { folder: string; uid: number; flags: Map<string, { name: string; on: boolean }> }>();
  const named = new Map<number, Placed[]>();
  for (const op of batch) {
    if (op.kind !== 'flags') throw new Error('not a flag batch');
    const rows: Placed[] = [];
    for (const id of operationMessageIds(db, op.id)) {
      const found = find.get(id);
      if (!found) continue;
      // A message on its way out of the source with a move not sent yet (flagsBeforeMoves): its place there.
      const leaving = found.uid === null ? at.get(id) : undefined;
      const row = leaving ? { ...found, ...leaving } : found;
      if (row.uid === null || row.uidvalidity === null) continue;
      rows.push(found);
      const folder = `${row.folderId}:${row.uidvalidity}`;
      // Every operation of the batch has the same renames queued after it (the batch stops at folder operations).
      if (!folders.has(folder)) folders.set(folder, { path: serverPathAt(db, pass.account.id, row.path, row.delimiter, op.id), uidvalidity: row.uidvalidity });
      const wish = wishes.get(id) ?? { folder, uid: row.uid, flags: new Map() };
      for (const name of op.payload.add) wish.flags.set(name.toLowerCase(), { name, on: true });
      for (const name of op.payload.remove) wish.flags.set(name.toLowerCase(), { name, on: false });
      wishes.set(id, wish);
    }
    named.set(op.id, rows);
  }
  // Per folder, UIDs by the exact list of flags to set, and by the list to clear.
  const commands = new Map<string, { add: Map<string, { flags: string[]; uids: number[] }>; remove: Map<string, { flags: string[]; uids: number[] }> }>();
  for (const { folder, uid, flags } of wishes.values()) {
    const of = commands.get(folder) ?? { add: new Map(), remove: new Map() };
    commands.set(folder, of);
    for (const [on, groups] of [
      [true, of.add],
      [false, of.remove],
    ] as const) {
      const names = [...flags.values()].filter((f) => f.on === on).map((f) => f.name).sort();
      if (names.length === 0) continue;
      const key = JSON.stringify(names);
      const group = groups.get(key) ?? { flags: names, uids: [] };
      group.uids.push(uid);
      groups.set(key, group);
    }
  }
  // The folder open for writing first (usually the source of the moves just sent: INBOX): flag changes of
  // different folders touch different messages, so their order is free, and each SELECT of a large Maildir
  // folder makes Dovecot sync it again (~0.1 s for a 10,000-message INBOX, once per flag batch).
  const open = pass.connection.client.mailbox;
  const isOpen = (folder: string) => {
    const place = folders.get(folder)!;
    return Boolean(open && !open.readOnly && open.path === place.path && Number(open.uidValidity) === place.uidvalidity);
  };
  const order = [...commands].sort(([a], [b]) => Number(isOpen(b)) - Number(isOpen(a)));
  for (const [folder, { add, remove }] of order) {
    await selectForWrite(pass, folders.get(folder)!);
    for (const { flags, uids } of add.values()) {
      for (const part of uidChunks(uids, (uid) => uid, imapLimits.uidSetChars)) {
        if (!(await pass.connection.client.messageFlagsAdd(uidSet(part), flags, { uid: true }))) throw refused(pass, `set ${flags.join(' ')}`);
      }
    }
    for (const { flags, uids } of remove.values()) {
      for (const part of uidChunks(uids, (uid) => uid, imapLimits.uidSetChars)) {
        if (!(await pass.connection.client.messageFlagsRemove(uidSet(part), flags, { uid: true }))) throw refused(pass, `clear ${flags.join(' ')}`);
      }
    }
  }
  const freed = writeTransaction(db, (changes) => {
    const waiting: string[] = [];
    const followers = followersByOp(db, pass.account.id);
    for (const op of batch) {
      const rows = named.get(op.id) ?? [];
      unlinkMessages(db, op.id, rows.map((p) => p.messageId));
      for (const p of rows) changes.message(pass.account.id, p.folderId, p.messageId);
      waiting.push(...operationsRequiring(db, op.id).map((o) => o.accountId));
      resolveFollowers(db, changes, op.id, new Map(), followers.get(op.id) ?? []);
      completeOperation(db, changes, op.id);
    }
    return waiting;
  });
  if (freed.length > 0) pass.engine.released?.(freed);
  return { replayed: batch.length, refused: 0 };
}

/**
 * Moves (or deletes to Trash) out of one source, not sent yet: one batch per target (moveChain), each
 * marked sent with its target's UIDVALIDITY and UIDNEXT (each operation only if unchanged since read; a
 * changed one is left out and read again later) before any of them is sent, completed together. One
 * target: UID MOVE per `uidSetChars` of UID set. Several: UID COPY to each target, then the copied
 * messages leave the source together, one STORE \Deleted and one UID EXPUNGE. Dovecot pays ~0.1–0.3 s
 * for each expunge out of a large Maildir (it syncs the folder again), so eight MOVEs of a rules run out
 * of a 10,000-message INBOX cost it ~1.3–1.5 s, eight COPYs and one removal ~0.8–1.0 s (load 11). The
 * chain stops before a batch whose target folder is gone or whose operations all changed; the batches
 * after it wait for their turn in the queue.
 */
async function replayMoveBatches(pass: ImapPass, chain: QueuedOperation[][]): Promise<ReplayResult> {
  const { db, connection } = pass;
  const head = chain[0]![0]!;
  if (head.kind !== 'move' && head.kind !== 'delete') throw new Error('not a move batch');
  const from = sourceOf(head.payload);
  const itemsOf = (op: QueuedOperation): OpItem[] => (op.kind === 'move' || op.kind === 'delete' ? op.payload.items : []);
  const batches: Array<{ ops: QueuedOperation[]; to: { folderId: number; path: string }; target: SentMark['target'] }> = [];
  for (const read of chain) {
    const first = read[0]!;
    if (first.kind !== 'move' && first.kind !== 'delete') break;
    const to = first.kind === 'move' ? first.payload.to : first.payload.trash;
    if (!findFolderById(db, to.folderId)) break;
    let target: SentMark['target'];
    try {
      target = await targetState(connection, to.path);
    } catch (error) {
      // No such folder on the server: that batch is refused in its own turn.
      if (batches.length > 0 && error instanceof HomingError && error.code === 'OPERATION_REFUSED') break;
      throw error;
    }
    const ops = writeTransaction(db, () => read.filter((op) => markSentAsRead(db, op, target)));
    if (ops.length === 0) break;
    batches.push({ ops, to, target });
  }
  if (batches.length === 0) throw new OperationChanged(); // refused one by one
  await selectForWrite(pass, from);
  const present = new Set<number>();
  for (const part of uidChunks(
    batches.flatMap((b) => b.ops.flatMap(itemsOf)),
    (i) => i.uid,
    imapLimits.uidSetChars,
  )) {
    for (const uid of await presentUids(connection, uidSet(part.map((i) => i.uid)))) present.add(uid);
  }
  const placed: PlacedInTarget = new Map();
  if (batches.length === 1) {
    const { ops, to } = batches[0]!;
    for (const [id, place] of await moveItems(pass, ops.flatMap(itemsOf).filter((i) => present.has(i.uid)), to)) placed.set(id, place);
  } else {
    const copied: OpItem[] = [];
    for (const { ops, to } of batches) {
      const items = ops.flatMap(itemsOf).filter((i) => present.has(i.uid));
      for (const [id, place] of await copyItems(pass, items, to)) placed.set(id, place);
      copied.push(...items);
    }
    for (const part of uidChunks(copied, (i) => i.uid, imapLimits.uidSetChars)) {
      if (!(await removeCopied(pass, uidSet(part.map((i) => i.uid))))) throw refused(pass, `remove the moved messages from ${from.path}`);
    }
  }
  // The new UIDs the server did not tell: looked up in each target, as for one operation.
  for (const { ops, to, target } of batches) {
    const unknown = ops.flatMap(itemsOf).filter((i) => present.has(i.uid) && !placed.has(i.messageId));
    if (unknown.length > 0 && target) {
      for (const [id, place] of await findMovedInTarget(connection, db, to.path, target, unknown)) placed.set(id, place);
    }
  }
  const result: ReplayResult = { replayed: 0, refused: 0 };
  const gone: Array<{ op: QueuedOperation; error: Gone }> = [];
  const freed = writeTransaction(db, (changes) => {
    const waiting: string[] = [];
    const followers = followersByOp(db, pass.account.id);
    for (const { ops, to } of batches) {
      for (const op of ops) {
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
        resolveFollowers(db, changes, op.id, mine, followers.get(op.id) ?? []);
        completeOperation(db, changes, op.id);
        result.replayed++;
      }
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
