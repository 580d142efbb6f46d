import type { Account } from '../../../shared/contract/accounts';
import type { Rule, RuleAction } from '../../../shared/contract/rules';
import { HomingError } from '../../../shared/errors';
import { getAccount } from '../../store/accounts';
import { prepare, type WriteDb } from '../../store/db';
import { findFolderById, type FolderRow } from '../../store/folders';
import { markRuleBroken, recordRuleRuns } from '../../store/rules';
import type { ChangeRecorder } from '../../store/write-transaction';
import { byAccount, loadActionRows } from '../actions/action-rows';
import type { ActionRow } from '../engine';
import { engineFor } from '../engines';
import { moveWithoutRecord } from '../organise/message-actions';
import { JUNK_KEYWORD, moveToJunk } from './junk-actions';

/** What applying a rule's actions to some messages did. */
export interface Applied {
  /** Messages it acted on. */
  acted: number[];
  /** It ended with `stop`: later rules leave these messages alone. */
  stop: boolean;
  /** Accounts whose engine queued work for its server (to be nudged). */
  queuedFor: Set<string>;
  /** Set when an action could not be carried out: nothing of this rule was applied, and it is now broken. */
  broken: { code: string; message: string } | null;
}

/**
 * Messages a rule's actions take at once. Rules on arrival get a stored batch (at most a few hundred); "run
 * rules now" on a 100,000-message folder matched them all, and each action loaded every matched row as an
 * object (the sync worker's heap reached 65 MB, the process 164 MB, for one rule marking them read and
 * flagged). Inside the rule's one savepoint, so all of a rule still happens or none.
 */
export const RULE_ROWS_AT_ONCE = 1000;

/** Each account as actions see it, read once per run of the rules: actions change messages and folders, never an account. */
export type AccountReader = (accountId: string) => Account;

export function accountReader(db: WriteDb): AccountReader {
  const read = new Map<string, Account>();
  return (accountId) => {
    let account = read.get(accountId);
    if (!account) {
      account = getAccount(db, accountId);
      read.set(accountId, account);
    }
    return account;
  };
}

/**
 * Thrown by applyRule with `together` when an action cannot be carried out: the caller's savepoint around
 * the whole run is to be rolled back and the rules run again one savepoint each, so that this rule, and
 * only this one, is undone and marked broken.
 */
export class RuleNeedsItsOwnSavepoint extends Error {
  constructor(readonly ruleId: number) {
    super(`rule ${ruleId} could not act`);
  }
}

/**
 * Applies a rule's actions, in order, to messages it matched, inside the caller's write transaction and
 * through the same engine planners as the user's own actions (sync/engine.ts ActionPlanner): on IMAP the
 * local change happens at once and the server follows through the operation queue. All of the rule's
 * actions happen or none: a savepoint is rolled back when one cannot be carried out (a folder that was
 * deleted), the rule is marked broken with the reason, and the messages stay where they are. Each message
 * is recorded in rule_runs, so the rule never acts on it again.
 *
 * `together`: the caller holds one savepoint around all the rules it runs (a savepoint per rule and batch
 * of arrivals cost ~10% of the rules' CPU, and almost every run succeeds); then this one opens none, and a
 * failure throws RuleNeedsItsOwnSavepoint instead, for the caller to run them again the careful way.
 */
export function applyRule(
  db: WriteDb,
  changes: ChangeRecorder,
  rule: Rule,
  messageIds: readonly number[],
  now: number,
  options: { accounts?: AccountReader; together?: boolean } = {},
): Applied {
  const queuedFor = new Set<string>();
  if (messageIds.length === 0) return { acted: [], stop: false, queuedFor, broken: null };
  const accounts = options.accounts ?? accountReader(db);
  const act = () => {
    // A piece at a time (each message's actions do not depend on the others'), so a rule run on a whole
    // folder holds the rows of one piece, not of every message it matched.
    for (let at = 0; at < messageIds.length; at += RULE_ROWS_AT_ONCE) {
      const part = messageIds.slice(at, at + RULE_ROWS_AT_ONCE);
      const copies: number[] = [];
      for (const action of rule.actions) applyAction(db, changes, accounts, action, part, queuedFor, copies);
      // A copy counts as acted on too: running the rule on the folder it landed in does not copy it again.
      recordRuleRuns(db, rule.id, [...part, ...copies], now);
    }
  };
  try {
    if (options.together) act();
    else db.sqlite.transaction(act)();
  } catch (error) {
    if (options.together) throw new RuleNeedsItsOwnSavepoint(rule.id);
    const broken = brokenReason(error);
    markRuleBroken(db, changes, rule.id, broken, now);
    return { acted: [], stop: false, queuedFor: new Set(), broken };
  }
  return { acted: [...messageIds], stop: rule.actions.some((a) => a.kind === 'stop'), queuedFor, broken: null };
}

