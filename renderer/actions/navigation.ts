import type { Action } from './action';

/** Moving through the list: j/k as in mutt and Gmail, arrows as everywhere; Shift extends the selection. */
export const nextMessage: Action = {
  name: 'next-message',
  label: 'Next message',
  keys: ['j', 'ArrowDown'],
  group: 'navigate',
  predicate: () => true,
  perform: (ctx) => ctx.ui.move(1, false),
};

export const previousMessage: Action = {
  name: 'previous-message',
  label: 'Previous message',
  keys: ['k', 'ArrowUp'],
  group: 'navigate',
  predicate: () => true,
  perform: (ctx) => ctx.ui.move(-1, false),
};

export const extendNext: Action = {
  name: 'extend-next',
  label: 'Add next message to selection',
  keys: ['Shift+ArrowDown', 'J'],
  group: 'navigate',
  predicate: () => true,
  perform: (ctx) => ctx.ui.move(1, true),
};

export const extendPrevious: Action = {
  name: 'extend-previous',
  label: 'Add previous message to selection',
  keys: ['Shift+ArrowUp', 'K'],
  group: 'navigate',
  predicate: () => true,
  perform: (ctx) => ctx.ui.move(-1, true),
};

export const firstMessage: Action = {
  name: 'first-message',
  label: 'First message',
  keys: ['Home'],
  group: 'navigate',
  predicate: () => true,
  perform: (ctx) => ctx.ui.move(-Infinity, false),
};

export const lastMessage: Action = {
  name: 'last-message',
  label: 'Last message',
  keys: ['End'],
  group: 'navigate',
  predicate: () => true,
  perform: (ctx) => ctx.ui.move(Infinity, false),
};

export const pageDown: Action = {
  name: 'page-down',
  label: 'Page down',
  keys: ['PageDown'],
  group: 'navigate',
  predicate: () => true,
  perform: (ctx) => ctx.ui.move(10, false),
};

export const pageUp: Action = {
  name: 'page-up',
  label: 'Page up',
  keys: ['PageUp'],
  group: 'navigate',
  predicate: () => true,
  perform: (ctx) => ctx.ui.move(-10, false),
};

export const selectAllMessages: Action = {
  name: 'select-all',
  label: 'Select all messages',
  keys: ['Mod+a'],
  group: 'navigate',
  predicate: () => true,
  perform: (ctx) => ctx.ui.selectAll(),
};

export const openMessage: Action = {
  name: 'open-message',
  label: 'Open message or conversation',
  keys: ['Enter', 'o'],
  group: 'navigate',
  predicate: (ctx) => ctx.focused !== null,
  perform: (ctx) => ctx.ui.openFocused(),
};
