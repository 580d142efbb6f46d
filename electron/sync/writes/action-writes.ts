import type { MethodHandlers } from '../../../shared/contract';
import { HomingError } from '../../../shared/errors';
import { findAccount, getAccount } from '../../store/accounts';
import { getFolder } from '../../store/folders';
import { getOperation } from '../../store/operation-queue';
import { writeTransaction } from '../../store/write-transaction';
import { loadActionRows } from '../actions/action-rows';
import { engineFor } from '../engines';
import { deleteRows, markRows, moveRows, type Planned } from '../organise/message-actions';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';

/** The user's actions on messages: applied to the store at once, queued for the server by each account's engine. */
type ActionCommands = 'markMessages' | 'deleteMessages' | 'moveMessages' | 'discardPendingOperation';

/**
 * markMessages, deleteMessages, moveMessages: each account's engine plans its messages' part (the local
 * change and the operations its server must follow, sync/engine.ts ActionPlanner); all of it commits in
 * one transaction (one change event) together with the action's entry in the undo log, which the call
 * answers. Accounts that got server work are nudged: a running watch session replays at once, otherwise
 * the next sync does.
 */
export function createActionWrites(ctx: WriterContext, runtime: SyncRuntime): MethodHandlers<ActionCommands> {
  const { db } = ctx;
  const done = (planned: Planned) => {
    for (const id of planned.nudge) runtime.nudge(id);
    return { undo: planned.undo };
  };
  return {
    async markMessages({ ids, seen, flagged }) {
      if (seen === undefined && flagged === undefined) throw new HomingError('INVALID_ARGUMENT', 'Say what to change: seen, flagged or both.');
      return done(writeTransaction(db, (changes) => markRows({ db, changes }, loadActionRows(db, ids), { seen, flagged })));
    },

    async deleteMessages({ ids }) {
      return done(writeTransaction(db, (changes) => deleteRows({ db, changes }, loadActionRows(db, ids))));
    },

    async moveMessages({ ids, toFolderId }) {
      const target = getFolder(db, toFolderId);
      if (!findAccount(db, target.accountId) || target.deletedLocally) throw new HomingError('NOT_FOUND', `No folder with id ${toFolderId}.`);
      return done(writeTransaction(db, (changes) => moveRows({ db, changes }, loadActionRows(db, ids), target)));
    },

    async discardPendingOperation({ id }) {
      writeTransaction(db, (changes) => {
        const op = getOperation(db, id);
        if (op.state !== 'refused') {
          throw new HomingError('INVALID_ARGUMENT', 'Only a change the server refused can be discarded; this one is still waiting to reach the server.');
        }
        const account = getAccount(db, op.accountId);
        engineFor(account).actions.discard({ db, changes, account }, op);
      });
    },
  };
}
