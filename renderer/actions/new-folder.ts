import { accountLabel } from '../mail/folder-tree';
import type { Action } from './action';
import { askNewFolder } from './ask-new-folder';

/**
 * The account menu's "New folder…" (right-click or the context-menu key on an account in the folder tree):
 * a folder at the account's top level, beside INBOX, and the only way to make a first folder in Local
 * Folders, which starts with none. "New subfolder…" on a folder makes one inside it.
 */
export const newFolder: Action = {
  name: 'new-folder',
  label: 'New folder…',
  keys: [],
  group: 'folder',
  icon: 'folder-plus',
  predicate: (ctx) => ctx.target.account !== undefined,
  perform(ctx) {
    const account = ctx.target.account!;
    askNewFolder(ctx, { accountId: account.id, parentId: null, title: `New folder in ${accountLabel(account)}` });
  },
};
