import type { MethodHandlers } from '../../shared/contract';
import { isTagKeyword, tagName } from '../../shared/tags';
import { prepare } from '../store/db';
import { listUndoable } from '../store/undo-log';
import type { QueryContext } from './query-context';

/** The tag menu and the undo log, read on the main thread. */
export function createOrganiseQueries(ctx: QueryContext): MethodHandlers<'listTags' | 'listUndoable'> {
  const { db } = ctx;
  return {
    /** Tags in use (system flags are columns of their own), most used first. */
    async listTags({ accountId }) {
      const rows = prepare<[string | null, string | null], { keyword: string; count: number }>(
        db,
        `SELECT k.value AS keyword, count(*) AS count FROM messages m, json_each(m.keywords) k
         WHERE m.keywords != '[]' AND m.deleted_locally = 0 AND (? IS NULL OR m.account_id = ?)
         GROUP BY k.value ORDER BY count DESC, k.value`,
      ).all(accountId ?? null, accountId ?? null);
      // Bookkeeping keywords ($Forwarded, junk verdicts) are not tags a person chose.
      return rows.filter((r) => isTagKeyword(r.keyword)).map((r) => ({ keyword: r.keyword, name: tagName(r.keyword), count: r.count }));
    },
    async listUndoable({ limit }) {
      return listUndoable(db, limit);
    },
  };
}
