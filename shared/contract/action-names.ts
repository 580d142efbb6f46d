/**
 * Every user action of the mail window, by name. The renderer's registry (renderer/actions/all-actions.ts)
 * has exactly one action for each name, and every entry point runs actions by these names: keys, the
 * toolbar, the context menus, drag and drop, and the application menu, whose `menuActionRequested` event
 * carries one of them (so the shell cannot ask for an action the window does not have).
 */
export const actionNames = [
  // Moving through the list.
  'next-message',
  'previous-message',
  'extend-next',
  'extend-previous',
  'first-message',
  'last-message',
  'page-down',
  'page-up',
  'select-all',
  'open-message',
  // Acting on the selected messages.
  'toggle-read',
  'toggle-flag',
  'delete',
  'archive',
  'move',
  'move-to-folder',
  'tag-menu',
  'toggle-tag',
  'new-tag',
  'mark-junk',
  'mark-not-junk',
  'undo',
  // Writing (the composer opens in a window of its own).
  'new-message',
  'reply',
  'reply-all',
  'forward',
  'forward-as-attachment',
  // Acting on a folder (its context menu).
  'mark-folder-read',
  'empty-trash',
  'new-subfolder',
  // Acting on an account (its context menu in the folder tree).
  'new-folder',
  'rename-folder',
  'delete-folder',
  'run-rules',
  // Reading.
  'toggle-plain-text',
  'view-source',
  'print',
  'save-pdf',
  'export-message',
  // The window and the app.
  'focus-search',
  'show-shortcuts',
  'open-settings',
  'add-account',
  'check-mail',
  'export-folder',
  'escape',
] as const;

export type ActionName = (typeof actionNames)[number];
