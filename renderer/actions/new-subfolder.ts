import { folderName } from '../mail/folder-tree';
import { serviceOutcome } from '../mail/outcome';
import type { Action } from './action';

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
    ctx.ui.ask({
      kind: 'name',
      title: `New folder in ${folderName(parent)}`,
      label: 'Folder name',
      initial: '',
      confirm: 'Create',
      async submit(name) {
        const result = await ctx.api.createFolder({ accountId: parent.accountId, parentId: parent.id, name });
        ctx.done(serviceOutcome(ctx.api, result, { message: `Created the folder ${name}.`, undo: null }));
      },
    });
  },
};
