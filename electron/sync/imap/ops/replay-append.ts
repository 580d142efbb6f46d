import { HomingError } from '../../../../shared/errors';
import { prepare } from '../../../store/db';
import { findFolderById } from '../../../store/folders';
import { setMovedUid } from '../../../store/imap-state';
import { readSource } from '../../../store/message-sources';
import type { QueuedOperation } from '../../../store/operation-queue';
import { markSentAsRead } from '../../../store/operation-queue';
import { writeTransaction } from '../../../store/write-transaction';
import { currentFlags } from '../../actions/mark-rows';
import type { ImapPass } from '../imap-pass';
import { findMovedInTarget, targetState, type TargetPlace } from './find-moved';
import { OperationChanged } from './operation-changed';

/**
 * APPEND of a stored message (its exact bytes, its flags as they are now, its INTERNALDATE) to a folder:
 * how a message moved in from another account reaches this server. Exactly once: the operation is marked
 * sent with the target's UIDVALIDITY and UIDNEXT before the command; a sent one still queued after a
 * crash looks in the target (Message-ID and size, or size and INTERNALDATE) before appending again. The
 * source's removal of its copy waits for this one (`requires`), so a crash at any point leaves the message
 * on one server or both, never on neither; and never twice on this one.
 */
export async function replayAppend(pass: ImapPass, op: QueuedOperation & { kind: 'append' }): Promise<Map<number, TargetPlace>> {
  const { db, connection } = pass;
  const { messageId, to } = op.payload;
  const placed = new Map<number, TargetPlace>();
  const row = prepare<[number], { internal_date: number | null; date: number }>(db, 'SELECT internal_date, date FROM messages WHERE id = ?').get(messageId);
  if (!row) return placed; // Gone here (its account was removed): nothing to upload.
  if (!findFolderById(db, to.folderId)) throw new HomingError('OPERATION_REFUSED', `The folder ${to.path} no longer exists.`);
  let target = op.sent?.target ?? null;
  if (op.sent === null) {
    target = await targetState(connection, to.path);
    if (!writeTransaction(db, () => markSentAsRead(db, op, target))) throw new OperationChanged();
  } else if (target) {
    const found = await findMovedInTarget(connection, db, to.path, target, [{ messageId, uid: 1 }]);
    const place = found.get(messageId);
    if (place) return record(pass, to.folderId, messageId, place, placed);
  }
  const result = await connection.client.append(to.path, readSource(db, messageId), currentFlags(db, messageId), new Date(row.internal_date ?? row.date));
  if (!result) {
    const error = connection.takeCommandError();
    throw new HomingError('OPERATION_REFUSED', `The server refused to take the message in ${to.path}${error ? `: ${error.message}` : '.'}`, error?.detail);
  }
  // APPENDUID (UIDPLUS, RFC 4315 section 3), trusted only from a server that says it has UIDPLUS.
  if (result.uid && result.uidValidity !== undefined && connection.has('UIDPLUS')) {
    return record(pass, to.folderId, messageId, { uidvalidity: Number(result.uidValidity), uid: result.uid }, placed);
  }
  if (target) {
    const place = (await findMovedInTarget(connection, db, to.path, target, [{ messageId, uid: 1 }])).get(messageId);
    if (place) return record(pass, to.folderId, messageId, place, placed);
  }
  // Not found by its identity (a server that changed the bytes): the folder's next sync matches or fetches it.
  return placed;
}

function record(pass: ImapPass, folderId: number, messageId: number, place: TargetPlace, placed: Map<number, TargetPlace>): Map<number, TargetPlace> {
  writeTransaction(pass.db, (changes) => setMovedUid(pass.db, changes, pass.account.id, folderId, messageId, place));
  placed.set(messageId, place);
  return placed;
}
