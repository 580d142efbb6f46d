import { folderName } from '../mail/folder-tree';
import { notBuilt, serviceOutcome } from '../mail/outcome';
import type { Action, ActionContext } from './action';

/** Messages marked per command when the window does it itself: a folder of 100,000 goes in ten commands. */
const CHUNK = 10_000;

/** The folder menu's "Mark folder read": every message of the folder, loaded in the list or not, as one action. */
export const markFolderRead: Action = {
  name: 'mark-folder-read',
  label: 'Mark folder read',
  keys: [],
  group: 'folder',
  icon: 'envelope-open',
  predicate: (ctx) => (ctx.target.folder?.unread ?? 0) > 0,
  async perform(ctx) {
    const folder = ctx.target.folder!;
    const message = `Marked every message in ${folderName(folder)} as read.`;
    try {
      const result = await ctx.api.markFolderRead({ folderId: folder.id });
      ctx.done(serviceOutcome(ctx.api, result, { message, undo: null }));
    } catch (error) {
      if (!notBuilt(error)) return ctx.report(error);
      await markEachMessage(ctx, folder.id, message);
    }
  },
};

/** Until the service's markFolderRead is built: every id of the folder through markMessages (no undo: which were unread is not known here). */
async function markEachMessage(ctx: ActionContext, folderId: number, message: string): Promise<void> {
  try {
    const ids = await ctx.api.listMessageIds({ mailbox: { folderId } });
    for (let i = 0; i < ids.length; i += CHUNK) await ctx.api.markMessages({ ids: ids.slice(i, i + CHUNK), seen: true });
    ctx.done({ message, undo: null });
  } catch (error) {
    ctx.report(error);
  }
}
