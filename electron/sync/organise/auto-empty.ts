import type { Account } from '../../../shared/contract/accounts';
import { prepare, type WriteDb } from '../../store/db';
import { writeTransaction } from '../../store/write-transaction';
import { loadActionRows } from '../actions/action-rows';
import { deleteRowsForGood } from './message-actions';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * "Empty Trash after N days" (the account's trashAutoEmptyDays): messages that have been in its Trash that
 * long are removed for good, as Empty Trash would (so under POP3's "when deleted here" their server copy
 * goes at the next pass). A message put in the Trash here counts from then (trashed_at); one found there
 * by sync, from when it was stored. Returns how many went.
 */
export function autoEmptyTrash(db: WriteDb, account: Account, now = Date.now()): { deleted: number; nudge: Set<string> } {
  const days = account.settings.trashAutoEmptyDays;
  if (!days) return { deleted: 0, nudge: new Set() };
  const ids = prepare<[string, number], { id: number }>(
    db,
    `SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id
     WHERE m.account_id = ? AND f.special_use = 'trash' AND m.deleted_locally = 0 AND coalesce(m.trashed_at, m.added_at) <= ?`,
  )
    .all(account.id, now - days * DAY_MS)
    .map((r) => r.id);
  if (ids.length === 0) return { deleted: 0, nudge: new Set() };
  return writeTransaction(db, (changes) => deleteRowsForGood({ db, changes }, loadActionRows(db, ids)));
}
