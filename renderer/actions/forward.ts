import type { Action } from './action';
import { answerable } from './reply';

/** Ctrl/Cmd+L (Thunderbird): forward inline, with the original's attachments. */
export const forward: Action = {
  name: 'forward',
  label: 'Forward',
  keys: ['Mod+l'],
  group: 'message',
  icon: 'forward',
  predicate: answerable,
  perform: (ctx) => ctx.ui.compose({ kind: 'response', messageId: ctx.focused!.id, mode: 'forward-inline' }),
};
