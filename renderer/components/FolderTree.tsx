import { type DragEvent, type KeyboardEvent, memo, useEffect, useMemo, useState } from 'react';
import type { Account } from '../../shared/contract/accounts';
import type { Folder, MailboxRef } from '../../shared/contract/messages';
import type { SyncStatus } from '../../shared/contract/sync';
import { accountLabel, buildFolderTree, type FolderNode, folderName, isInbox, sidebarAccounts } from '../mail/folder-tree';
import { folderProblem } from '../mail/folder-problems';
import { formatCount } from '../mail/format';
import { carriesMessages } from '../mail/message-drag';
import { Icon, type IconName } from './Icon';

export interface FolderTreeProps {
  accounts: Account[];
  folders: Folder[];
  statuses: ReadonlyMap<string, SyncStatus>;
  /** The mailbox the list shows, or null while a search is shown. */
  current: MailboxRef | null;
  onOpen(mailbox: MailboxRef): void;
  /** What waits to be sent and the drafts, shown as "Outbox" and "Drafts" at the top when there are any. */
  outgoing?: { outbox: number; outboxProblems: number; drafts: number };
  /** The outgoing view the list shows (instead of a mailbox), or null. */
  currentView?: OutgoingView | null;
  onOpenView?(view: OutgoingView): void;
  /** Messages dragged onto a folder: which folders take them, and the drop. */
  drop: { accepts(folder: Folder): boolean; onDrop(folder: Folder): void };
  /** Right click, the menu key or Shift+F10 on a folder: its context menu at that point. */
  onFolderMenu(folder: Folder, position: { x: number; y: number }): void;
  /** An account's context menu (right-click or the context-menu key on its row): New folder…. */
  onAccountMenu?(account: Account, position: { x: number; y: number }): void;
  /** Delete on a folder: its "Delete folder…" (which asks first). */
  onFolderDelete?(folder: Folder): void;
}

export type OutgoingView = 'outbox' | 'drafts';

interface Item {
  key: string;
  level: number;
  parent: string | null;
  label: string;
  icon: IconName;
  unread: number;
  mailbox: MailboxRef | null;
  folder?: Folder;
  children: Item[];
  status?: SyncStatus | undefined;
  accountId?: string;
  /** The account an account row stands for. */
  account?: Account;
  /** The folder's last sync could not read it: the server's words. */
  problem?: string | null;
  /** Outbox or Drafts: a view of the composer's, not a mail folder. */
  view?: OutgoingView;
  /** What the badge counts (default "unread"). */
  badge?: string;
}

const folderIcons: Record<string, IconName> = { inbox: 'inbox', sent: 'send', drafts: 'drafts', trash: 'trash', junk: 'junk', archive: 'archive', all: 'archive', flagged: 'flag' };

function folderItems(nodes: FolderNode[], level: number, parent: string): Item[] {
  return nodes.map((node) => {
    const key = `folder:${node.folder.id}`;
    return {
      key,
      level,
      parent,
      label: folderName(node.folder),
      icon: (node.folder.specialUse && folderIcons[node.folder.specialUse]) || (isInbox(node.folder) ? 'inbox' : 'folder'),
      unread: node.folder.unread,
      mailbox: { folderId: node.folder.id },
      folder: node.folder,
      children: folderItems(node.children, level + 1, key),
      problem: folderProblem(node.folder),
    };
  });
}

/**
 * The item that takes the place of `gone`: the first after it still shown at its level or deeper (the
 * next folder, not the next account), else the nearest before it.
 */
function neighbourKey(before: readonly Item[], now: readonly Item[], gone: string): string | null {
  const still = new Set(now.map((i) => i.key));
  const at = before.findIndex((i) => i.key === gone);
  if (at < 0) return null;
  const level = before[at]!.level;
  for (const item of before.slice(at + 1)) {
    if (item.level < level) break;
    if (still.has(item.key)) return item.key;
  }
  return before.slice(0, at).reverse().find((i) => still.has(i.key))?.key ?? null;
}

function find(items: Item[], key: string): Item | undefined {
  for (const item of items) {
    if (item.key === key) return item;
    const inner = find(item.children, key);
    if (inner) return inner;
  }
  return undefined;
}

const keyOfMailbox = (m: MailboxRef | null) => (m === null ? null : 'folderId' in m ? `folder:${m.folderId}` : 'unified');
const outgoingItem = (view: OutgoingView, count: number, problems: number): Item => ({
  key: `view:${view}`,
  level: 1,
  parent: null,
  // "All Drafts", as "All Inboxes": every account's drafts, beside each account's own Drafts folder on the server.
  label: view === 'outbox' ? 'Outbox' : 'All Drafts',
  icon: view === 'outbox' ? 'outbox' : 'drafts',
  unread: count,
  mailbox: null,
  children: [],
  view,
  badge: view === 'outbox' ? 'waiting to be sent' : 'drafts',
  problem: problems > 0 ? `${formatCount(problems)} ${problems === 1 ? 'message needs' : 'messages need'} your attention` : null,
});