function brokenReason(error: unknown): { code: string; message: string } {
  if (error instanceof HomingError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function applyAction(
  db: WriteDb,
  changes: ChangeRecorder,
  accounts: AccountReader,
  action: RuleAction,
  messageIds: readonly number[],
  queuedFor: Set<string>,
  copies: number[],
): void {
  // Loaded again for every action: an earlier one may have moved the rows.
  const groups = byAccount(loadActionRows(db, messageIds));
  for (const [accountId, rows] of groups) {
    const account = accounts(accountId);
    const plan = { db, changes, account };
    const actions = engineFor(account).actions;
    const queued = ((): boolean => {
      switch (action.kind) {
        case 'move':
          return moveRows(db, changes, accounts, account, rows, action.folderId, queuedFor);
        case 'read':
          return actions.mark(plan, rows, { seen: true });
        case 'flag':
          return actions.mark(plan, rows, { flagged: true });
        case 'tag':
          return actions.mark(plan, rows, { keywords: { add: [action.tag] } });
        case 'delete':
          if (!hasTrash(db, accountId)) {
            throw new HomingError('RULE_BROKEN', `The account ${account.name || account.email} has no Trash folder, and a rule never deletes mail for good: nothing was deleted.`);
          }
          return actions.delete(plan, rows);
        case 'junk':
          return moveToJunk(plan, rows, [JUNK_KEYWORD]);
        case 'server-keep':
        case 'server-delete':
          actions.keepOnServer(plan, rows, action.kind === 'server-keep');
          return false;
        case 'stop':
          return false;
        case 'copy': {
          const target = targetFolder(db, action.folderId, 'copies');
          // A copy stays within its account: a rule on every account copies only the target account's mail.
          if (target.accountId !== accountId) return false;
          const copied = actions.copy(plan, rows, target);
          copies.push(...copied.copyIds);
          return copied.queued;
        }
        case 'download-later':
          actions.downloadLater(plan, rows);
          return false;
      }
    })();
    if (queued) queuedFor.add(accountId);
  }
}

/** A move within the account, or to another account's folder (that engine takes them, as for the user's own move). */
function moveRows(db: WriteDb, changes: ChangeRecorder, accounts: AccountReader, account: Account, rows: ActionRow[], folderId: number, queuedFor: Set<string>): boolean {
  const target = targetFolder(db, folderId, 'moves');
  const toMove = rows.filter((r) => r.folderId !== target.id);
  if (toMove.length === 0) return false;
  if (target.accountId === account.id) return engineFor(account).actions.move({ db, changes, account }, toMove, target);
  // To another account: the same exactly-once upload-then-remove as the user's own move.
  for (const accountId of moveWithoutRecord({ db, changes }, toMove, target, accounts(target.accountId))) queuedFor.add(accountId);
  return false;
}

/** The folder a move or copy puts mail in. */
function targetFolder(db: WriteDb, folderId: number, verb: 'moves' | 'copies'): FolderRow {
  const target = findFolderById(db, folderId);
  if (!target) throw new HomingError('NOT_FOUND', `The folder this rule ${verb} mail to (id ${folderId}) was deleted.`, { folderId });
  if (target.syncState.selectable === false) throw new HomingError('INVALID_ARGUMENT', `The folder ${target.path} cannot hold messages.`);
  return target;
}

function hasTrash(db: WriteDb, accountId: string): boolean {
  return prepare<[string], { x: number }>(db, `SELECT 1 AS x FROM folders WHERE account_id = ? AND special_use = 'trash' LIMIT 1`).get(accountId) !== undefined;
}
