import type { Action } from './action';

export const togglePlainText: Action = {
  name: 'toggle-plain-text',
  label: (ctx) => (ctx.bodyView === 'text' ? 'Show formatted message' : 'Show plain text'),
  help: 'Plain text or formatted',
  keys: ['T'],
  group: 'view',
  icon: 'text',
  predicate: (ctx) => ctx.readerOpen,
  perform: (ctx) => ctx.ui.toggleBodyView('text'),
};

export const viewSource: Action = {
  name: 'view-source',
  label: (ctx) => (ctx.bodyView === 'source' ? 'Hide source' : 'View source'),
  help: 'View source',
  keys: ['Mod+u'],
  group: 'view',
  icon: 'code',
  predicate: (ctx) => ctx.readerOpen,
  perform: (ctx) => ctx.ui.toggleBodyView('source'),
};