/**
 * The sidebar's WAI-ARIA tree (APG "tree view" pattern): All Inboxes, then each account with its folders
 * (unread counts beside them), Local Folders last. One item is in the tab order; arrows move, Right and
 * Left open and close, Enter or Space opens the mailbox.
 */
export const FolderTree = memo(function FolderTree({
  accounts,
  folders,
  statuses,
  current,
  onOpen,
  outgoing,
  currentView = null,
  onOpenView,
  drop,
  onFolderMenu,
  onAccountMenu,
  onFolderDelete,
}: FolderTreeProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [focusKey, setFocusKey] = useState<string | null>(null);
  // The folder under a drag of messages that would take them: drawn as the drop target.
  const [dropKey, setDropKey] = useState<string | null>(null);
  useEffect(() => {
    const over = () => setDropKey(null);
    window.addEventListener('dragend', over);
    window.addEventListener('drop', over);
    return () => {
      window.removeEventListener('dragend', over);
      window.removeEventListener('drop', over);
    };
  }, []);

  const roots = useMemo(() => {
    const mailAccounts = sidebarAccounts(accounts);
    const items: Item[] = [];
    const inboxes = folders.filter((f) => isInbox(f) && accounts.some((a) => a.id === f.accountId && a.capabilities.hasServer));
    if (mailAccounts.some((a) => a.capabilities.hasServer)) {
      items.push({
        key: 'unified',
        level: 1,
        parent: null,
        label: 'All Inboxes',
        icon: 'layers',
        unread: inboxes.reduce((n, f) => n + f.unread, 0),
        mailbox: { unified: 'inbox' },
        children: [],
      });
    }
    // The Outbox while anything waits in it (or it is open), Drafts while there are any.
    if (outgoing && (outgoing.outbox > 0 || currentView === 'outbox')) items.push(outgoingItem('outbox', outgoing.outbox, outgoing.outboxProblems));
    if (outgoing && (outgoing.drafts > 0 || currentView === 'drafts')) items.push(outgoingItem('drafts', outgoing.drafts, 0));
    for (const account of mailAccounts) {
      const key = `account:${account.id}`;
      const own = folders.filter((f) => f.accountId === account.id);
      items.push({
        key,
        level: 1,
        parent: null,
        label: accountLabel(account),
        icon: account.capabilities.hasServer ? 'at-sign' : 'hard-drive',
        unread: 0,
        mailbox: null,
        children: folderItems(buildFolderTree(own), 2, key),
        status: statuses.get(account.id),
        accountId: account.id,
        account,
      });
    }
    return items;
  }, [accounts, folders, statuses, outgoing, currentView]);

  // Items a keyboard user can reach: everything not inside a collapsed parent, in reading order.
  const visible = useMemo(() => {
    const out: Item[] = [];
    const walk = (items: Item[]) => {
      for (const item of items) {
        out.push(item);
        if (item.children.length && !collapsed.has(item.key)) walk(item.children);
      }
    };
    walk(roots);
    return out;
  }, [roots, collapsed]);

  // The item the keyboard user was on went away (its folder deleted, here or elsewhere): the tab stop moves
  // to the item after it (before it, when it was the last), where the focus rescue puts the focus.
  const [seenVisible, setSeenVisible] = useState(visible);
  if (seenVisible !== visible) {
    setSeenVisible(visible);
    if (focusKey !== null && !visible.some((i) => i.key === focusKey)) setFocusKey(neighbourKey(seenVisible, visible, focusKey));
  }

  const currentKey = currentView ? `view:${currentView}` : keyOfMailbox(current);
  const open = (item: Item) => {
    if (item.mailbox) onOpen(item.mailbox);
    else if (item.view) onOpenView?.(item.view);
  };
  const tabKey = visible.some((i) => i.key === focusKey) ? focusKey : visible.some((i) => i.key === currentKey) ? currentKey : (visible[0]?.key ?? null);

  const focusItem = (key: string) => {
    setFocusKey(key);
    document.getElementById(`tree-${key}`)?.focus();
  };
  const toggle = (key: string) =>
    setCollapsed((set) => {
      const next = new Set(set);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  // A drag of messages over a folder that takes them: cancelling dragenter and dragover makes it a drop target.
  const over = (event: DragEvent, item: Item) => {
    if (!item.folder || !carriesMessages(event.dataTransfer) || !drop.accepts(item.folder)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    if (dropKey !== item.key) setDropKey(item.key);
  };

  const keyDown = (event: KeyboardEvent, item: Item) => {
    const at = visible.findIndex((i) => i.key === item.key);
    const expandable = item.children.length > 0;
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        if (visible[at + 1]) focusItem(visible[at + 1]!.key);
        break;
      case 'ArrowUp':
        if (at > 0) focusItem(visible[at - 1]!.key);
        break;
      case 'Home':
        if (visible[0]) focusItem(visible[0].key);
        break;
      case 'End':
        if (visible.length) focusItem(visible[visible.length - 1]!.key);
        break;
      case 'ArrowRight':
        if (expandable && collapsed.has(item.key)) toggle(item.key);
        else if (expandable) focusItem(item.children[0]!.key);
        break;
      case 'ArrowLeft':
        if (expandable && !collapsed.has(item.key)) toggle(item.key);
        else if (item.parent) focusItem(item.parent);
        break;
      case 'Enter':
      case ' ':
        if (item.mailbox || item.view) open(item);
        else if (expandable) toggle(item.key);
        break;
      case 'Delete':
        if (item.folder && onFolderDelete) onFolderDelete(item.folder);
        else handled = false;
        break;
      case 'ContextMenu':
      case 'F10': {
        if (event.key === 'F10' && !event.shiftKey) handled = false;
        else if (item.folder) {
          const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
          onFolderMenu(item.folder, { x: box.left + 24, y: box.bottom });
        } else if (item.account && onAccountMenu) {
          const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
          onAccountMenu(item.account, { x: box.left + 24, y: box.bottom });
        }
        break;
      }
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  // A flat list of treeitems with aria-level/setsize/posinset (WAI-ARIA allows either nesting or levels):
  // each item's name is just its own row, never its children's.
  const siblingsOf = (item: Item) => (item.parent ? (find(roots, item.parent)?.children ?? []) : roots);

  const renderItem = (item: Item) => {
    const expandable = item.children.length > 0;
    const expanded = expandable ? !collapsed.has(item.key) : undefined;
    const selected = item.key === currentKey;
    const syncing = item.status && !['idle', 'watching', 'error'].includes(item.status.phase);
    const trouble = item.status && (item.status.phase === 'error' || !item.status.online);
    const siblings = siblingsOf(item);
    const folder = item.folder;
    return (
      <li
        key={item.key}
        id={`tree-${item.key}`}
        role="treeitem"
        aria-level={item.level}
        aria-setsize={siblings.length}
        aria-posinset={siblings.indexOf(item) + 1}
        aria-expanded={expanded}
        aria-selected={item.mailbox || item.view ? selected : undefined}
        tabIndex={item.key === tabKey ? 0 : -1}
        className={`tree-item level-${Math.min(item.level, 6)} ${item.mailbox || item.view ? 'mailbox' : 'account'} ${selected ? 'selected' : ''} ${dropKey === item.key ? 'drop-target' : ''}`}
        style={{ paddingInlineStart: 8 + (item.level - 1) * 14 }}
        data-testid={item.accountId ? `account-${item.accountId}` : undefined}
        onKeyDown={(event) => keyDown(event, item)}
        onFocus={() => setFocusKey(item.key)}
        onContextMenu={(event) => {
          if (folder) {
            event.preventDefault();
            focusItem(item.key);
            onFolderMenu(folder, { x: event.clientX, y: event.clientY });
          } else if (item.account && onAccountMenu) {
            event.preventDefault();
            focusItem(item.key);
            onAccountMenu(item.account, { x: event.clientX, y: event.clientY });
          }
        }}
        onDragEnter={(event) => over(event, item)}
        onDragOver={(event) => over(event, item)}
        onDragLeave={(event) => {
          if (dropKey === item.key && !event.currentTarget.contains(event.relatedTarget as Node | null)) setDropKey(null);
        }}
        onDrop={(event) => {
          if (!folder || !carriesMessages(event.dataTransfer)) return;
          event.preventDefault();
          setDropKey(null);
          drop.onDrop(folder);
        }}
        onClick={() => {
          focusItem(item.key);
          if (item.mailbox || item.view) open(item);
          else if (expandable) toggle(item.key);
        }}
      >
        <span
          className="tree-twisty"
          aria-hidden="true"
          onClick={(event) => {
            if (!expandable || !item.mailbox) return;
            event.stopPropagation();
            toggle(item.key);
          }}
        >
          {expandable && <Icon name={expanded ? 'chevron-down' : 'chevron-right'} size={12} />}
        </span>
        <Icon name={item.icon} size={15} className="tree-icon" />
        <span className="tree-label" title={item.label}>
          {item.label}
        </span>
        {syncing && <Icon name="refresh" size={12} className="tree-syncing" label="syncing" />}
        {!syncing && trouble && (
          <Icon name={item.status?.online === false ? 'cloud-off' : 'alert'} size={12} className="tree-trouble" label={item.status?.online === false ? 'offline' : 'sync failed'} />
        )}
        {item.problem && (
          <span className="tree-problem" title={item.problem}>
            <Icon name="alert" size={12} className="tree-trouble" label={item.problem} />
          </span>
        )}
        {item.unread > 0 && (
          <span className="tree-badge">
            <span className="visually-hidden">, </span>
            {formatCount(item.unread)}
            <span className="visually-hidden"> {item.badge ?? 'unread'}</span>
          </span>
        )}
      </li>
    );
  };

  return (
    <ul className="folder-tree" role="tree" aria-label="Mailboxes">
      {visible.map(renderItem)}
    </ul>
  );
});
