import type { Account } from '../../shared/contract/accounts';
import type { Folder, MailboxRef } from '../../shared/contract/messages';
import { accountLabel, folderName, isInbox } from './folder-tree';
import { plural } from './format';

/** The folders a mailbox list shows: one folder, or every mail account's inbox; none for search results. */
export function shownFolders(mailbox: MailboxRef | null, searching: boolean, folders: readonly Folder[], accountOf: (id: string) => Account | undefined): Folder[] {
  if (searching || !mailbox) return [];
  if ('folderId' in mailbox) return folders.filter((f) => f.id === mailbox.folderId);
  return folders.filter((f) => isInbox(f) && accountOf(f.accountId)?.capabilities.hasServer !== false);
}

export interface ListHeadingInput {
  searchQuery: string | null;
  /** The search's total matches, once it answered. */
  searchTotal: number | null;
  /** Rows in the list now. */
  shown: number;
  mailbox: MailboxRef | null;
  folders: Folder[];
  /** The account of the one folder shown, when the window has several accounts to tell apart. */
  account: Account | undefined;
}

/** The list's title and the line under it. */
export function listHeading({ searchQuery, searchTotal, shown, mailbox, folders, account }: ListHeadingInput): { title: string; subtitle: string | null } {
  if (searchQuery !== null) {
    const subtitle =
      searchTotal === null
        ? `Searching for “${searchQuery}”…`
        : searchTotal > shown
          ? `${plural(shown, 'message')} shown of ${plural(searchTotal, 'match', 'matches')} for “${searchQuery}”`
          : `${plural(searchTotal, 'match', 'matches')} for “${searchQuery}”`;
    return { title: 'Search results', subtitle };
  }
  if (!mailbox) return { title: 'No folders yet', subtitle: null };
  if ('unified' in mailbox) return { title: 'All Inboxes', subtitle: null };
  return { title: folders[0] ? folderName(folders[0]) : 'Folder', subtitle: account ? accountLabel(account) : null };
}
