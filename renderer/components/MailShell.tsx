import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Account } from '../../shared/contract/accounts';
import type { Folder, MailboxRef, MessageSummary } from '../../shared/contract/messages';
import type { ActionContext, UiCommands } from '../actions/action';
import { allActions, answerActions, messageActions, viewActions, writeActions } from '../actions/all-actions';
import { createDispatcher } from '../actions/dispatcher';
import { api } from '../api/client';
import { useDarkMode } from '../hooks/useColorScheme';
import type { Banner } from '../hooks/useErrorBanners';
import { desktop } from '../api/desktop';
import { openComposer } from '../compose/open-composer';
import { useKeyboard } from '../hooks/useKeyboard';
import { useListSort } from '../hooks/useListSort';
import { useMarkReadOnOpen } from '../hooks/useMarkReadOnOpen';
import { useMenuActions } from '../hooks/useMenuActions';
import { useOnline } from '../hooks/useOnline';
import { useOutgoing } from '../hooks/useOutgoing';
import { usePaneSizes } from '../hooks/usePaneSizes';
import { useWindowWidth } from '../hooks/useWindowWidth';
import { paneLayout } from '../mail/pane-layout';
import { useReadingPreferences } from '../hooks/useReadingPreferences';
import { type ListQuery, useListView } from '../hooks/useRowStore';
import { useSyncStatus } from '../hooks/useSyncStatus';
import { describeError, errorData } from '../mail/error-words';
import { needsAttention } from '../mail/outbox-words';
import { emptyListText } from '../mail/folder-problems';
import { accountLabel, folderName, isInbox, sidebarAccounts } from '../mail/folder-tree';
import { plural } from '../mail/format';
import { emptySelection, moveFocus, reconcile, type Selection, selectAll, selectOnly } from '../mail/selection';
import { AnswerBar } from './AnswerBar';
import { ContextMenu } from './ContextMenu';
import { ErrorBanners } from './ErrorBanners';
import { FolderTree, type OutgoingView } from './FolderTree';
import { Icon } from './Icon';
import { ListHeader } from './ListHeader';
import { MessageList } from './MessageList';
import { MovePicker } from './MovePicker';
import { OfflineCoverage } from './OfflineCoverage';
import { OutgoingList } from './OutgoingList';
import { PasswordNeeded } from './PasswordNeeded';
import { type BodyView, Reader, READER_HEADING_ID } from './Reader';
import { SearchBox } from './SearchBox';
import { ShortcutHelp } from './ShortcutHelp';
import { Splitter } from './Splitter';
import { SyncStatusPanel } from './SyncStatusPanel';
import { Toolbar } from './Toolbar';
import { UndoSendToast } from './UndoSendToast';

const dispatcher = createDispatcher(allActions);
/** The list's context menu: answering first (as in Thunderbird and Outlook), then the message actions. */
const contextActions = [...answerActions, ...messageActions];

export interface MailShellProps {
  accounts: Account[];
  folders: Folder[];
  onOpenSettings(): void;
  onAddAccount(): void;
  report(error: unknown): void;
  banners: Banner[];
  onDismiss(key: string): void;
}

function defaultMailbox(accounts: Account[], folders: Folder[]): MailboxRef | null {
  if (accounts.some((a) => a.protocol !== 'local')) return { unified: 'inbox' };
  const withMail = folders.find((f) => f.total > 0) ?? folders[0];
  return withMail ? { folderId: withMail.id } : null;
}

