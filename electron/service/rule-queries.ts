import type { MethodHandlers } from '../../shared/contract';
import { junkStatus } from '../store/junk';
import { listRules } from '../store/rules';
import { matchingMessageIds } from '../store/search';
import { parseSearchQuery } from '../store/search-query';
import type { QueryContext } from './query-context';

/** Mail rules and junk, read side (electron/store/rules.ts, junk.ts). */
export function createRuleQueries(ctx: QueryContext): MethodHandlers<'listRules' | 'countRuleMatches' | 'getJunkStatus'> {
  return {
    async listRules() {
      return listRules(ctx.db);
    },
    async countRuleMatches({ query, accountId }) {
      // The same search a rule's run does, counted only (limit 0: no ids read, just the total).
      const { total } = matchingMessageIds(ctx.db, parseSearchQuery(query), { ...(accountId ? { accountId } : {}), limit: 0 });
      return { count: total };
    },
    async getJunkStatus() {
      return junkStatus(ctx.db);
    },
  };
}
