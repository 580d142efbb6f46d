import type { MethodHandlers } from '../../../shared/contract';
import { HomingError } from '../../../shared/errors';
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

const notYet = (what: string) => () => Promise.reject(new HomingError('NOT_IMPLEMENTED', `${what} is not built yet.`));

/** Trash, undo, folders, archive and tags (shared/contract/organise.ts). */
export function createOrganiseWrites(_ctx: WriterContext, _runtime: SyncRuntime): MethodHandlers<OrganiseCommands> {
  return {
    archiveMessages: notYet('Archive'),
    deleteMessagesPermanently: notYet('Delete permanently'),
    emptyTrash: notYet('Empty Trash'),
    markFolderRead: notYet('Mark folder read'),
    tagMessages: notYet('Tags'),
    createFolder: notYet('Creating folders'),
    renameFolder: notYet('Renaming folders'),
    deleteFolder: notYet('Deleting folders'),
    undo: notYet('Undo'),
  };
}
