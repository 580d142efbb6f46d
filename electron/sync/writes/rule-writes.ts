import type { MethodHandlers } from '../../../shared/contract';
import type { RuleAction } from '../../../shared/contract/rules';
import { HomingError } from '../../../shared/errors';
import { findAccount } from '../../store/accounts';
import type { WriteDb } from '../../store/db';
import { findFolderById } from '../../store/folders';
import { setJunkSettings } from '../../store/junk';
import { removeRule, reorderRules, saveRule } from '../../store/rules';
import { parseSearchQuery } from '../../store/search-query';
import { writeTransaction } from '../../store/write-transaction';
import { loadActionRows } from '../actions/action-rows';
import { junkVerdict } from '../rules/junk-verdict';
import { runRulesNow } from '../rules/run-now';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';

type RuleCommands = 'saveRule' | 'removeRule' | 'reorderRules' | 'runRules' | 'markJunk' | 'setJunkSettings';

/** Mail rules and junk, write side: saving rules (checked first), running them now, "Junk" / "Not junk". */
export function createRuleWrites(ctx: WriterContext, runtime: SyncRuntime): MethodHandlers<RuleCommands> {
  const { db } = ctx;
  const nudge = (accountIds: Iterable<string>) => {
    for (const id of new Set(accountIds)) runtime.nudge(id);
  };
  return {
    async saveRule(input) {
      // A query that does not parse is INVALID_QUERY now, not a rule that silently matches nothing.
      parseSearchQuery(input.query);
      if (input.accountId !== null && !findAccount(db, input.accountId)) throw new HomingError('NOT_FOUND', `No account with id ${input.accountId}.`);
      for (const action of input.actions) checkAction(db, action);
      return writeTransaction(db, (changes) => saveRule(db, changes, input, Date.now()));
    },

    async removeRule({ id }) {
      writeTransaction(db, (changes) => removeRule(db, changes, id));
    },

    async reorderRules({ ids }) {
      writeTransaction(db, (changes) => reorderRules(db, changes, ids));
    },

    async runRules({ ruleIds, folderId }) {
      const { result, queuedFor } = runRulesNow(db, { ...(ruleIds ? { ruleIds } : {}), ...(folderId !== undefined ? { folderId } : {}) });
      nudge(queuedFor);
      return result;
    },

    async markJunk({ ids, junk }) {
      const rows = loadActionRows(db, ids);
      const planned = writeTransaction(db, (changes) => junkVerdict({ db, changes }, rows, junk, Date.now()));
      nudge(planned.nudge);
      return { undo: planned.undo };
    },

    async setJunkSettings(change) {
      return writeTransaction(db, (changes) => {
        const settings = setJunkSettings(db, change);
        changes.rules();
        return settings;
      });
    },
  };
}

/** An action that can never work is refused when the rule is saved. */
function checkAction(db: WriteDb, action: RuleAction): void {
  if (action.kind === 'move' || action.kind === 'copy') {
    const folder = findFolderById(db, action.folderId);
    if (!folder) throw new HomingError('NOT_FOUND', `No folder with id ${action.folderId}.`);
    if (folder.syncState.selectable === false) throw new HomingError('INVALID_ARGUMENT', `The folder ${folder.path} cannot hold messages.`);
  }
}
