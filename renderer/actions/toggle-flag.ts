import { messagesWord, serviceOutcome } from '../mail/outcome';
import { type Action, type ActionContext, hasSelection, restoreEach } from './action';
import { markBack } from './undo-plans';

const anyUnflagged = (ctx: ActionContext) => ctx.selected.some((m) => !m.flagged);

/** `s` (star) as in Gmail and mutt's flag: flags when any selected message is unflagged, else unflags. */
export const toggleFlag: Action = {
  name: 'toggle-flag',
  label: (ctx) => (anyUnflagged(ctx) ? 'Flag' : 'Remove flag'),
  help: 'Flag or unflag',
  keys: ['s'],
  group: 'message',
  icon: 'flag',
  predicate: hasSelection,
  async perform(ctx) {
    const flagged = anyUnflagged(ctx);
    const ids = ctx.selectedIds;
    const before = ctx.selected.map(({ id, seen, flagged }) => ({ id, seen, flagged }));
    ctx.patch(ids, { flagged });
    try {
      const result = await ctx.api.markMessages({ ids, flagged });
      ctx.done(serviceOutcome(ctx.api, result, { message: `${flagged ? 'Flagged' : 'Unflagged'} ${messagesWord(ids.length)}.`, undo: markBack(ctx, 'flagged', flagged) }));
    } catch (error) {
      restoreEach(ctx, before, 'flagged');
      ctx.report(error);
    }
  },
};
