import { folderName } from '../mail/folder-tree';
import { serviceOutcome } from '../mail/outcome';
import type { Action } from './action';
import { isProtectedFolder } from './folder-kinds';

/** The folder menu's "Rename…": asks the new name; the folder keeps its messages, subfolders and place. */
export const renameFolder: Action = {
  name: 'rename-folder',
  label: 'Rename…',
  keys: [],
  group: 'folder',
  icon: 'pencil',
  offered: (ctx) => !isProtectedFolder(ctx.target.folder),
  predicate: (ctx) => ctx.target.folder !== undefined && !isProtectedFolder(ctx.target.folder),
  perform(ctx) {
    const folder = ctx.target.folder!;
    const before = folderName(folder);
    ctx.ui.ask({
      kind: 'name',
      title: `Rename ${before}`,
      label: 'New name',
      initial: folder.name,
      confirm: 'Rename',
      async submit(name) {
        const result = await ctx.api.renameFolder({ folderId: folder.id, name });
        ctx.done(serviceOutcome(ctx.api, result, { message: `Renamed ${before} to ${name}.`, undo: null }));
      },
    });
  },
};
