import type { MethodHandlers } from '../../../shared/contract';
import { HomingError } from '../../../shared/errors';
import { findAccount } from '../../store/accounts';
import { prepare, type WriteDb } from '../../store/db';
import { getFolder } from '../../store/folders';
import { writeTransaction } from '../../store/write-transaction';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';
import { discardOperation } from './action-discard';
import { deleteRows, markRows, moveRows, type ActionRow } from './action-plans';

/** The user's actions on messages: applied to the store at once, queued for the server (pending_ops). */
type ActionCommands = 'markMessages' | 'deleteMessages' | 'moveMessages' | 'discardPendingOperation';

/** Rows per IN (...) list: well under SQLite's default limit of 32,766 host parameters. */
const ID_CHUNK = 500;

/** The messages named by the user, with what the actions need; NOT_FOUND (nothing changed) if any is missing. */
function loadRows(db: WriteDb, ids: number[]): ActionRow[] {
  const unique = [...new Set(ids)];
  const rows: ActionRow[] = [];
  for (let i = 0; i < unique.length; i += ID_CHUNK) {
    const part = unique.slice(i, i + ID_CHUNK);
    rows.push(
      ...prepare<number[], ActionRow>(
        db,
        `SELECT m.id, m.account_id AS accountId, a.protocol, m.folder_id AS folderId, f.path AS folderPath, f.special_use AS specialUse,
                m.uidvalidity, m.uid, m.seen, m.flagged, m.body_status AS bodyStatus
         FROM messages m JOIN folders f ON f.id = m.folder_id JOIN accounts a ON a.id = m.account_id
         WHERE m.deleted_locally = 0 AND m.id IN (${part.map(() => '?').join(',')})`,
      ).all(...part),
    );
  }
  if (rows.length !== unique.length) {
    const found = new Set(rows.map((r) => r.id));
    const missing = unique.filter((id) => !found.has(id));
    throw new HomingError('NOT_FOUND', `No message with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`, { missing: missing.length });
  }
  return rows;
}

/**
 * markMessages, deleteMessages, moveMessages: the local change and the queued server operations commit
 * in one transaction (one change event); the watch session, if running, is nudged to replay at once,
 * otherwise the next sync does. Local Folders and POP3 accounts change locally only (POP3's
 * "delete from the server when deleted here" is carried out by the POP3 sync, from deleted_locally).
 */
export function createActionWrites(ctx: WriterContext, runtime: SyncRuntime): MethodHandlers<ActionCommands> {
  const { db } = ctx;
  const nudge = (accountIds: Iterable<string>) => {
    for (const id of new Set(accountIds)) runtime.nudge(id);
  };
  return {
    async markMessages({ ids, seen, flagged }) {
      if (seen === undefined && flagged === undefined) throw new HomingError('INVALID_ARGUMENT', 'Say what to change: seen, flagged or both.');
      const rows = loadRows(db, ids);
      const queued = writeTransaction(db, (changes) => markRows(db, changes, rows, { seen, flagged }));
      nudge(queued);
    },

    async deleteMessages({ ids }) {
      const rows = loadRows(db, ids);
      const queued = writeTransaction(db, (changes) => deleteRows(db, changes, rows));
      nudge(queued);
    },

    async moveMessages({ ids, toFolderId }) {
      const target = getFolder(db, toFolderId);
      const targetAccount = findAccount(db, target.accountId);
      if (!targetAccount) throw new HomingError('NOT_FOUND', `No folder with id ${toFolderId}.`);
      if (target.syncState.selectable === false) throw new HomingError('INVALID_ARGUMENT', `The folder ${target.path} cannot hold messages.`);
      const rows = loadRows(db, ids);
      const queued = writeTransaction(db, (changes) => moveRows(db, changes, rows, target, targetAccount));
      nudge(queued);
    },

    async discardPendingOperation({ id }) {
      writeTransaction(db, (changes) => discardOperation(db, changes, id));
    },
  };
}
