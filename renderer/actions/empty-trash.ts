import { accountLabel } from '../mail/folder-tree';
import { messagesWord } from '../mail/outcome';
import type { Action } from './action';

/** On a Trash folder: "Empty Trash…" asks first, since what leaves the Trash is gone for good (no undo). */
export const emptyTrash: Action = {
  name: 'empty-trash',
  label: 'Empty Trash…',
  keys: [],
  group: 'folder',
  icon: 'trash',
  offered: (ctx) => ctx.target.folder?.specialUse === 'trash',
  predicate: (ctx) => ctx.target.folder?.specialUse === 'trash' && ctx.target.folder.total > 0,
  perform(ctx) {
    const trash = ctx.target.folder!;
    const account = ctx.accounts.find((a) => a.id === trash.accountId);
    ctx.ui.ask({
      kind: 'confirm',
      title: 'Empty the Trash?',
      message: `The ${trash.total === 1 ? 'message' : messagesWord(trash.total)} in the Trash${account ? ` of ${accountLabel(account)}` : ''} will be deleted for good. This cannot be undone.`,
      confirm: 'Empty Trash',
      async submit() {
        const { deleted } = await ctx.api.emptyTrash({ accountId: trash.accountId, confirm: true });
        ctx.done({ message: `Deleted ${messagesWord(deleted)} for good.`, undo: null });
      },
    });
  },
};
