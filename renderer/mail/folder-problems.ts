import type { Folder } from '../../shared/contract/messages';

/**
 * What to say about a folder the last sync could not read (the server lists it but refuses to open it),
 * in the server's own words when it gave any; null for a folder that was read.
 */
export function folderProblem(folder: Folder): string | null {
  if (!folder.syncError) return null;
  return `Could not be read from the server: ${folder.syncError.serverText ?? folder.syncError.message}`;
}

/**
 * The text of an empty message list. "No messages" only where that is what the server said: a folder
 * the server would not open may well hold mail, so it says that instead.
 */
export function emptyListText(searching: boolean, folders: readonly Folder[]): string {
  if (searching) return 'No messages match this search.';
  const problems = folders.map(folderProblem).filter((p): p is string => p !== null);
  if (problems.length > 0 && problems.length === folders.length) return `${problems[0]!}. Nothing from it is stored here yet.`;
  return 'No messages in this folder.';
}
