import type { Action } from './action';

/** "Save as PDF…" (the desktop app; in a browser, its print dialog offers the same). */
export const saveAsPdf: Action = {
  name: 'save-pdf',
  label: 'Save as PDF…',
  keys: [],
  group: 'view',
  icon: 'download',
  offered: (ctx) => ctx.desktop !== null,
  predicate: (ctx) => ctx.desktop !== null && ctx.readerOpen,
  perform: (ctx) => ctx.ui.print('pdf'),
};
