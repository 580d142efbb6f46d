import type { Action } from './action';

/** Ctrl/Cmd+P: the message the reader shows, as it shows it (remote content only if it was allowed). */
export const printMessage: Action = {
  name: 'print',
  label: 'Print…',
  keys: ['Mod+p'],
  group: 'view',
  icon: 'printer',
  predicate: (ctx) => ctx.readerOpen,
  perform: (ctx) => ctx.ui.print('printer'),
};
