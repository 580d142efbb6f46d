import { type Action, hasSelection } from './action';

/** `v` as in Gmail: opens the folder picker; the picker calls moveMessages. */
export const moveMessages: Action = {
  name: 'move',
  label: 'Move to…',
  keys: ['v'],
  group: 'message',
  icon: 'folder-move',
  predicate: hasSelection,
  perform: (ctx) => ctx.ui.openMovePicker(),
};
