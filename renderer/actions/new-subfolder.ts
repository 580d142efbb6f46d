import { folderName } from '../mail/folder-tree';
import type { Action } from './action';
import { askNewFolder } from './ask-new-folder';

/** The folder menu's "New subfolder…": asks its name, then the service creates it (on the server through the queue). */
export const newSubfolder: Action = {
  name: 'new-subfolder',
  label: 'New subfolder…',
  keys: [],
  group: 'folder',
  icon: 'folder-plus',
  predicate: (ctx) => ctx.target.folder !== undefined,
  perform(ctx) {
    const parent = ctx.target.folder!;
    askNewFolder(ctx, { accountId: parent.accountId, parentId: parent.id, title: `New folder in ${folderName(parent)}` });
  },
};
