import { HomingError } from '../../../shared/errors';
import { prepare } from '../../store/db';
import type { FolderRow } from '../../store/folders';
import type { ActionRow, PlanContext, Received } from '../engine';
import { rehomeRows } from './row-changes';

/**
 * Messages of another account filed in an account whose folders are kept here (Local Folders, a POP3
 * account's folders): the row becomes this account's (its stored source is all there is to move). A
 * message that came from this POP3 account in the first place gets its UIDL back, so the server's copy
 * is known again and never downloaded twice.
 */
export function receiveLocally(plan: PlanContext, rows: readonly ActionRow[], target: FolderRow): Received {
  if (rows.some((row) => row.bodyStatus !== 'full')) {
    throw new HomingError('INVALID_ARGUMENT', 'Only messages downloaded in full can be moved to a folder kept on this computer: open the message first.');
  }
  const knownUidl = prepare<[string, number], { uidl: string }>(plan.db, 'SELECT uidl FROM pop3_uidls WHERE account_id = ? AND message_id = ?');
  rehomeRows(plan.db, plan.changes, rows, { accountId: target.accountId, id: target.id });
  for (const row of rows) {
    const uidl = knownUidl.get(target.accountId, row.id)?.uidl;
    if (uidl) prepare(plan.db, 'UPDATE messages SET uidl = ? WHERE id = ?').run(uidl, row.id);
  }
  return { queued: false, uploads: new Map() };
}

