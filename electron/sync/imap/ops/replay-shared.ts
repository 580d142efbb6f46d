import type { CopyResponseObject, StoreOptions } from 'imapflow';
import { HomingError } from '../../../../shared/errors';
import { prepare } from '../../../store/db';
import type { DeletePayload, ExpungePayload, MovePayload, OpItem, ServerPlace } from '../../../store/operation-kinds';
import { forgetMessages, operationMessageIds, type QueuedOperation, refuseOperation, resolveFollowers, unlinkMessages } from '../../../store/operation-queue';
import { writeTransaction } from '../../../store/write-transaction';
import type { ImapPass } from '../imap-pass';
import { imapLimits } from '../limits';
import { uidChunks, uidSet } from '../../../protocols/imap/uid-set';
import { deleteExactly } from './delete-exactly';
import type { TargetPlace } from './find-moved';
import { selectFolder } from './select-folder';

/** What the one-by-one replay (replay-pending.ts) and the batched one (replay-batch.ts) share. */

export interface ReplayResult {
  replayed: number;
  refused: number;
}

/** Where the server now has the messages a move put in its target folder, by message row (for the rows and WaitingOn). */
export type PlacedInTarget = Map<number, TargetPlace>;

/** A refused command: imapflow answers false and keeps the server's words for us (imap-connection.ts). */
export function refused(pass: ImapPass, what: string): HomingError {
  const error = pass.connection.takeCommandError();
  return new HomingError('OPERATION_REFUSED', `The server refused to ${what}${error ? `: ${error.message}` : '.'}`, error?.detail);
}

/**
 * Selects the folder for writing, refusing when it was recreated since the operation was made. Nothing
 * is sent when it is selected for writing already with that UIDVALIDITY (the batch before worked on it
 * too): a SELECT makes Dovecot sync a Maildir folder of thousands of files again, and a replay of rule
 * actions met it once per command.
 */
export async function selectForWrite(pass: ImapPass, place: { path: string; uidvalidity: number }): Promise<void> {
  const current = pass.connection.client.mailbox;
  if (current && current.path === place.path && !current.readOnly && Number(current.uidValidity) === place.uidvalidity) return;
  const selected = await selectFolder(pass.connection, place.path, { readOnly: false });
  if (selected.uidvalidity !== place.uidvalidity) throw new FolderRecreated(place.path, place.uidvalidity, selected.uidvalidity);
}

/**
 * The folder was deleted and made again on the server since the operation was made (RFC 3501 section
 * 2.3.1.1: a new UIDVALIDITY voids every UID held for it). A refusal for a move or delete; a flag change
 * waits for the folder's sync to find its messages again (replay-pending.ts replayFlags).
 */
export class FolderRecreated extends HomingError {
  constructor(path: string, expected: number, found: number) {
    super('OPERATION_REFUSED', `The folder ${path} was recreated on the server (its UIDVALIDITY changed), so this change could not be applied there.`, {
      path,
      expected,
      found,
    });
  }
}

export interface Placed {
  messageId: number;
  folderId: number;
  path: string;
  uidvalidity: number | null;
  uid: number | null;
}

/**
 * MOVE (RFC 6851) when offered; imapflow falls back to COPY + STORE \Deleted + (UID) EXPUNGE. Returns the
 * new UIDs the server told (COPYUID, UIDPLUS RFC 4315 section 3).
 */
export function moveItems(pass: ImapPass, items: OpItem[], to: { path: string }): Promise<PlacedInTarget> {
  return transferItems(pass, items, to, 'move');
}

/** UID COPY (a move chain removes the copied messages from the source afterwards, removeCopied); the new UIDs as moveItems. */
export function copyItems(pass: ImapPass, items: OpItem[], to: { path: string }): Promise<PlacedInTarget> {
  return transferItems(pass, items, to, 'copy');
}

