import { messagesWord, serviceOutcome } from '../mail/outcome';
import { type Action, hasSelection } from './action';
import { formatCount } from '../mail/format';

/**
 * `#` (Gmail, mutt) and Delete. The service moves the messages to Trash (or expunges them from Trash) and
 * queues the server side, so it works offline; the list drops them when the change event arrives and the
 * focus walks to the next message (selection.ts reconcile).
 */
export const deleteMessages: Action = {
  name: 'delete',
  label: (ctx) => (ctx.selectedCount > 1 ? `Delete ${formatCount(ctx.selectedCount)} messages` : 'Delete'),
  help: 'Delete',
  keys: ['#', 'Delete'],
  group: 'message',
  icon: 'trash',
  predicate: hasSelection,
  async perform(ctx) {
    try {
      const result = await ctx.api.deleteMessages({ ids: ctx.selectedIds });
      // Where the messages went (a Trash, or gone from a POP3 or local account) is the service's to say,
      // and so is the way back: without its undo entry the toast only tells.
      ctx.done(serviceOutcome(ctx.api, result, { message: `Deleted ${messagesWord(ctx.selectedIds.length)}.`, undo: null }));
    } catch (error) {
      ctx.report(error);
    }
  },
};
