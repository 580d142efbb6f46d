import { type Action, hasSelection } from './action';

/** `l` (Gmail's label) and the toolbar's Tags button: the tag menu for the selected messages. */
export const tagMenu: Action = {
  name: 'tag-menu',
  label: 'Tags…',
  keys: ['l'],
  group: 'message',
  icon: 'tag',
  predicate: hasSelection,
  perform: (ctx) => ctx.ui.openTagMenu(),
};
