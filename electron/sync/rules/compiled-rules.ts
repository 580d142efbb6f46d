import type { Rule } from '../../../shared/contract/rules';
import type { ReadDb } from '../../store/db';
import { ruleTexts } from '../../store/rules';
import { parseSearchQuery, type QueryNode } from '../../store/search-query';

/** A rule ready to run: its query parsed once, and whether it needs the message's text. */
export interface CompiledRule {
  readonly rule: Rule;
  readonly query: QueryNode;
  /** It looks at words of the text or attachment names: on IMAP it waits for the body. */
  readonly needsText: boolean;
}

/**
 * What the rules compiled to, per connection, as of the last read: under the text of all rows (the same
 * text, the same list), and each rule under its row's text (null: a query this version cannot parse).
 * The rows are read every time (one string), and only a rule whose row changed is parsed again, so an
 * edit from anywhere (the app, `homing rule`, another connection) counts from the next read, with no
 * version to keep in step and nothing stale after a rolled-back transaction.
 */
const compiledOf = new WeakMap<ReadDb['sqlite'], { all: string; list: ReadonlyArray<CompiledRule | null>; byText: Map<string, CompiledRule | null> }>();

/** The enabled rules that are not broken and whose scope takes this account (null: any), in order. */
export function rulesFor(db: ReadDb, accountId: string | null, only?: ReadonlySet<number>): CompiledRule[] {
  const texts = ruleTexts(db);
  let known = compiledOf.get(db.sqlite);
  if (known?.all !== texts.all) {
    const byText = new Map<string, CompiledRule | null>();
    const list: Array<CompiledRule | null> = [];
    for (const row of texts.each()) {
      let compiled = known?.byText.get(row.text);
      if (compiled === undefined) compiled = compile(row.rule());
      byText.set(row.text, compiled);
      list.push(compiled);
    }
    known = { all: texts.all, list, byText };
    compiledOf.set(db.sqlite, known);
  }
  const out: CompiledRule[] = [];
  for (const compiled of known.list) {
    if (!compiled) continue;
    const rule = compiled.rule;
    if (only ? !only.has(rule.id) : !rule.enabled || rule.broken !== null) continue;
    if (accountId !== null && rule.accountId !== null && rule.accountId !== accountId) continue;
    out.push(compiled);
  }
  return out;
}

function compile(rule: Rule): CompiledRule | null {
  let query: QueryNode;
  try {
    query = parseSearchQuery(rule.query);
  } catch {
    return null; // saved by a version whose language differs: shown as is in the list, never run
  }
  return { rule, query, needsText: needsText(query) };
}

/** Whether a query reads the body or attachment names (words in any column, body:, filename:, has:attachment). */
export function needsText(node: QueryNode): boolean {
  switch (node.kind) {
    case 'text':
      return node.column === null || node.column === 'body' || node.column === 'attachments';
    case 'flag':
      return node.flag === 'attachment';
    case 'not':
      return needsText(node.node);
    case 'and':
    case 'or':
      return node.nodes.some(needsText);
    default:
      return false;
  }
}