/** The three panes: mailboxes, the message list, the reader; toolbar above, status in the sidebar. */
export function MailShell({ accounts, folders, onOpenSettings, onAddAccount, report, banners, onDismiss }: MailShellProps) {
  const [chosen, setChosen] = useState<MailboxRef | null>(null);
  const [sort, setSort] = useListSort();
  const [searchQuery, setSearchQuery] = useState<string | null>(null);
  const [selection, setSelection] = useState<Selection>(emptySelection);
  const [bodyView, setBodyView] = useState<BodyView>('html');
  const [conversationFor, setConversationFor] = useState<number | null>(null);
  const [overlay, setOverlay] = useState<null | { kind: 'shortcuts' } | { kind: 'move' } | { kind: 'menu'; x: number; y: number }>(null);
  const [sizes, setSizes] = usePaneSizes();
  const layout = paneLayout(useWindowWidth(), sizes);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const drawer = layout.mode !== 'three';
  const sidebarShown = !drawer || drawerOpen;
  const statuses = useSyncStatus();
  const online = useOnline();
  const dark = useDarkMode();
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  // A folder that vanished (account removed) falls back to the default mailbox.
  const chosenExists = chosen === null || 'unified' in chosen || folders.some((f) => f.id === chosen.folderId);
  const fallback = useMemo(() => defaultMailbox(accounts, folders), [accounts, folders]);
  const stableFallback = useStableMailbox(fallback);
  const mailbox = (chosenExists ? chosen : null) ?? stableFallback;
  const query: ListQuery =
    searchQuery !== null
      ? { kind: 'search', query: searchQuery }
      : { kind: 'mailbox', mailbox: mailbox ?? { unified: 'inbox' }, sort };
  const view = useListView(query);
  const { store } = view;
  const ids = store.ids;
  // A search that could not be understood is explained at the search field, not as a failure.
  const queryError = searchQuery !== null && store.state === 'failed' ? errorData(store.error) : null;
  const queryProblem = queryError?.code === 'INVALID_QUERY' ? queryError.message : null;

  // When the list changes under the selection (new mail, a message moved away), keep what is still there.
  const [seenIds, setSeenIds] = useState(ids);
  const [seenStore, setSeenStore] = useState(store);
  if (seenStore !== store) {
    setSeenStore(store);
    setSeenIds(ids);
    setSelection(emptySelection);
  } else if (seenIds !== ids) {
    setSeenIds(ids);
    setSelection(reconcile(selection, seenIds, ids));
  }

  const folderById = useMemo(() => new Map(folders.map((f) => [f.id, f])), [folders]);
  const accountById = useMemo(() => new Map(sidebarAccounts(accounts).map((a) => [a.id, a])), [accounts]);
  const folderLabel = useCallback(
    (folderId: number) => {
      const folder = folderById.get(folderId);
      if (!folder) return '';
      const account = accountById.get(folder.accountId);
      const several = accounts.filter((a) => a.protocol !== 'local').length > 1 || account?.protocol === 'local';
      if (!account || !several) return folderName(folder);
      // In the unified inbox every row is an inbox: the account is what tells them apart.
      return searchQuery === null ? accountLabel(account) : `${accountLabel(account)} · ${folderName(folder)}`;
    },
    [folderById, accountById, accounts, searchQuery],
  );

  const currentFolders: Folder[] =
    searchQuery !== null || !mailbox
      ? []
      : 'folderId' in mailbox
        ? folders.filter((f) => f.id === mailbox.folderId)
        : folders.filter((f) => isInbox(f) && accountById.get(f.accountId)?.protocol !== 'local');
  const title =
    searchQuery !== null
      ? 'Search results'
      : !mailbox
        ? 'No folders yet'
        : 'unified' in mailbox
          ? 'All Inboxes'
          : currentFolders[0]
            ? folderName(currentFolders[0])
            : 'Folder';
  const subtitle =
    searchQuery !== null
      ? view.search
        ? view.search.total > ids.length
          ? `${plural(ids.length, 'message')} shown of ${plural(view.search.total, 'match', 'matches')} for “${searchQuery}”`
          : `${plural(view.search.total, 'match', 'matches')} for “${searchQuery}”`
        : `Searching for “${searchQuery}”…`
      : mailbox && 'folderId' in mailbox && currentFolders[0]
        ? null
        : null;
  const account = mailbox && 'folderId' in mailbox && currentFolders[0] ? accountById.get(currentFolders[0].accountId) : undefined;

  const focused = selection.focus === null ? null : (store.get(selection.focus) ?? null);
  const readingPreferences = useReadingPreferences();
  const markReadOnOpen = useMarkReadOnOpen({
    openId: focused && selection.ids.size === 1 ? focused.id : null,
    store,
    api,
    preferences: readingPreferences,
    report,
  });

  const selectedIds = useMemo(() => [...selection.ids], [selection.ids]);
  const selectedSummaries = selectedIds.map((id) => store.get(id)).filter((m) => m !== undefined);
  const fromAccounts = new Set(selectedSummaries.map((m) => m.accountId));
  const fromFolders = new Set(selectedSummaries.map((m) => m.folderId));
  const ui: UiCommands = {
    move: (delta, extend) => {
      listRef.current?.focus();
      setSelection((s) => moveFocus(s, ids, delta, extend));
    },
    selectAll: () => setSelection((s) => selectAll(ids, s)),
    openFocused: () => {
      if (selection.focus === null) return;
      setConversationFor(selection.focus);
      document.getElementById(READER_HEADING_ID)?.focus();
    },
    focusSearch: () => {
      searchRef.current?.focus();
      searchRef.current?.select();
    },
    escape: () => {
      if (overlay) setOverlay(null);
      else if (drawer && drawerOpen) setDrawerOpen(false);
      else if (searchQuery !== null) setSearchQuery(null);
      else listRef.current?.focus();
    },
    showShortcuts: () => setOverlay({ kind: 'shortcuts' }),
    openMovePicker: () => setOverlay({ kind: 'move' }),
    toggleBodyView: (target) => setBodyView((v) => (v === target ? 'html' : target)),
    openSettings: onOpenSettings,
    addAccount: onAddAccount,
    compose: (intent) => void openComposer(intent, desktop).catch(report),
  };
  const ctx: ActionContext = {
    api,
    desktop,
    ui,
    selected: selectedSummaries,
    selectedCount: selection.ids.size,
    selectedIds,
    focused,
    patch: (changed, change) => {
      if ('seen' in change) markReadOnOpen.noteUserMarked(changed);
      store.patch(changed, change);
    },
    report,
    readerOpen: focused !== null && selection.ids.size === 1,
    bodyView,
    shownFolder: mailbox !== null && 'folderId' in mailbox ? (currentFolders[0] ?? null) : null,
    target: {},
  };
  useKeyboard(dispatcher, () => ctx);
  useMenuActions(dispatcher, () => ctx);

  // The reader's Reply / Reply all / Forward answer the message it shows, through the same actions.
  const ctxRef = useRef(ctx);
  useEffect(() => {
    ctxRef.current = ctx;
  });
  const answerBar = useCallback(
    (message: MessageSummary) => (
      <AnswerBar actions={answerActions} run={(action) => dispatcher.run(action, { ...ctxRef.current, focused: message, selectedCount: 1, selectedIds: [message.id] })} />
    ),
    [],
  );

  // A clicked notification names a message: open its folder and select it once the list has it.
  const [wanted, setWanted] = useState<number | null>(null);
  useEffect(
    () =>
      api.on('openMessageRequested', ({ messageId }) => {
        api.getMessageSummaries({ ids: [messageId] }).then(([summary]) => {
          if (!summary) return;
          setSearchQuery(null);
          setChosen({ folderId: summary.folderId });
          setWanted(summary.id);
        }, report);
      }),
    [report],
  );
  if (wanted !== null && store.state === 'ready' && ids.includes(wanted)) {
    setWanted(null);
    setSelection(selectOnly(wanted));
  }

  const [outgoingView, setOutgoingView] = useState<OutgoingView | null>(null);
  const openMailbox = useCallback((next: MailboxRef) => {
    setChosen(next);
    setSearchQuery(null);
    setOutgoingView(null);
    setDrawerOpen(false);
  }, []);

  // The Outbox and Drafts: counts in the folder tree, their list in place of the message list, and the
  // "Undo send" toast for a message a composer just sent.
  const outgoing = useOutgoing();
  const outgoingCounts = useMemo(
    () => ({ outbox: outgoing.outbox.filter((i) => i.state !== 'filed').length, outboxProblems: outgoing.outbox.filter(needsAttention).length, drafts: outgoing.drafts.length }),
    [outgoing],
  );
  const openView = useCallback((view: OutgoingView) => {
    setOutgoingView(view);
    setSearchQuery(null);
    setDrawerOpen(false);
  }, []);
  const compose = ui.compose;

  const syncNow = useCallback(
    (accountId: string) => {
      api.syncAccounts({ accountIds: [accountId] }).catch(report);
    },
    [report],
  );
  const toggleConversation = useCallback(() => setConversationFor((c) => (c === selection.focus ? null : selection.focus)), [selection.focus]);


  return (
    <div className={`shell ${layout.mode}`} style={{ gridTemplateColumns: layout.gridTemplateColumns }} data-testid="mail-shell">
      {drawer && drawerOpen && <div className="drawer-backdrop" aria-hidden="true" onClick={() => setDrawerOpen(false)} />}
      <nav
        className={`sidebar ${drawer ? 'drawer' : ''}`}
        aria-label="Mailboxes"
        id="sidebar"
        hidden={!sidebarShown}
        style={drawer ? { width: layout.sidebar } : undefined}
        onKeyDown={(event) => {
          if (drawer && event.key === 'Escape') {
            event.stopPropagation();
            setDrawerOpen(false);
          }
        }}
      >
        <div className="sidebar-head">
          <span className="app-name">Homing</span>
          <button type="button" className="icon-button" aria-label="Accounts and settings" title="Accounts and settings" onClick={onOpenSettings}>
            <Icon name="settings" size={16} />
          </button>
        </div>
        <div className="sidebar-scroll">
          <FolderTree
            accounts={accounts}
            folders={folders}
            statuses={statuses}
            current={searchQuery === null && outgoingView === null ? mailbox : null}
            onOpen={openMailbox}
            outgoing={outgoingCounts}
            currentView={outgoingView}
            onOpenView={openView}
          />
        </div>
        <SyncStatusPanel accounts={accounts} statuses={statuses} online={online} onSyncNow={syncNow} />
      </nav>
      {!drawer && (
        <Splitter
          label="Resize mailboxes"
          controls="sidebar"
          value={layout.sidebar}
          min={layout.sidebarRange[0]}
          max={layout.sidebarRange[1]}
          onChange={(sidebar) => setSizes({ sidebar })}
        />
      )}
      <main className="list-pane" id="list-pane" aria-labelledby="list-title">
        <div className="list-toolbar">
          {drawer && (
            <button
              type="button"
              className="icon-button"
              aria-label="Show mailboxes"
              title="Mailboxes and accounts"
              aria-controls="sidebar"
              aria-expanded={drawerOpen}
              onClick={() => setDrawerOpen((open) => !open)}
            >
              <Icon name="menu" size={16} />
            </button>
          )}
          <SearchBox
            inputRef={searchRef}
            active={searchQuery}
            problem={queryProblem}
            onSearch={(q) => {
              setOutgoingView(null);
              setSearchQuery(q);
            }}
            onClear={() => setSearchQuery(null)}
          />
        </div>
        {outgoingView !== null && <OutgoingList view={outgoingView} outgoing={outgoing} onCompose={compose} report={report} />}
        <div className="list-body" hidden={outgoingView !== null}>
        <ListHeader
          title={title}
          subtitle={subtitle ?? (account && accounts.length > 1 ? `${accountLabel(account)}` : null)}
          total={searchQuery === null && store.state === 'ready' ? ids.length : null}
          unread={searchQuery === null ? currentFolders.reduce((n, f) => n + f.unread, 0) : null}
          sort={searchQuery === null ? sort : null}
          onSort={setSort}
        />
        <PasswordNeeded accounts={accounts} statuses={statuses} />
        <ErrorBanners banners={banners} onDismiss={onDismiss} />
        {store.state === 'failed' && queryProblem === null && (
          <div className="banner error" role="alert">
            <Icon name="alert" size={16} />
            <span className="banner-text">
              <strong>{searchQuery !== null ? 'The search failed.' : 'The messages could not be listed.'}</strong>{' '}
              {describeError(store.error).detail ?? describeError(store.error).title}
            </span>
          </div>
        )}
        <div className="message-list-wrap">
          <MessageList
            listRef={listRef}
            store={store}
            version={view.version}
            selection={selection}
            onSelectionChange={setSelection}
            onOpen={(id) => {
              setConversationFor(id);
            }}
            onContextMenu={(p) => setOverlay({ kind: 'menu', ...p })}
            label={searchQuery !== null ? 'Search results' : `Messages in ${title}`}
            showFolder={searchQuery !== null || (mailbox !== null && 'unified' in mailbox && accounts.filter((a) => a.protocol !== 'local').length > 1)}
            highlights={view.search?.highlights ?? null}
            folderLabel={folderLabel}
          />
          {store.state === 'ready' && ids.length === 0 && (
            <p className="list-empty" role="status">
              {emptyListText(searchQuery !== null, currentFolders)}
            </p>
          )}
        </div>
        {searchQuery === null && <OfflineCoverage folders={currentFolders} />}
        </div>
      </main>
      {layout.mode !== 'stacked' && (
        <Splitter
          label="Resize message list"
          controls="list-pane"
          value={layout.list}
          min={layout.listRange[0]}
          max={layout.listRange[1]}
          onChange={(list) => setSizes({ list })}
        />
      )}
      <section className="reader" aria-label="Message">
        <Toolbar writeActions={writeActions} actions={messageActions} viewActions={viewActions} ctx={ctx} dispatcher={dispatcher} onShortcuts={() => setOverlay({ kind: 'shortcuts' })} />
        <Reader
          focusId={selection.ids.size <= 1 ? selection.focus : null}
          selectedCount={selection.ids.size}
          bodyView={bodyView}
          onBodyView={setBodyView}
          conversationOpen={conversationFor !== null && conversationFor === selection.focus}
          onToggleConversation={toggleConversation}
          dark={dark}
          onError={report}
          answerBar={answerBar}
        />
      </section>
      {outgoing.outbox.some((item) => item.state === 'queued' && item.notBefore !== null) && (
        <UndoSendToast outbox={outgoing.outbox} onCompose={compose} report={report} />
      )}
      {overlay?.kind === 'shortcuts' && <ShortcutHelp actions={allActions} ctx={ctx} onClose={() => setOverlay(null)} />}
      {overlay?.kind === 'move' && (
        <MovePicker
          accounts={accounts}
          folders={folders}
          fromAccounts={fromAccounts}
          fromFolders={fromFolders}
          count={selection.ids.size}
          onClose={() => setOverlay(null)}
          onMove={(folder) => {
            setOverlay(null);
            dispatcher.runNamed('move-to-folder', ctx, { folder });
          }}
        />
      )}
      {overlay?.kind === 'menu' && (
        <ContextMenu
          position={overlay}
          actions={contextActions}
          ctx={ctx}
          onClose={() => {
            setOverlay(null);
            listRef.current?.focus();
          }}
          onRun={(action) => {
            setOverlay(null);
            listRef.current?.focus();
            dispatcher.run(action, ctx);
          }}
        />
      )}
    </div>
  );
}

/** The same mailbox object while it names the same mailbox (memoised children compare by identity). */
function useStableMailbox(mailbox: MailboxRef | null): MailboxRef | null {
  const key = mailbox === null ? '' : 'unified' in mailbox ? 'unified' : `folder:${mailbox.folderId}`;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on what the mailbox names, not its identity
  return useMemo(() => mailbox, [key]);
}
