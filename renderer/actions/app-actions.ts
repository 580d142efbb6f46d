import type { Action } from './action';

export const focusSearch: Action = {
  name: 'focus-search',
  label: 'Search',
  keys: ['/', 'Mod+f'],
  group: 'app',
  icon: 'search',
  predicate: () => true,
  perform: (ctx) => ctx.ui.focusSearch(),
};

export const showShortcuts: Action = {
  name: 'show-shortcuts',
  label: 'Keyboard shortcuts',
  keys: ['?'],
  group: 'app',
  icon: 'keyboard',
  predicate: () => true,
  perform: (ctx) => ctx.ui.showShortcuts(),
};

export const openSettings: Action = {
  name: 'open-settings',
  label: 'Accounts and settings',
  keys: ['Mod+,'],
  group: 'app',
  icon: 'settings',
  predicate: () => true,
  perform: (ctx) => ctx.ui.openSettings(),
};

export const escape: Action = {
  name: 'escape',
  label: 'Close search or go back to the list',
  keys: ['Escape'],
  group: 'app',
  predicate: () => true,
  perform: (ctx) => ctx.ui.escape(),
};
