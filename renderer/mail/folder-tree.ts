import { capabilitiesOf } from '../../shared/account-capabilities';
import { type Account, defaultAccountSettings, LOCAL_ACCOUNT_ID } from '../../shared/contract/accounts';
import type { Folder, SpecialUse } from '../../shared/contract/messages';

export interface FolderNode {
  folder: Folder;
  children: FolderNode[];
}

/** The order mail clients share: Inbox, then drafts to trash, then the user's own folders by name. */
const specialOrder: Record<SpecialUse, number> = { inbox: 0, drafts: 1, sent: 2, archive: 3, all: 4, flagged: 5, junk: 6, trash: 7 };

const specialNames: Record<SpecialUse, string> = {
  inbox: 'Inbox',
  drafts: 'Drafts',
  sent: 'Sent',
  archive: 'Archive',
  all: 'All Mail',
  flagged: 'Flagged',
  junk: 'Junk',
  trash: 'Trash',
};

/** The name to show: special folders in the user's words (INBOX → Inbox), others as the server names them. */
export function folderName(folder: Folder): string {
  if (folder.specialUse && folder.parentPath === null) return specialNames[folder.specialUse];
  if (folder.path.toUpperCase() === 'INBOX') return 'Inbox';
  return folder.name;
}

function compare(a: Folder, b: Folder): number {
  const sa = a.parentPath === null && a.specialUse ? specialOrder[a.specialUse] : 100;
  const sb = b.parentPath === null && b.specialUse ? specialOrder[b.specialUse] : 100;
  if (sa !== sb) return sa - sb;
  return folderName(a).localeCompare(folderName(b), undefined, { sensitivity: 'base', numeric: true });
}

/** One account's folders as a tree (a folder whose parent is not listed sits at the top level). */
export function buildFolderTree(folders: readonly Folder[]): FolderNode[] {
  const byPath = new Map<string, FolderNode>();
  for (const folder of folders) byPath.set(folder.path, { folder, children: [] });
  const roots: FolderNode[] = [];
  for (const node of byPath.values()) {
    const parent = node.folder.parentPath === null ? undefined : byPath.get(node.folder.parentPath);
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (nodes: FolderNode[]) => {
    nodes.sort((a, b) => compare(a.folder, b.folder));
    for (const node of nodes) sort(node.children);
  };
  sort(roots);
  return roots;
}

/**
 * The built-in Local Folders account (docs/cli.md: it always exists). listAccounts names only mail accounts,
 * so the sidebar and the settings add it themselves.
 */
export const localFolders: Account = {
  id: LOCAL_ACCOUNT_ID,
  name: 'Local Folders',
  email: '',
  protocol: 'local',
  host: null,
  port: null,
  security: null,
  username: null,
  trustedFingerprint: null,
  settings: defaultAccountSettings,
  smtp: null,
  capabilities: capabilitiesOf('local'),
  createdAt: '',
};

/** Accounts in the sidebar's order: mail accounts as created, Local Folders last (always present). */
export function sidebarAccounts(accounts: readonly Account[]): Account[] {
  const all = accounts.some((a) => a.id === LOCAL_ACCOUNT_ID) ? [...accounts] : [...accounts, localFolders];
  return all.sort((a, b) => {
    if (a.capabilities.hasServer !== b.capabilities.hasServer) return a.capabilities.hasServer ? -1 : 1;
    return a.createdAt.localeCompare(b.createdAt);
  });
}

/**
 * What an account is called everywhere in the app: its address, the one thing every account has and no
 * two share (the name is how the person signs, often the same on every account, and optional).
 */
export function accountLabel(account: Account): string {
  if (account.id === LOCAL_ACCOUNT_ID) return 'Local Folders';
  return account.email;
}

export function isInbox(folder: Folder): boolean {
  return folder.specialUse === 'inbox' || folder.path.toUpperCase() === 'INBOX';
}
