import { messagesWord, serviceOutcome } from '../mail/outcome';
import { tagState } from '../mail/tag-choices';
import { type Action, type ActionContext, hasSelection } from './action';

/** The tag aimed at: the one picked in the tag menu, or the one whose number key was pressed. */
const tagOf = (ctx: ActionContext) => ctx.target.tag ?? (ctx.target.key ? ctx.tags[Number(ctx.target.key) - 1] : undefined);

/**
 * Keys 1–9 (as in Thunderbird) and the tag menu: adds the tag to the selected messages, or takes it off
 * when every one of them has it. Tags are IMAP keywords, so other mail programs see them too.
 */
export const toggleTag: Action = {
  name: 'toggle-tag',
  label: (ctx) => (tagOf(ctx) ? `Tag “${tagOf(ctx)!.name}”` : 'Tag'),
  help: 'Add or remove tag 1–9 (the tag menu’s order)',
  keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
  group: 'message',
  icon: 'tag',
  predicate: (ctx) => hasSelection(ctx) && tagOf(ctx) !== undefined,
  async perform(ctx) {
    const tag = tagOf(ctx)!;
    const remove = ctx.selected.length === ctx.selectedCount && tagState(ctx.selected.map((m) => m.flags), tag.keyword) === true;
    const ids = ctx.selectedIds;
    try {
      // By its keyword, which the service keeps as it is: Important is Thunderbird's $label1 on the server too.
      const result = await ctx.api.tagMessages(remove ? { ids, remove: [tag.keyword] } : { ids, add: [tag.keyword] });
      const message = remove ? `Took the tag ${tag.name} off ${messagesWord(ids.length)}.` : `Tagged ${messagesWord(ids.length)} ${tag.name}.`;
      ctx.done(serviceOutcome(ctx.api, result, { message, undo: null }));
    } catch (error) {
      ctx.report(error);
    }
  },
};
