import type { Account } from '../../../shared/contract/accounts';
import type { MethodHandlers } from '../../../shared/contract';
import { HomingError } from '../../../shared/errors';
import { findAccount, getAccount } from '../../store/accounts';
import type { WriteDb } from '../../store/db';
import { getFolder } from '../../store/folders';
import { getOperation } from '../../store/operation-queue';
import { type ChangeRecorder, writeTransaction } from '../../store/write-transaction';
import { byAccount, loadActionRows } from '../actions/action-rows';
import type { ActionRow, PlanContext } from '../engine';
import { engineFor } from '../engines';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';

/** The user's actions on messages: applied to the store at once, queued for the server by each account's engine. */
type ActionCommands = 'markMessages' | 'deleteMessages' | 'moveMessages' | 'discardPendingOperation';

/**
 * markMessages, deleteMessages, moveMessages: each account's engine plans its messages' part (the local
 * change and the operations its server must follow, sync/engine.ts ActionPlanner); all of it commits in
 * one transaction (one change event). Accounts that got server work are nudged: a running watch session
 * replays at once, otherwise the next sync does.
 */
export function createActionWrites(ctx: WriterContext, runtime: SyncRuntime): MethodHandlers<ActionCommands> {
  const { db } = ctx;
  const nudge = (accountIds: Iterable<string>) => {
    for (const id of new Set(accountIds)) runtime.nudge(id);
  };
  return {
    async markMessages({ ids, seen, flagged }) {
      if (seen === undefined && flagged === undefined) throw new HomingError('INVALID_ARGUMENT', 'Say what to change: seen, flagged or both.');
      const rows = loadActionRows(db, ids);
      nudge(perAccount(db, rows, (plan, group) => (engineFor(plan.account).actions.mark(plan, group, { seen, flagged }) ? [plan.account.id] : [])));
      return { undo: null };
    },

    async deleteMessages({ ids }) {
      const rows = loadActionRows(db, ids);
      nudge(perAccount(db, rows, (plan, group) => (engineFor(plan.account).actions.delete(plan, group) ? [plan.account.id] : [])));
      return { undo: null };
    },

    async moveMessages({ ids, toFolderId }) {
      const target = getFolder(db, toFolderId);
      const targetAccount = findAccount(db, target.accountId);
      if (!targetAccount) throw new HomingError('NOT_FOUND', `No folder with id ${toFolderId}.`);
      if (target.syncState.selectable === false) throw new HomingError('INVALID_ARGUMENT', `The folder ${target.path} cannot hold messages.`);
      const rows = loadActionRows(db, ids);
      nudge(
        perAccount(db, rows, (plan, group, changes) => {
          if (plan.account.id === targetAccount.id) return engineFor(plan.account).actions.move(plan, group, target) ? [plan.account.id] : [];
          // To another account: the target's engine takes the messages (or refuses, nothing changed), then
          // the source's decides what becomes of its server's copy.
          const received = engineFor(targetAccount).actions.receive({ db, changes, account: targetAccount }, group, target);
          const released = engineFor(plan.account).actions.release(plan, group);
          return [...(received ? [targetAccount.id] : []), ...(released ? [plan.account.id] : [])];
        }),
      );
      return { undo: null };
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

/** Runs `plan` for each account's rows inside one write transaction; returns the accounts that queued server work (as `plan` says). */
function perAccount(
  db: WriteDb,
  rows: readonly ActionRow[],
  plan: (ctx: PlanContext, group: ActionRow[], changes: ChangeRecorder) => string[],
): string[] {
  const groups = byAccount(rows);
  const accounts = new Map<string, Account>([...groups.keys()].map((id) => [id, getAccount(db, id)]));
  return writeTransaction(db, (changes) => {
    const queued: string[] = [];
    for (const [accountId, group] of groups) {
      queued.push(...plan({ db, changes, account: accounts.get(accountId)! }, group, changes));
    }
    return queued;
  });
}
