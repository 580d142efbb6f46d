import { prepare } from '../../store/db';
import type { QueuedOperation, StoredOperation } from '../../store/operation-queue';
import { completeOperation, deleteOperation, listQueuedOperations, operationMessageIds, refuseDamaged, refuseOperation } from '../../store/operation-queue';
import { writeTransaction } from '../../store/write-transaction';
import type { PlanContext } from '../engine';
import type { WriterContext } from '../writer-context';

/**
 * For engines whose actions have no server side to replay (Local Folders; POP3, which has no flags or
 * folders on the server and deletes by its own policy in the inbox pass): what is left in their queue is
 * settled at the start of a pass. `carries` says which kinds the engine completes as they are (the local
 * change was all of it); any other kind is refused with the reason, a damaged one with OPERATION_DAMAGED.
 * `send` is left alone: the outbox's sender carries it out, for every kind of account.
 */
export function settleQueue(writer: WriterContext, accountId: string, engineName: string, carries: (op: QueuedOperation) => boolean): number {
  const { db } = writer;
  const ops = listQueuedOperations(db, accountId);
  if (ops.length === 0) return 0;
  writeTransaction(db, (changes) => {
    for (const op of ops) {
      // Submission belongs to the outbox's sender (SMTP), whatever the account's incoming protocol.
      if (op.kind === 'send') continue;
      if (op.kind === 'damaged') refuseDamaged(db, changes, op);
      else if (carries(op)) completeOperation(db, changes, op.id);
      else refuseOperation(db, changes, op.id, { code: 'OPERATION_REFUSED', message: `${engineName} cannot carry out a ${op.kind} operation.` });
    }
  });
  return ops.length;
}

/** Discards an operation of an engine without a server side: its hidden rows show again, and it goes. */
export function discardLocalOperation(plan: PlanContext, op: StoredOperation): void {
  const { db, changes } = plan;
  const row = prepare<[number], { account_id: string; folder_id: number; deleted_locally: number }>(
    db,
    'SELECT account_id, folder_id, deleted_locally FROM messages WHERE id = ?',
  );
  for (const id of operationMessageIds(db, op.id)) {
    const current = row.get(id);
    if (!current || current.deleted_locally !== 1) continue;
    prepare<[number]>(db, 'UPDATE messages SET deleted_locally = 0 WHERE id = ?').run(id);
    changes.message(current.account_id, current.folder_id, id);
  }
  deleteOperation(db, changes, op.id);
}
