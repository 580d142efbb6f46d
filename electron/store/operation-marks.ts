import { prepare, type ReadDb } from './db';

/**
 * What the message lists and search show of the operation queue (operation-queue.ts): per message, whether
 * an operation naming it waits for the server or was refused. It reads no payload, so this module does
 * without the payload schemas (zod) that the rest of the queue loads, and listing or searching mail
 * never loads them (the CLI's reading commands, electron/cli/local-reader.ts).
 */

/** Per message: 'refused' when an operation naming it was refused, else 'pending' when one is queued. */
export function pendingStates(db: ReadDb, messageIds: readonly number[]): Map<number, 'pending' | 'refused'> {
  const pending = new Map<number, 'pending' | 'refused'>();
  for (const p of prepare<[string], { message_id: number; refused: number }>(
    db,
    `SELECT pom.message_id, max(po.state = 'refused') AS refused FROM pending_op_messages pom
     JOIN pending_ops po ON po.id = pom.op_id
     WHERE pom.message_id IN (SELECT value FROM json_each(?)) GROUP BY pom.message_id`,
  ).iterate(JSON.stringify(messageIds))) {
    pending.set(p.message_id, p.refused ? 'refused' : 'pending');
  }
  return pending;
}
