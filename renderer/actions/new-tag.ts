import { messagesWord, serviceOutcome } from '../mail/outcome';
import { type Action, hasSelection } from './action';

/** The tag menu's "New tag…": asks a name, then tags the selected messages with it. */
export const newTag: Action = {
  name: 'new-tag',
  label: 'New tag…',
  keys: [],
  group: 'message',
  icon: 'plus',
  predicate: hasSelection,
  perform(ctx) {
    const ids = ctx.selectedIds;
    ctx.ui.ask({
      kind: 'name',
      title: 'New tag',
      label: 'Tag name',
      initial: '',
      confirm: 'Tag',
      async submit(name) {
        const result = await ctx.api.tagMessages({ ids, add: [name] });
        ctx.done(serviceOutcome(ctx.api, result, { message: `Tagged ${messagesWord(ids.length)} ${name}.`, undo: null }));
      },
    });
  },
};
