import type { MethodHandlers } from '../../../shared/contract';
import { HomingError } from '../../../shared/errors';
import { keywordForTag } from '../../../shared/tag-keywords';
import { getAccount } from '../../store/accounts';
import { prepare } from '../../store/db';
import { withBulkCache } from '../../store/open';
import { writeTransaction } from '../../store/write-transaction';
import { loadActionRows } from '../actions/action-rows';
import { findSpecialFolder } from '../actions/local-folders';
import { createFolder, deleteFolder, renameFolder, visibleFolder } from '../organise/folder-actions';
import { archiveRows, deleteRowsForGood, markRows, type Planned, tagRows } from '../organise/message-actions';
import { undoAction } from '../organise/undo';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';

type OrganiseCommands =
  | 'archiveMessages'
  | 'deleteMessagesPermanently'
  | 'emptyTrash'
  | 'markFolderRead'
  | 'tagMessages'
  | 'createFolder'
  | 'renameFolder'
  | 'deleteFolder'
  | 'undo';

/** Trash, undo, folders, archive and tags (shared/contract/organise.ts); sync/organise/ has the logic. */
export function createOrganiseWrites(ctx: WriterContext, runtime: SyncRuntime): MethodHandlers<OrganiseCommands> {
  const { db } = ctx;
  const nudge = (ids: Iterable<string>) => {
    for (const id of new Set(ids)) runtime.nudge(id);
  };
  const done = (planned: Planned) => {
    nudge(planned.nudge);
    return { undo: planned.undo };
  };
  return {
    async archiveMessages({ ids }) {
      return done(writeTransaction(db, (changes) => archiveRows({ db, changes }, loadActionRows(db, ids))));
    },

    async deleteMessagesPermanently({ ids }) {
      const { nudge: accounts, deleted } = writeTransaction(db, (changes) => deleteRowsForGood({ db, changes }, loadActionRows(db, ids)));
      nudge(accounts);
      return { deleted };
    },

    async emptyTrash({ accountId }) {
      getAccount(db, accountId);
      const { nudge: accounts, deleted } = withBulkCache(db, () =>
        writeTransaction(db, (changes) => {
          const trash = findSpecialFolder(db, accountId, 'trash', []);
          if (!trash) return { nudge: new Set<string>(), deleted: 0 };
          const ids = prepare<[number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ? AND deleted_locally = 0')
            .all(trash.id)
            .map((r) => r.id);
          return ids.length === 0 ? { nudge: new Set<string>(), deleted: 0 } : deleteRowsForGood({ db, changes }, loadActionRows(db, ids));
        }),
      );
      nudge(accounts);
      return { deleted };
    },

    async markFolderRead({ folderId }) {
      return done(
        writeTransaction(db, (changes) => {
          const folder = visibleFolder({ db, changes }, folderId);
          const ids = prepare<[number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ? AND seen = 0 AND deleted_locally = 0')
            .all(folder.id)
            .map((r) => r.id);
          if (ids.length === 0) return { nudge: new Set<string>(), undo: null };
          return markRows({ db, changes }, loadActionRows(db, ids), { seen: true }, `Marked every message in ${folder.name} as read.`);
        }),
      );
    },

    async tagMessages({ ids, add, remove }) {
      if (add.length === 0 && remove.length === 0) throw new HomingError('INVALID_ARGUMENT', 'Say which tags to add or remove.');
      const keywords = (names: string[]) =>
        names.map((name) => {
          const mapped = keywordForTag(name);
          if (!mapped.ok) throw new HomingError('INVALID_TAG', mapped.problem, { tag: name });
          return mapped.keyword;
        });
      const change = { add: [...new Set(keywords(add))], remove: [...new Set(keywords(remove))] };
      const both = change.add.filter((k) => change.remove.some((r) => r.toLowerCase() === k.toLowerCase()));
      if (both.length > 0) throw new HomingError('INVALID_ARGUMENT', `The tag ${both[0]} cannot be added and removed at once.`);
      const describe = (n: number) => {
        const parts = [...(add.length > 0 ? [`tagged ${add.join(', ')}`] : []), ...(remove.length > 0 ? [`untagged ${remove.join(', ')}`] : [])];
        const text = parts.join(' and ');
        return `${text[0]!.toUpperCase()}${text.slice(1)}: ${n} ${n === 1 ? 'message' : 'messages'}.`;
      };
      return done(writeTransaction(db, (changes) => tagRows({ db, changes }, loadActionRows(db, ids), change, describe)));
    },

    async createFolder(args) {
      const result = writeTransaction(db, (changes) => createFolder({ db, changes }, args));
      if (result.queued) runtime.nudge(args.accountId);
      return { folder: result.folder, undo: result.undo };
    },

    async renameFolder(args) {
      const result = writeTransaction(db, (changes) => renameFolder({ db, changes }, args));
      if (result.queued) runtime.nudge(result.folder.accountId);
      return { folder: result.folder, undo: result.undo };
    },

    async deleteFolder({ folderId }) {
      const result = withBulkCache(db, () =>
        writeTransaction(db, (changes) => {
          const outcome = deleteFolder({ db, changes }, { folderId });
          return { ...outcome, accountId: outcome.undo?.accountIds[0] ?? null };
        }),
      );
      if (result.nudge && result.accountId) runtime.nudge(result.accountId);
      return { undo: result.undo, movedToTrash: result.movedToTrash };
    },

    async undo({ id }) {
      const result = writeTransaction(db, (changes) => undoAction({ db, changes }, id));
      nudge(result.nudge);
      return { undone: result.undone, restored: result.restored, missing: result.missing };
    },
  };
}
