import { folderName } from '../mail/folder-tree';
import { serviceOutcome } from '../mail/outcome';
import type { Action } from './action';

/** The folder menu's "Mark folder read": every message of the folder, loaded in the list or not, as one action (undone as one). */
export const markFolderRead: Action = {
  name: 'mark-folder-read',
  label: 'Mark folder read',
  keys: [],
  group: 'folder',
  icon: 'envelope-open',
  predicate: (ctx) => (ctx.target.folder?.unread ?? 0) > 0,
  async perform(ctx) {
    const folder = ctx.target.folder!;
    try {
      const result = await ctx.api.markFolderRead({ folderId: folder.id });
      ctx.done(serviceOutcome(ctx.api, result, { message: `Marked every message in ${folderName(folder)} as read.`, undo: null }));
    } catch (error) {
      ctx.report(error);
    }
  },
};
