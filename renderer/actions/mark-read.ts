import { messagesWord, serviceOutcome } from '../mail/outcome';
import { type Action, type ActionContext, hasSelection, restoreEach } from './action';
import { markBack } from './undo-plans';

/** True when marking would make messages read (some selected message is unread). */
const anyUnread = (ctx: ActionContext) => ctx.selected.some((m) => !m.seen);

/** `u` toggles: read when any selected message is unread, else unread (as Thunderbird's `m`). */
export const toggleRead: Action = {
  name: 'toggle-read',
  label: (ctx) => (anyUnread(ctx) ? 'Mark as read' : 'Mark as unread'),
  help: 'Mark as read or unread',
  keys: ['u'],
  group: 'message',
  icon: 'envelope-open',
  predicate: hasSelection,
  async perform(ctx) {
    const seen = anyUnread(ctx);
    const ids = ctx.selectedIds;
    const before = ctx.selected.map(({ id, seen, flagged }) => ({ id, seen, flagged }));
    ctx.patch(ids, { seen });
    try {
      const result = await ctx.api.markMessages({ ids, seen });
      ctx.done(serviceOutcome(ctx.api, result, { message: `Marked ${messagesWord(ids.length)} as ${seen ? 'read' : 'unread'}.`, undo: markBack(ctx, 'seen', seen) }));
    } catch (error) {
      restoreEach(ctx, before, 'seen');
      ctx.report(error);
    }
  },
};
