import type { RuleRunResult } from '../../../shared/contract/rules';
import { junkTokens } from '../../mime/junk-tokens';
import { serverSpamVerdict } from '../../mime/spam-verdict';
import { catchUpWithSentFolders, isContact } from '../../store/contacts';
import { prepare, type WriteDb } from '../../store/db';
import { classifierReady, junkScore, junkSettings } from '../../store/junk';
import { type FolderIds, QueryMatcher } from '../../store/query-match';
import { rulesRunOn } from '../../store/rules';
import type { ChangeRecorder } from '../../store/write-transaction';
import { loadActionRows } from '../actions/action-rows';
import type { CompiledRule } from './compiled-rules';
import { JUNK_KEYWORD, moveToJunk, NOT_JUNK_KEYWORD } from './junk-actions';
import type { ArrivedMessage } from './message-facts';
import { type AccountReader, accountReader, applyRule, RuleNeedsItsOwnSavepoint } from './rule-actions';

export interface Processed {
  result: RuleRunResult;
  /** Accounts whose engine queued work for its server. */
  queuedFor: Set<string>;
  /** Messages moved to Junk by the server's verdict or the classifier. */
  junked: number[];
}

/**
 * Runs rules on arrived messages, in memory and in order, inside the caller's write transaction (the one
 * that stored them, so a message is never seen in the inbox before its rules ran): each rule's query is
 * tested on each message (store/query-match.ts, the index's own semantics), a rule acts once on what it
 * matched (rule-actions.ts), `stop` ends the rules for a message. Then, for arrivals, the junk filter:
 * mail still in an inbox, not marked by the user, not from someone the user wrote to, goes to Junk when
 * the server's spam filter says so or the classifier's score reaches the threshold.
 */
export function processArrivals(db: WriteDb, changes: ChangeRecorder, messages: readonly ArrivedMessage[], rules: readonly CompiledRule[], now: number): Processed {
  const accounts = accountReader(db);
  let ruled: RulesRun;
  try {
    // One savepoint around every rule (each rule's own savepoint was ~10% of the rules' CPU per batch);
    // should one rule fail, all of it is rolled back and run again with a savepoint per rule, so only
    // that rule is undone and marked broken, as before.
    ruled = rules.length > 0 ? db.sqlite.transaction(() => runRules(db, changes, messages, rules, now, accounts, true))() : runRules(db, changes, messages, rules, now, accounts, false);
  } catch (error) {
    if (!(error instanceof RuleNeedsItsOwnSavepoint)) throw error;
    ruled = runRules(db, changes, messages, rules, now, accounts, false);
  }
  const { result, queuedFor, stopped } = ruled;
  const junked = filterJunk(db, changes, messages.filter((m) => !stopped.has(m.id)), queuedFor, accounts);
  return { result, queuedFor, junked };
}

interface RulesRun {
  result: RuleRunResult;
  queuedFor: Set<string>;
  stopped: Set<number>;
}

function runRules(
  db: WriteDb,
  changes: ChangeRecorder,
  messages: readonly ArrivedMessage[],
  rules: readonly CompiledRule[],
  now: number,
  accounts: AccountReader,
  together: boolean,
): RulesRun {
  const queuedFor = new Set<string>();
  const stopped = new Set<number>();
  const result: RuleRunResult = { examined: messages.length, rules: [] };
  const folders = folderResolver(db);
  const matchers = new Map(messages.map((m) => [m.id, new QueryMatcher(m.facts)]));
  // Read once for all rules: a rule's own runs are the only ones that can change what it skips, and it
  // acts on each message once, after this read.
  const runs = rules.length > 0 ? rulesRunOn(db, messages.map((m) => m.id)) : new Map<number, Set<number>>();
  for (const compiled of rules) {
    const done = runs.get(compiled.rule.id);
    const candidates = messages.filter((m) => !stopped.has(m.id) && !done?.has(m.id));
    const matched = candidates.filter((m) => matchers.get(m.id)!.matches(compiled.query, folders)).map((m) => m.id);
    const applied = applyRule(db, changes, compiled.rule, matched, now, { accounts, together });
    for (const id of applied.queuedFor) queuedFor.add(id);
    if (applied.stop) for (const id of applied.acted) stopped.add(id);
    result.rules.push({ ruleId: compiled.rule.id, matched: matched.length, acted: applied.acted.length, broken: applied.broken ? { ...applied.broken, at: new Date(now).toISOString() } : null });
  }
  return { result, queuedFor, stopped };
}

function filterJunk(db: WriteDb, changes: ChangeRecorder, messages: readonly ArrivedMessage[], queuedFor: Set<string>, accounts: AccountReader): number[] {
  if (messages.length === 0) return [];
  const settings = junkSettings(db);
  const classify = settings.classifier && classifierReady(db);
  if (!settings.honourServer && settings.subjectTag === '' && !classify) return [];
  const inbox = prepare<[number], { account_id: string; special_use: string | null }>(db, 'SELECT account_id, special_use FROM folders WHERE id = ?');
  // The user's Sent mail may have grown since the composer last read it.
  catchUpWithSentFolders(db);
  const junk: number[] = [];
  for (const message of messages) {
    if (inbox.get(message.facts.folderId)?.special_use !== 'inbox') continue;
    if (message.facts.keywords.some((k) => k === JUNK_KEYWORD || k === NOT_JUNK_KEYWORD)) continue;
    if (message.fromAddress && isContact(db, message.fromAddress)) continue;
    const server =
      settings.honourServer || settings.subjectTag !== '' ? serverSpamVerdict(settings.honourServer ? message.spamHeaders() : new Map(), message.subject, settings.subjectTag) : null;
    if (server !== null || (classify && junkScore(db, junkTokens(message.junkInput())) >= settings.threshold)) junk.push(message.id);
  }
  if (junk.length === 0) return [];
  const rows = loadActionRows(db, junk);
  const byAccount = new Map<string, typeof rows>();
  for (const row of rows) byAccount.set(row.accountId, [...(byAccount.get(row.accountId) ?? []), row]);
  for (const [accountId, group] of byAccount) {
    if (moveToJunk({ db, changes, account: accounts(accountId) }, group)) queuedFor.add(accountId);
  }
  return junk;
}

/** `in:NAME` as search resolves it (path, last name or special use, any account), looked up once per name. */
export function folderResolver(db: WriteDb): FolderIds {
  const cache = new Map<string, ReadonlySet<number>>();
  return (name) => {
    let ids = cache.get(name);
    if (!ids) {
      ids = new Set(
        prepare<[string, string, string], { id: number }>(db, 'SELECT id FROM folders WHERE path = ? COLLATE NOCASE OR name = ? COLLATE NOCASE OR special_use = lower(?)')
          .all(name, name, name)
          .map((r) => r.id),
      );
      cache.set(name, ids);
    }
    return ids;
  };
}
