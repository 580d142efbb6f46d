import type { Folder } from '../../shared/contract/messages';
import type { ActionContext } from './action';

/**
 * Ways back that the window can take by itself, from what it knew before acting: each row's earlier
 * flags, each row's earlier folder. Only when every selected row was loaded (in a selection of 100,000
 * some rows' state was never fetched, and a guess would be wrong for some of them).
 */
const allKnown = (ctx: ActionContext) => ctx.selected.length === ctx.selectedCount;

/** Marks the rows that changed back: those whose `key` was not `value` before. */
export function markBack(ctx: ActionContext, key: 'seen' | 'flagged', value: boolean): (() => Promise<void>) | null {
  if (!allKnown(ctx)) return null;
  const changed = ctx.selected.filter((m) => m[key] !== value).map((m) => m.id);
  if (changed.length === 0) return null;
  return async () => {
    ctx.patch(changed, { [key]: !value });
    await ctx.api.markMessages({ ids: changed, [key]: !value });
  };
}

/**
 * Moves the rows back to the folders they came from, within their account (a move into another account
 * cannot be reversed from here yet: the service moves between server accounts only into Local Folders).
 */
export function moveBack(ctx: ActionContext, target: Folder): (() => Promise<void>) | null {
  if (!allKnown(ctx) || ctx.selected.some((m) => m.accountId !== target.accountId)) return null;
  const byFolder = new Map<number, number[]>();
  for (const m of ctx.selected) if (m.folderId !== target.id) byFolder.set(m.folderId, [...(byFolder.get(m.folderId) ?? []), m.id]);
  if (byFolder.size === 0) return null;
  return async () => {
    for (const [folderId, ids] of byFolder) await ctx.api.moveMessages({ ids, toFolderId: folderId });
  };
}
