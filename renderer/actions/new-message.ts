import type { Action } from './action';

/** Ctrl/Cmd+N, as in every mail client: a new message from the account whose folder is shown (else the first). */
export const newMessage: Action = {
  name: 'new-message',
  label: 'New message',
  keys: ['Mod+n'],
  group: 'message',
  icon: 'pencil',
  predicate: () => true,
  perform(ctx) {
    const accountId = ctx.shownFolder && ctx.shownFolder.accountId !== 'local' ? ctx.shownFolder.accountId : (ctx.focused?.accountId ?? null);
    ctx.ui.compose(accountId && accountId !== 'local' ? { kind: 'new', accountId } : { kind: 'new' });
  },
};
