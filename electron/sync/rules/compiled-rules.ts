import type { Rule } from '../../../shared/contract/rules';
import type { ReadDb } from '../../store/db';
import { listRules } from '../../store/rules';
import { parseSearchQuery, type QueryNode } from '../../store/search-query';

/** A rule ready to run: its query parsed once, and whether it needs the message's text. */
export interface CompiledRule {
  readonly rule: Rule;
  readonly query: QueryNode;
  /** It looks at words of the text or attachment names: on IMAP it waits for the body. */
  readonly needsText: boolean;
}

/** The enabled rules that are not broken and whose scope takes this account (null: any), in order. */
export function rulesFor(db: ReadDb, accountId: string | null, only?: ReadonlySet<number>): CompiledRule[] {
  const out: CompiledRule[] = [];
  for (const rule of listRules(db)) {
    if (only ? !only.has(rule.id) : !rule.enabled || rule.broken !== null) continue;
    if (accountId !== null && rule.accountId !== null && rule.accountId !== accountId) continue;
    let query: QueryNode;
    try {
      query = parseSearchQuery(rule.query);
    } catch {
      continue; // saved by a version whose language differs: shown as is in the list, never run
    }
    out.push({ rule, query, needsText: needsText(query) });
  }
  return out;
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
