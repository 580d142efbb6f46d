import type { Action } from './action';

export const addAccount: Action = {
  name: 'add-account',
  label: 'Add account…',
  keys: [],
  group: 'app',
  icon: 'plus',
  predicate: () => true,
  perform: (ctx) => ctx.ui.addAccount(),
};
