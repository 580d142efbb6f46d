import type { RuleRunResult } from '../../../shared/contract/rules';
import { HomingError } from '../../../shared/errors';
import { prepare, type WriteDb } from '../../store/db';
import { findFolderById } from '../../store/folders';
import { ranOn } from '../../store/rules';
import { matchingMessageIds } from '../../store/search';
import { writeTransaction } from '../../store/write-transaction';
import { rulesFor } from './compiled-rules';
import { applyRule } from './rule-actions';

/** More than any folder holds: "every match" for matchingMessageIds. */
const ALL = 2 ** 31;

/**
 * "Run rules on this folder now" (and `homing rule run`): the named rules (or every enabled one), in
 * order, on the messages of one folder, or of the inboxes in each rule's scope. Each rule's query runs as
 * the same search would (store/search.ts), restricted to the folder; a message a rule already acted on
 * is left alone by it, and `stop` keeps later rules off a message. One transaction: all of it or none.
 * Returns what was done and the accounts whose engine queued server work.
 */
export function runRulesNow(db: WriteDb, options: { ruleIds?: readonly number[]; folderId?: number }): { result: RuleRunResult; queuedFor: Set<string> } {
  const folder = options.folderId === undefined ? null : findFolderById(db, options.folderId);
  if (options.folderId !== undefined && !folder) throw new HomingError('NOT_FOUND', `No folder with id ${options.folderId}.`);
  const named = options.ruleIds ? new Set(options.ruleIds) : undefined;
  const rules = rulesFor(db, folder?.accountId ?? null, named);
  if (named) {
    const found = new Set(rules.map((r) => r.rule.id));
    const missing = [...named].filter((id) => !found.has(id));
    if (missing.length > 0) throw new HomingError('NOT_FOUND', `No rule with id ${missing.join(', ')} applies here.`);
  }
  const now = Date.now();
  return writeTransaction(db, (changes) => {
    const queuedFor = new Set<string>();
    const stopped = new Set<number>();
    const examined = new Set<number>();
    const result: RuleRunResult = { examined: 0, rules: [] };
    for (const compiled of rules) {
      if (compiled.rule.broken) {
        result.rules.push({ ruleId: compiled.rule.id, matched: 0, acted: 0, broken: compiled.rule.broken });
        continue;
      }
      const folderIds = folder ? [folder.id] : inboxesOf(db, compiled.rule.accountId);
      for (const id of folderIds) for (const m of allIn(db, id)) examined.add(m);
      const matches = folderIds.flatMap((folderId) => matchingMessageIds(db, compiled.query, { folderId, limit: ALL }).ids).filter((id) => !stopped.has(id));
      const done = ranOn(db, compiled.rule.id, matches);
      const todo = matches.filter((id) => !done.has(id));
      const applied = applyRule(db, changes, compiled.rule, todo, now);
      for (const id of applied.queuedFor) queuedFor.add(id);
      if (applied.stop) for (const id of applied.acted) stopped.add(id);
      result.rules.push({ ruleId: compiled.rule.id, matched: matches.length, acted: applied.acted.length, broken: applied.broken ? { ...applied.broken, at: new Date(now).toISOString() } : null });
    }
    result.examined = examined.size;
    return { result, queuedFor };
  });
}

function inboxesOf(db: WriteDb, accountId: string | null): number[] {
  return prepare<[string | null, string | null], { id: number }>(db, `SELECT id FROM folders WHERE special_use = 'inbox' AND (? IS NULL OR account_id = ?) ORDER BY id`)
    .all(accountId, accountId)
    .map((r) => r.id);
}

function allIn(db: WriteDb, folderId: number): number[] {
  return prepare<[number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ? AND deleted_locally = 0').all(folderId).map((r) => r.id);
}
