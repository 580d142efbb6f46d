import type { Action, ActionContext } from './action';

/** One message is open or selected: the one an answer is to. */
export const answerable = (ctx: ActionContext) => ctx.focused !== null && ctx.selectedCount <= 1;

/** Ctrl/Cmd+R (Outlook, Thunderbird): reply to the sender, quoting the message. */
export const reply: Action = {
  name: 'reply',
  label: 'Reply',
  keys: ['Mod+r'],
  group: 'message',
  icon: 'reply',
  predicate: answerable,
  perform: (ctx) => ctx.ui.compose({ kind: 'response', messageId: ctx.focused!.id, mode: 'reply' }),
};
