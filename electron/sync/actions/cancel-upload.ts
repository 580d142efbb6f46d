import { prepare } from '../../store/db';
import type { FolderRow } from '../../store/folders';
import { deleteOperation, operationsRequiring, queuedAppendOf, takeMessageOut } from '../../store/operation-queue';
import type { ChangeRecorder } from '../../store/write-transaction';
import type { WriteDb } from '../../store/db';
import type { ActionRow } from '../engine';
import { returnRow } from './row-changes';

/**
 * A message moved to another account whose upload (APPEND) has not gone out yet, taken back to `home` in
 * the account it came from: the upload is cancelled, and so is the removal of the original that waited
 * for it, so the message is back exactly as it was (its UID there, or its POP3 UIDL) and neither server
 * ever hears of the move. False when that is not possible (the upload is under way or done, the removal
 * waits for another operation): the caller then moves the message back like any move.
 */
export function cancelUpload(tx: { db: WriteDb; changes: ChangeRecorder }, row: ActionRow, home: FolderRow): boolean {
  const { db, changes } = tx;
  const upload = queuedAppendOf(db, row.id);
  if (!upload || upload.sent !== null || upload.accountId !== row.accountId || upload.payload.origin?.accountId !== home.accountId) return false;
  const removals = operationsRequiring(db, upload.id);
  let key: { uidvalidity: number; uid: number } | null = null;
  for (const op of removals) {
    if (op.kind !== 'expunge' || op.state !== 'queued' || op.payload.after?.messageIds.includes(row.id)) return false;
    const item = op.payload.items.find((i) => i.messageId === row.id);
    if (item && op.payload.from?.folderId === home.id) key = { uidvalidity: op.payload.from.uidvalidity, uid: item.uid };
  }
  for (const op of removals) if (op.kind === 'expunge') takeMessageOut(db, op, row.id);
  deleteOperation(db, changes, upload.id);
  const uidl = prepare<[string, number], { uidl: string }>(db, 'SELECT uidl FROM pop3_uidls WHERE account_id = ? AND message_id = ?').get(home.accountId, row.id)?.uidl ?? null;
  returnRow(db, changes, row, { accountId: home.accountId, folderId: home.id }, key, uidl);
  return true;
}
