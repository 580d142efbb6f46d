import { folderName } from '../mail/folder-tree';
import type { Action } from './action';

/** Messages marked per command: a folder of 100,000 goes in a few commands, each one transaction. */
const CHUNK = 10_000;

/** The folder menu's "Mark folder read": every message of the folder, loaded in the list or not. */
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
      const ids = await ctx.api.listMessageIds({ mailbox: { folderId: folder.id } });
      for (let i = 0; i < ids.length; i += CHUNK) await ctx.api.markMessages({ ids: ids.slice(i, i + CHUNK), seen: true });
      // Which of them were unread is not known here; taking this back waits for the service's undo.
      ctx.done({ message: `Marked every message in ${folderName(folder)} as read.`, undo: null });
    } catch (error) {
      ctx.report(error);
    }
  },
};
