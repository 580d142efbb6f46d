import type { Action } from './action';

/**
 * Ctrl/Cmd+Z, Edit › Undo and the toast's button: takes back the last action the toast tells of, when it
 * can be. In a text field the keys undo typing (the dispatcher leaves them to it); the menu, which has
 * the keys in the desktop app, asks here, and the field's typing is undone.
 */
export const undo: Action = {
  name: 'undo',
  label: 'Undo',
  keys: ['Mod+z'],
  group: 'message',
  icon: 'undo',
  predicate: (ctx) => ctx.canUndo || ctx.ui.editingText(),
  perform: (ctx) => ctx.ui.undo(),
};
