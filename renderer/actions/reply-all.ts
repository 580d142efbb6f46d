import type { Action } from './action';
import { answerable } from './reply';

/** Ctrl/Cmd+Shift+R: reply to the sender and every other recipient but the user's own addresses. */
export const replyAll: Action = {
  name: 'reply-all',
  label: 'Reply all',
  keys: ['Mod+Shift+r'],
  group: 'message',
  icon: 'reply-all',
  predicate: answerable,
  perform: (ctx) => ctx.ui.compose({ kind: 'response', messageId: ctx.focused!.id, mode: 'reply-all' }),
};
