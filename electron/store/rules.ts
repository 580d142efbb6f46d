import { type Rule, type RuleAction, ruleActionSchema } from '../../shared/contract/rules';
import { HomingError } from '../../shared/errors';
import { prepare, type ReadDb, type WriteDb } from './db';
import type { ChangeRecorder } from './write-transaction';
export { markRuleBroken } from './rule-breakage';
import * as z from 'zod';

/**
 * Mail rules as stored (migration 0011): the query text as the user wrote it and the actions as JSON,
 * read back through the contract's schema. A row whose actions no longer parse (written by a newer
 * Homing) comes back broken, never thrown.
 */

interface RuleRow {
  id: number;
  name: string;
  query: string;
  actions: string;
  account_id: string | null;
  enabled: number;
  position: number;
  broken_code: string | null;
  broken_message: string | null;
  broken_at: number | null;
}

const COLUMNS = 'id, name, query, actions, account_id, enabled, position, broken_code, broken_message, broken_at';
const actionList = z.array(ruleActionSchema);

function toRule(row: RuleRow): Rule {
  const parsed = actionList.safeParse(safeJson(row.actions));
  const broken =
    row.broken_code !== null
      ? { code: row.broken_code, message: row.broken_message ?? '', at: new Date(row.broken_at ?? 0).toISOString() }
      : parsed.success
        ? null
        : { code: 'RULE_BROKEN', message: 'This rule was saved by another version of Homing and cannot be read.', at: new Date(0).toISOString() };
  return {
    id: row.id,
    name: row.name,
    query: row.query,
    actions: parsed.success ? parsed.data : [],
    accountId: row.account_id,
    enabled: row.enabled === 1,
    position: row.position,
    broken,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Every rule, in the order they run. */
export function listRules(db: ReadDb): Rule[] {
  return prepare<[], RuleRow>(db, `SELECT ${COLUMNS} FROM rules ORDER BY position, id`).all().map(toRule);
}

/** A stored rule with the text of every column it was read from: the same text is the same rule. */
export interface RuleText {
  readonly text: string;
  rule(): Rule;
}

/** Every rule's row, in the order they run, as one text, and each rule's part of it. */
export interface RuleTexts {
  /** The same text, the same rules in the same order. */
  readonly all: string;
  each(): RuleText[];
}

/**
 * Every rule, in the order they run, as the text of its rows, read back into Rules only when asked. The
 * sync reads the rules in every transaction that stores new mail and keeps what it made of them under
 * this text (sync/rules/compiled-rules.ts): a rule added, edited, reordered, marked broken or removed, by
 * this connection or another process, reads differently and is parsed again; nothing else has to say so.
 * One string from one statement: a row object and its own JSON text per rule, read for every stored
 * batch, was ~0.2 s of the sync worker in a 10,000-message POP3 arrival with 50 rules.
 */
export function ruleTexts(db: ReadDb): RuleTexts {
  const all = prepare<[], { rows: string }>(db, `SELECT json_group_array(json_array(${COLUMNS}) ORDER BY position, id) AS rows FROM rules`).get()?.rows ?? '[]';
  return {
    all,
    each: () =>
      (JSON.parse(all) as RowValues[]).map((values) => ({
        text: JSON.stringify(values),
        rule: () => toRule(rowOf(values)),
      })),
  };
}

/** A row as json_array gives it, in COLUMNS order. */
type RowValues = [number, string, string, string, string | null, number, number, string | null, string | null, number | null];

function rowOf([id, name, query, actions, account_id, enabled, position, broken_code, broken_message, broken_at]: RowValues): RuleRow {
  return { id, name, query, actions, account_id, enabled, position, broken_code, broken_message, broken_at };
}

export function findRule(db: ReadDb, id: number): Rule | null {
  const row = prepare<[number], RuleRow>(db, `SELECT ${COLUMNS} FROM rules WHERE id = ?`).get(id);
  return row ? toRule(row) : null;
}

export function getRule(db: ReadDb, id: number): Rule {
  const rule = findRule(db, id);
  if (!rule) throw new HomingError('NOT_FOUND', `No rule with id ${id}.`);
  return rule;
}

export interface StoredRuleInput {
  id?: number;
  name: string;
  query: string;
  actions: RuleAction[];
  accountId: string | null;
  enabled: boolean;
}

/** Inserts (last in order) or replaces a rule; saving clears `broken`. The caller has checked the query and folders. */
export function saveRule(db: WriteDb, changes: ChangeRecorder, input: StoredRuleInput, now: number): Rule {
  let id = input.id;
  if (id === undefined) {
    const position = (prepare<[], { p: number | null }>(db, 'SELECT max(position) AS p FROM rules').get()?.p ?? 0) + 1;
    id = Number(
      prepare(db, 'INSERT INTO rules (name, query, actions, account_id, enabled, position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        input.name,
        input.query,
        JSON.stringify(input.actions),
        input.accountId,
        input.enabled ? 1 : 0,
        position,
        now,
      ).lastInsertRowid,
    );
  } else {
    const info = prepare(
      db,
      `UPDATE rules SET name = ?, query = ?, actions = ?, account_id = ?, enabled = ?, broken_code = NULL, broken_message = NULL, broken_at = NULL WHERE id = ?`,
    ).run(input.name, input.query, JSON.stringify(input.actions), input.accountId, input.enabled ? 1 : 0, id);
    if (info.changes === 0) throw new HomingError('NOT_FOUND', `No rule with id ${id}.`);
  }
  changes.rules();
  return getRule(db, id);
}

export function removeRule(db: WriteDb, changes: ChangeRecorder, id: number): void {
  const info = prepare<[number]>(db, 'DELETE FROM rules WHERE id = ?').run(id);
  if (info.changes === 0) throw new HomingError('NOT_FOUND', `No rule with id ${id}.`);
  changes.rules();
}

/** The rules in the order given; every rule must be named once. */
export function reorderRules(db: WriteDb, changes: ChangeRecorder, ids: readonly number[]): void {
  const existing = prepare<[], { id: number }>(db, 'SELECT id FROM rules').all().map((r) => r.id);
  const named = new Set(ids);
  if (named.size !== ids.length || named.size !== existing.length || existing.some((id) => !named.has(id))) {
    throw new HomingError('INVALID_ARGUMENT', 'Name every rule once to reorder them.');
  }
  const set = prepare<[number, number]>(db, 'UPDATE rules SET position = ? WHERE id = ?');
  ids.forEach((id, i) => set.run(i + 1, id));
  changes.rules();
}

/** Of these messages, the ones this rule already acted on. */
export function ranOn(db: ReadDb, ruleId: number, messageIds: readonly number[]): Set<number> {
  if (messageIds.length === 0) return new Set();
  return new Set(
    prepare<[number, string], { message_id: number }>(db, 'SELECT message_id FROM rule_runs WHERE rule_id = ? AND message_id IN (SELECT value FROM json_each(?))')
      .all(ruleId, JSON.stringify(messageIds))
      .map((r) => r.message_id),
  );
}

/**
 * Which of these messages each rule already acted on (rule id → message ids), in one query for a batch of
 * arrivals instead of one per rule (the message_id index answers it).
 */
export function rulesRunOn(db: ReadDb, messageIds: readonly number[]): Map<number, Set<number>> {
  const runs = new Map<number, Set<number>>();
  if (messageIds.length === 0) return runs;
  const rows = prepare<[string], { rule_id: number; message_id: number }>(
    db,
    'SELECT rule_id, message_id FROM rule_runs WHERE message_id IN (SELECT value FROM json_each(?))',
  ).all(JSON.stringify(messageIds));
  for (const row of rows) {
    let ids = runs.get(row.rule_id);
    if (!ids) runs.set(row.rule_id, (ids = new Set()));
    ids.add(row.message_id);
  }
  return runs;
}

export function recordRuleRun(db: WriteDb, ruleId: number, messageId: number, now: number): void {
  recordRuleRuns(db, ruleId, [messageId], now);
}

/** recordRuleRun for the messages a rule acted on in one batch, in one statement. */
export function recordRuleRuns(db: WriteDb, ruleId: number, messageIds: readonly number[], now: number): void {
  if (messageIds.length === 0) return;
  prepare<[number, number, string]>(db, 'INSERT OR IGNORE INTO rule_runs (rule_id, message_id, at) SELECT ?, value, ? FROM json_each(?)').run(ruleId, now, JSON.stringify(messageIds));
}

/** Messages whose arrival rules wait for their text (IMAP stores headers first). */
export function addArrivals(db: WriteDb, arrivals: ReadonlyArray<{ messageId: number; folderId: number }>, now: number): void {
  const insert = prepare<[number, number, number]>(db, 'INSERT OR IGNORE INTO rule_arrivals (message_id, folder_id, since) VALUES (?, ?, ?)');
  for (const a of arrivals) insert.run(a.messageId, a.folderId, now);
}

/** Of these messages, those waiting for their arrival rules; taken off the list. */
export function takeArrivals(db: WriteDb, messageIds: readonly number[]): number[] {
  if (messageIds.length === 0) return [];
  const waiting = prepare<[string], { message_id: number }>(db, 'SELECT message_id FROM rule_arrivals WHERE message_id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(messageIds))
    .map((r) => r.message_id);
  if (waiting.length > 0) prepare<[string]>(db, 'DELETE FROM rule_arrivals WHERE message_id IN (SELECT value FROM json_each(?))').run(JSON.stringify(waiting));
  return waiting;
}

/** Every message of a folder still waiting for its arrival rules. */
export function arrivalsInFolder(db: ReadDb, folderId: number): number[] {
  return prepare<[number], { message_id: number }>(db, 'SELECT message_id FROM rule_arrivals WHERE folder_id = ?').all(folderId).map((r) => r.message_id);
}
