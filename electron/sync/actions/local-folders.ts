import type { SpecialUse } from '../../../shared/contract/messages';
import { prepare, type WriteDb } from '../../store/db';
import { deleteFolder, findFolderByPath, type FolderRow, getFolder, renameFolderTree, upsertFolder } from '../../store/folders';
import type { FolderPlanner, MadeOnDemand, PlanContext } from '../engine';

/** Folders kept only here (POP3 and Local Folders) use `/` between levels. */
export const LOCAL_DELIMITER = '/';

/** The name a special folder made on demand gets, here and on a server without SPECIAL-USE. */
export const SPECIAL_NAMES: Record<MadeOnDemand, string> = { trash: 'Trash', archive: 'Archive' };

/** A special folder of the account: by SPECIAL-USE first, then by one of its usual names. Hidden and unselectable ones do not count. */
export function findSpecialFolder(db: WriteDb, accountId: string, use: SpecialUse, names: readonly string[]): FolderRow | null {
  const candidates = prepare<[string], { id: number; path: string; special_use: string | null; sync_state: string; deleted_locally: number }>(
    db,
    'SELECT id, path, special_use, sync_state, deleted_locally FROM folders WHERE account_id = ? ORDER BY id',
  )
    .all(accountId)
    .filter((f) => f.deleted_locally === 0 && !/"selectable":\s*false/.test(f.sync_state));
  const byUse = candidates.find((f) => f.special_use === use);
  if (byUse) return getFolder(db, byUse.id);
  for (const name of names) {
    const byName = candidates.find((f) => f.path.toLowerCase() === name.toLowerCase());
    if (byName) return getFolder(db, byName.id);
  }
  return null;
}

/**
 * Folders of an account with no server side (POP3's folders beside its INBOX, Local Folders): every change
 * is the store's alone, and a folder made on demand (Trash, Archive) is a plain local folder.
 */
export const localFolders: FolderPlanner = {
  placeFor(_db, _accountId, parent, name) {
    const path = parent ? `${parent.path}${LOCAL_DELIMITER}${name}` : name;
    return { path, name, parentPath: parent?.path ?? null, delimiter: LOCAL_DELIMITER, specialUse: null, subscribed: true };
  },

  special(plan, use) {
    const found = findSpecialFolder(plan.db, plan.account.id, use, [SPECIAL_NAMES[use]]);
    if (found) {
      if (found.specialUse !== use) prepare(plan.db, 'UPDATE folders SET special_use = ? WHERE id = ?').run(use, found.id);
      return found.specialUse === use ? found : getFolder(plan.db, found.id);
    }
    const name = SPECIAL_NAMES[use];
    return upsertFolder(plan.db, plan.changes, plan.account.id, { path: name, name, parentPath: null, delimiter: LOCAL_DELIMITER, specialUse: use, subscribed: true });
  },

  create(plan, input) {
    return upsertFolder(plan.db, plan.changes, plan.account.id, input);
  },

  rename(plan, folder, to) {
    renameFolderTree(plan.db, plan.changes, folder.id, to);
    return getFolder(plan.db, folder.id);
  },

  remove(plan: PlanContext, folder: FolderRow) {
    if (findFolderByPath(plan.db, plan.account.id, folder.path)) deleteFolder(plan.db, plan.changes, folder.id);
  },
};
