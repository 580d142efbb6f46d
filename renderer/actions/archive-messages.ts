import { messagesWord, serviceOutcome } from '../mail/outcome';
import { type Action, hasSelection } from './action';
import { formatCount } from '../mail/format';

/**
 * `a` (Thunderbird) and `e` (Gmail): each message to its account's Archive folder. The service finds or
 * creates that folder (SPECIAL-USE \Archive) and keeps the undo entry.
 */
export const archiveMessages: Action = {
  name: 'archive',
  label: (ctx) => (ctx.selectedCount > 1 ? `Archive ${formatCount(ctx.selectedCount)} messages` : 'Archive'),
  help: 'Archive',
  keys: ['a', 'e'],
  group: 'message',
  icon: 'archive',
  predicate: (ctx) => hasSelection(ctx) && ctx.shownFolder?.specialUse !== 'archive',
  async perform(ctx) {
    const count = ctx.selectedCount;
    try {
      const result = await ctx.api.archiveMessages({ ids: ctx.selectedIds });
      ctx.done(serviceOutcome(ctx.api, result, { message: `Archived ${messagesWord(count)}.`, undo: null }));
    } catch (error) {
      ctx.report(error);
    }
  },
};
