import { folderName } from '../mail/folder-tree';
import { messagesWord, serviceOutcome } from '../mail/outcome';
import type { Action } from './action';
import { isProtectedFolder } from './folder-kinds';
import { formatCount } from '../mail/format';

/** The folder menu's "Delete folder…": asks first; its messages (and its subfolders') go to the Trash, so it can be undone. */
export const deleteFolder: Action = {
  name: 'delete-folder',
  label: 'Delete folder…',
  keys: [],
  group: 'folder',
  icon: 'trash',
  offered: (ctx) => !isProtectedFolder(ctx.target.folder),
  predicate: (ctx) => ctx.target.folder !== undefined && !isProtectedFolder(ctx.target.folder),
  perform(ctx) {
    const folder = ctx.target.folder!;
    const name = folderName(folder);
    const subfolders = ctx.folders.some((f) => f.accountId === folder.accountId && f.parentPath === folder.path);
    const contents = subfolders
      ? 'Its messages and its subfolders’ go to the Trash.'
      : folder.total === 1
        ? 'Its message goes to the Trash.'
        : folder.total > 1
          ? `Its ${formatCount(folder.total)} messages go to the Trash.`
          : 'It is empty.';
    ctx.ui.ask({
      kind: 'confirm',
      title: `Delete the folder ${name}?`,
      message: `${contents} You can undo this.`,
      confirm: 'Delete folder',
      async submit() {
        const result = await ctx.api.deleteFolder({ folderId: folder.id, confirm: true });
        const moved = result.movedToTrash > 0 ? `; ${messagesWord(result.movedToTrash)} went to the Trash` : '';
        ctx.done(serviceOutcome(ctx.api, result, { message: `Deleted the folder ${name}${moved}.`, undo: null }));
      },
    });
  },
};
