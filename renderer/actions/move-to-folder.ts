import { folderName } from '../mail/folder-tree';
import { messagesWord, serviceOutcome } from '../mail/outcome';
import { type Action, type ActionContext, hasSelection } from './action';
import { moveBack } from './undo-plans';

/** True when some selected message is not in the target folder already. */
const leavesItsFolder = (ctx: ActionContext) =>
  ctx.target.folder !== undefined && (ctx.selected.length < ctx.selectedCount || ctx.selected.some((m) => m.folderId !== ctx.target.folder!.id));

/**
 * The selection into the folder a drop landed on or the move picker chose. The service moves the rows at
 * once and queues the server side; the list drops them when the change event arrives.
 */
export const moveToFolder: Action = {
  name: 'move-to-folder',
  label: (ctx) => (ctx.target.folder ? `Move to ${folderName(ctx.target.folder)}` : 'Move to folder'),
  keys: [],
  group: 'message',
  icon: 'folder-move',
  predicate: (ctx) => hasSelection(ctx) && leavesItsFolder(ctx),
  async perform(ctx) {
    const folder = ctx.target.folder!;
    try {
      const result = await ctx.api.moveMessages({ ids: ctx.selectedIds, toFolderId: folder.id });
      ctx.done(serviceOutcome(ctx.api, result, { message: `Moved ${messagesWord(ctx.selectedCount)} to ${folderName(folder)}.`, undo: moveBack(ctx, folder) }));
    } catch (error) {
      ctx.report(error);
    }
  },
};