async function transferItems(pass: ImapPass, items: OpItem[], to: { path: string }, verb: 'move' | 'copy'): Promise<PlacedInTarget> {
  const placed: PlacedInTarget = new Map();
  const { client } = pass.connection;
  for (const part of uidChunks(items, (i) => i.uid, imapLimits.uidSetChars)) {
    const set = uidSet(part.map((i) => i.uid));
    const result = verb === 'move' ? await moveExactly(pass, part.map((i) => i.uid), to.path) : await client.messageCopy(set, to.path, { uid: true });
    if (!result) throw refused(pass, `${verb} the messages to ${to.path}`);
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
 * MOVE when offered. Without it imapflow copies, then removes the source with STORE \Deleted and an
 * EXPUNGE, which without UIDPLUS takes other clients' \Deleted messages too; so there the copy is ours
 * and the removal is deleteExactly's.
 */
async function moveExactly(pass: ImapPass, uids: number[], path: string): Promise<CopyResponseObject | false> {
  const { client } = pass.connection;
  const set = uidSet(uids);
  if (pass.connection.has('MOVE') || pass.connection.has('UIDPLUS')) return (await client.messageMove(set, path, { uid: true })) ?? false;
  const copied = await client.messageCopy(set, path, { uid: true });
  // The source stays untouched when the copy failed; copied but not removed, the move is not done.
  if (!copied) return false;
  return (await deleteExactly(pass.connection, uids)) ? copied : false;
}

/**
 * Removes copied messages from the selected folder: STORE +FLAGS.SILENT (\Deleted), then UID EXPUNGE of
 * exactly these UIDs (imapflow's messageDelete passes its options to the STORE; the server then sends no
 * FETCH per message, and the messages are gone a moment later). Only on a server with UIDPLUS: without
 * it imapflow sends a plain EXPUNGE, which would also remove what other clients marked \Deleted.
 */
export function removeCopied(pass: ImapPass, set: string): Promise<boolean> {
  if (!pass.connection.has('UIDPLUS')) throw new Error('removeCopied needs UIDPLUS');
  const options: StoreOptions = { uid: true, silent: true };
  return pass.connection.client.messageDelete(set, options);
}

/**
 * Some messages of a move were no longer in its source when it was replayed: deleted on the server
 * meanwhile. The rest were moved (`placed`).
 */
export class Gone extends Error {
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
export function settleGone(pass: ImapPass, op: QueuedOperation, gone: Gone): void {
  const { db } = pass;
  writeTransaction(db, (changes) => {
    resolveFollowers(db, changes, op.id, gone.placed);
    const ids = gone.items.map((i) => i.messageId);
    unlinkMessages(
      db,
      op.id,
      operationMessageIds(db, op.id).filter((id) => !ids.includes(id)),
    );
    // Refused before the rows go: forgetMessages drops a queued operation left naming nothing, and with it
    // the only word the user would get of why the messages vanished (an undo of a move whose message
    // another client deleted since showed it back, then nothing, with nothing reported).
    refuseOperation(db, changes, op.id, {
      code: 'MESSAGE_GONE',
      message: `${ids.length === 1 ? 'A message was' : `${ids.length} messages were`} deleted on the server meanwhile, so ${ids.length === 1 ? 'it' : 'they'} could not be moved to ${gone.to.path}.`,
    });
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
  });
}

/** Waits for an earlier, sent operation to say where the server has these messages (WaitingOn). */
export function waitsOnAnother(payload: MovePayload | DeletePayload | ExpungePayload): boolean {
  return (payload.after?.messageIds.length ?? 0) > 0;
}

/** The source place every item is at: only null while all of them wait on another operation (`after`). */
export function sourceOf(payload: MovePayload | DeletePayload | ExpungePayload): ServerPlace {
  if (!payload.from) throw new HomingError('OPERATION_DAMAGED', 'This change names no folder to act on, so it cannot be replayed.');
  return payload.from;
}
