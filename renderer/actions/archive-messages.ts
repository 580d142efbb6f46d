import type { Folder } from '../../shared/contract/messages';
import { messagesWord } from '../mail/outcome';
import { type Action, type ActionContext, hasSelection } from './action';
import { moveBack } from './undo-plans';

/** Each selected message's account's Archive folder, or null when some account has none (or is unknown). */
function archivesOf(ctx: ActionContext): Map<Folder, number[]> | null {
  const accounts = ctx.selected.length === ctx.selectedCount ? new Set(ctx.selected.map((m) => m.accountId)) : ctx.shownFolder ? new Set([ctx.shownFolder.accountId]) : null;
  if (!accounts || accounts.size === 0) return null;
  const archives = new Map<string, Folder>();
  for (const accountId of accounts) {
    const archive = ctx.folders.find((f) => f.accountId === accountId && f.specialUse === 'archive');
    if (!archive) return null;
    archives.set(accountId, archive);
  }
  const byArchive = new Map<Folder, number[]>();
  const accountOf = new Map(ctx.selected.map((m) => [m.id, m.accountId]));
  for (const id of ctx.selectedIds) {
    const archive = archives.get(accountOf.get(id) ?? ctx.shownFolder?.accountId ?? '')!;
    byArchive.set(archive, [...(byArchive.get(archive) ?? []), id]);
  }
  return byArchive;
}

/**
 * `a` (Thunderbird) and `e` (Gmail): each message to its account's Archive folder (SPECIAL-USE \Archive).
 * An account without one offers no Archive here yet: creating it is the service's part.
 */
export const archiveMessages: Action = {
  name: 'archive',
  label: (ctx) => (ctx.selectedCount > 1 ? `Archive ${ctx.selectedCount} messages` : 'Archive'),
  help: 'Archive',
  keys: ['a', 'e'],
  group: 'message',
  icon: 'archive',
  predicate: (ctx) => hasSelection(ctx) && ctx.shownFolder?.specialUse !== 'archive' && archivesOf(ctx) !== null,
  async perform(ctx) {
    const groups = archivesOf(ctx)!;
    try {
      for (const [archive, ids] of groups) await ctx.api.moveMessages({ ids, toFolderId: archive.id });
      const [only] = groups.keys();
      const undo = groups.size === 1 && only ? moveBack(ctx, only) : null;
      ctx.done({ message: `Archived ${messagesWord(ctx.selectedCount)}.`, undo });
    } catch (error) {
      ctx.report(error);
    }
  },
};
