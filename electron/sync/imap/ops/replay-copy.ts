import { HomingError } from '../../../../shared/errors';
import { findFolderById } from '../../../store/folders';
import { setMovedUid } from '../../../store/imap-state';
import type { CopyPayload, OpItem } from '../../../store/operation-kinds';
import { markSentAsRead, operationMessageIds, type QueuedOperation } from '../../../store/operation-queue';
import { writeTransaction } from '../../../store/write-transaction';
import { uidChunks, uidSet } from '../../../protocols/imap/uid-set';
import type { ImapPass } from '../imap-pass';
import { imapLimits } from '../limits';
import { findMovedInTarget, targetState, type TargetPlace } from './find-moved';
import { OperationChanged } from './operation-changed';
import { selectFolder } from './select-folder';

/**
 * UID COPY (RFC 3501 section 6.4.7) of the originals to the target; the original stays where it is, and
 * each copy row (made by the planner, uid NULL in the target) takes the UID the server tells (COPYUID,
 * UIDPLUS RFC 4315 section 3) or is found in the target by Message-ID and size. Exactly once: the
 * operation is marked sent with the target's UIDVALIDITY and UIDNEXT before the command; a sent one still
 * queued after a crash looks in the target first and copies only what is not there. Returns where the
 * copies are, by copy row.
 */
export async function replayCopy(pass: ImapPass, op: QueuedOperation & { kind: 'copy' }): Promise<Map<number, TargetPlace>> {
  const { db, connection } = pass;
  const { from, to } = op.payload;
  // Copies removed here meanwhile (deleted before the replay) need no server copy.
  const linked = new Set(operationMessageIds(db, op.id));
  const items = op.payload.items.filter((i) => linked.has(i.copyId));
  const placed = new Map<number, TargetPlace>();
  if (items.length === 0) return placed;
  if (!findFolderById(db, to.folderId)) throw new HomingError('OPERATION_REFUSED', `The folder ${to.path} no longer exists.`);
  // findMovedInTarget matches rows by their Message-ID and size: the copy row has the original's.
  const asCopies = (list: CopyPayload['items']): OpItem[] => list.map((i) => ({ messageId: i.copyId, uid: i.uid }));
  let send = items;
  let target = op.sent?.target ?? null;
  if (op.sent === null) {
    target = await targetState(connection, to.path);
    if (!writeTransaction(db, () => markSentAsRead(db, op, target))) throw new OperationChanged();
  } else if (target) {
    for (const [id, place] of await findMovedInTarget(connection, db, to.path, target, asCopies(items))) placed.set(id, place);
    send = items.filter((i) => !placed.has(i.copyId));
  }
  if (send.length > 0) {
    const selected = await selectFolder(connection, from.path, { readOnly: true });
    if (selected.uidvalidity !== from.uidvalidity) {
      throw new HomingError('OPERATION_REFUSED', `The folder ${from.path} was recreated on the server (its UIDVALIDITY changed), so the messages could not be copied from it.`);
    }
    for (const part of uidChunks(send, (i) => i.uid, imapLimits.uidSetChars)) {
      const result = await connection.client.messageCopy(uidSet(part.map((i) => i.uid)), to.path, { uid: true });
      if (!result) {
        const error = connection.takeCommandError();
        throw new HomingError('OPERATION_REFUSED', `The server refused to copy the messages to ${to.path}${error ? `: ${error.message}` : '.'}`, error?.detail);
      }
      const { uidMap, uidValidity } = result;
      if (!uidMap || uidValidity === undefined || !connection.has('UIDPLUS')) continue;
      for (const item of part) {
        const uid = uidMap.get(item.uid);
        if (uid !== undefined) placed.set(item.copyId, { uidvalidity: Number(uidValidity), uid });
      }
    }
  }
  const unknown = items.filter((i) => !placed.has(i.copyId));
  if (unknown.length > 0 && target) {
    for (const [id, place] of await findMovedInTarget(connection, db, to.path, target, asCopies(unknown))) placed.set(id, place);
  }
  // Copies still not placed (a server that changed the bytes) are re-matched by the target's next sync.
  writeTransaction(db, (changes) => {
    for (const [id, place] of placed) setMovedUid(db, changes, pass.account.id, to.folderId, id, place);
  });
  return placed;
}
