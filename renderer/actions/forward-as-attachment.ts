import type { Action } from './action';
import { answerable } from './reply';

/** Forward as attachment (Thunderbird's Forward As › Attachment): the original, byte for byte, as an .eml. */
export const forwardAsAttachment: Action = {
  name: 'forward-as-attachment',
  label: 'Forward as attachment',
  keys: [],
  group: 'message',
  icon: 'forward',
  predicate: answerable,
  perform: (ctx) => ctx.ui.compose({ kind: 'response', messageId: ctx.focused!.id, mode: 'forward-attachment' }),
};
