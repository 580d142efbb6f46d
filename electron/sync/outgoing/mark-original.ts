import type { ResponseTo } from '../../../shared/contract/outgoing';
import { findAccount } from '../../store/accounts';
import { prepare, type WriteDb } from '../../store/db';
import { queueOperation } from '../../store/operation-queue';
import type { ChangeRecorder } from '../../store/write-transaction';
import { engineFor } from '../engines';

/**
 * Once a reply or forward is sent: `\Answered` (RFC 3501) or `$Forwarded` (RFC 5788) on the original, set
 * here at once and, for an IMAP original, queued for the server like any flag change, so it reaches the
 * server offline or not. An original that is gone meanwhile is left alone. Runs inside the transaction that
 * records the message as sent.
 */
export function markOriginal(db: WriteDb, changes: ChangeRecorder, responseTo: ResponseTo): void {
  const row = prepare<[number], { id: number; account_id: string; folder_id: number; answered: number; keywords: string }>(
    db,
    'SELECT id, account_id, folder_id, answered, keywords FROM messages WHERE id = ? AND deleted_locally = 0',
  ).get(responseTo.messageId);
  const account = row ? findAccount(db, row.account_id) : null;
  if (!row || !account) return;
  let flag: string;
  if (responseTo.kind === 'reply') {
    if (row.answered === 1) return;
    prepare<[number]>(db, 'UPDATE messages SET answered = 1 WHERE id = ?').run(row.id);
    flag = '\\Answered';
  } else {
    const keywords = JSON.parse(row.keywords) as string[];
    if (keywords.some((k) => k.toLowerCase() === '$forwarded')) return;
    prepare<[string, number]>(db, 'UPDATE messages SET keywords = ? WHERE id = ?').run(JSON.stringify([...keywords, '$Forwarded']), row.id);
    flag = '$Forwarded';
  }
  changes.message(row.account_id, row.folder_id, row.id);
  // The flag was not set before (checked above): a refusal takes it off again.
  if (engineFor(account).mirrorsServer) {
    queueOperation(db, changes, row.account_id, { kind: 'flags', payload: { add: [flag], remove: [], before: [{ messageId: row.id, had: [] }] } }, [row.id]);
  }
}
