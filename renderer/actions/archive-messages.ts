import type { Folder } from '../../shared/contract/messages';
import { HomingError } from '../../shared/errors';
import { accountLabel } from '../mail/folder-tree';
import { messagesWord, notBuilt, serviceOutcome } from '../mail/outcome';
import { type Action, type ActionContext, hasSelection } from './action';
import { moveBack } from './undo-plans';

/**
 * `a` (Thunderbird) and `e` (Gmail): each message to its account's Archive folder. The service finds or
 * creates that folder (SPECIAL-USE \Archive) and keeps the undo entry.
 */
export const archiveMessages: Action = {
  name: 'archive',
  label: (ctx) => (ctx.selectedCount > 1 ? `Archive ${ctx.selectedCount} messages` : 'Archive'),
  help: 'Archive',
  keys: ['a', 'e'],
  group: 'message',
  icon: 'archive',
  predicate: (ctx) => hasSelection(ctx) && ctx.shownFolder?.specialUse !== 'archive',
  async perform(ctx) {
    const count = ctx.selectedCount;
    try {
      const result = await ctx.api.archiveMessages({ ids: ctx.selectedIds });
      ctx.done(serviceOutcome(ctx.api, result, { message: `Archived ${messagesWord(count)}.`, undo: null }));
    } catch (error) {
      if (!notBuilt(error)) return ctx.report(error);
      try {
        await archiveIntoExisting(ctx);
      } catch (fallbackError) {
        ctx.report(fallbackError);
      }
    }
  },
};

/**
 * Until the service's archiveMessages is built: a move into each account's existing Archive folder (an
 * account without one is told so), taken back by the window as a move back.
 */
async function archiveIntoExisting(ctx: ActionContext): Promise<void> {
  const accountOf = new Map(ctx.selected.map((m) => [m.id, m.accountId]));
  const byArchive = new Map<Folder, number[]>();
  for (const id of ctx.selectedIds) {
    const accountId = accountOf.get(id) ?? ctx.shownFolder?.accountId;
    const archive = ctx.folders.find((f) => f.accountId === accountId && f.specialUse === 'archive');
    if (!archive) {
      const account = ctx.accounts.find((a) => a.id === accountId);
      throw new HomingError('NOT_FOUND', `${account ? accountLabel(account) : 'This account'} has no Archive folder yet.`);
    }
    byArchive.set(archive, [...(byArchive.get(archive) ?? []), id]);
  }
  for (const [archive, ids] of byArchive) await ctx.api.moveMessages({ ids, toFolderId: archive.id });
  const [only] = byArchive.keys();
  ctx.done({ message: `Archived ${messagesWord(ctx.selectedCount)}.`, undo: byArchive.size === 1 && only ? moveBack(ctx, only) : null });
}
