import type { Folder } from '../../shared/contract/messages';
import { HomingError } from '../../shared/errors';
import type { ReadQueries } from './local-reader';

/** Finds folders by account and/or path, the way the CLI names them (`--account ID --folder PATH`). */
export async function findFolders(service: Pick<ReadQueries, 'listFolders'>, accountId?: string, path?: string): Promise<Folder[]> {
  const folders = await service.listFolders(accountId ? { accountId } : {});
  if (path === undefined) return folders;
  const matches = folders.filter((f) => f.path === path || (f.specialUse === 'inbox' && path.toUpperCase() === 'INBOX'));
  if (matches.length === 0) {
    throw new HomingError('NOT_FOUND', `No folder ${path}${accountId ? ` in account ${accountId}` : ''}.`);
  }
  return matches;
}
