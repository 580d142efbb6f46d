import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Account } from '../../shared/contract/accounts';
import type { Folder, MailboxRef, MessageSummary } from '../../shared/contract/messages';
import type { ActionContext, UiCommands } from '../actions/action';
import { allActions, answerActions, junkActions, messageActions, viewActions, writeActions } from '../actions/all-actions';
import { createDispatcher } from '../actions/dispatcher';
import { api } from '../api/client';
import { desktop } from '../api/desktop';
import { openComposer } from '../compose/open-composer';
import { useDarkMode } from '../hooks/useColorScheme';
import type { Banner } from '../hooks/useErrorBanners';
import { isTextField, useKeyboard } from '../hooks/useKeyboard';
import { useListSort } from '../hooks/useListSort';
import { useFocusRescue } from '../hooks/useFocusRescue';
import { useMailbox } from '../hooks/useMailbox';
import { useMarkReadOnOpen } from '../hooks/useMarkReadOnOpen';
import { useMenuActions } from '../hooks/useMenuActions';
import { useOnline } from '../hooks/useOnline';
import { useOpenMessageRequests } from '../hooks/useOpenMessageRequests';
import { useOutcomes } from '../hooks/useOutcomes';
import { useOutgoing } from '../hooks/useOutgoing';
import { usePrinting } from '../hooks/usePrinting';
import { useTagChoices } from '../hooks/useTagChoices';
import { usePaneSizes } from '../hooks/usePaneSizes';
import { useReadingPreferences } from '../hooks/useReadingPreferences';
import { type ListQuery, useListView } from '../hooks/useRowStore';
import { useSyncStatus } from '../hooks/useSyncStatus';
import { useWindowHeight, useWindowWidth } from '../hooks/useWindowWidth';
import { describeError, errorData } from '../mail/error-words';
import { needsAttention } from '../mail/outbox-words';
import { emptyListText } from '../mail/folder-problems';
import { accountLabel, folderName, sidebarAccounts } from '../mail/folder-tree';
import { listHeading, shownFolders } from '../mail/list-heading';
import { menuPoint } from '../mail/menu-point';
import { acceptsMove } from '../mail/move-targets';
import { paneLayout } from '../mail/pane-layout';
import { emptySelection, moveFocus, reconcile, type Selection, selectAll, selectOnly } from '../mail/selection';
import { AnswerBar } from './AnswerBar';
import { ErrorBanners } from './ErrorBanners';
import { FolderTree, type OutgoingView } from './FolderTree';
import { Icon } from './Icon';
import { ListHeader } from './ListHeader';
import { MessageList, rowDomId } from './MessageList';
import { OfflineCoverage } from './OfflineCoverage';
import { OutgoingList } from './OutgoingList';
import { PasswordNeeded } from './PasswordNeeded';
import { type BodyView, Reader, READER_HEADING_ID } from './Reader';
import { SearchBox } from './SearchBox';
import { type Overlay, ShellOverlays } from './ShellOverlays';
import { Splitter } from './Splitter';
import { SyncStatusPanel } from './SyncStatusPanel';
import { Toolbar } from './Toolbar';
import { UndoSendToast } from './UndoSendToast';
import { UndoToast } from './UndoToast';

const dispatcher = createDispatcher(allActions);
/** The list's context menu: answering first (as in Thunderbird and Outlook), then the message actions. */

/** What a drag or the picker moves: the accounts and folders of the selected messages. */
const moveSource = (ctx: ActionContext) => ({ accounts: new Set(ctx.selected.map((m) => m.accountId)), folders: new Set(ctx.selected.map((m) => m.folderId)) });

export interface MailShellProps {
  accounts: Account[];
  folders: Folder[];
  onOpenSettings(): void;
  onAddAccount(): void;
  report(error: unknown): void;
  banners: Banner[];
  onDismiss(key: string): void;
}

/** The three panes: mailboxes, the message list, the reader; toolbar above, status in the sidebar. */
export function MailShell({ accounts, folders, onOpenSettings, onAddAccount, report, banners, onDismiss }: MailShellProps) {
  const [mailbox, setChosen] = useMailbox(accounts, folders);
  const [sort, setSort] = useListSort();
  const [searchQuery, setSearchQuery] = useState<string | null>(null);
  const [selection, setSelection] = useState<Selection>(emptySelection);
  const [bodyView, setBodyView] = useState<BodyView>('html');
  const [conversationFor, setConversationFor] = useState<number | null>(null);
  const [overlay, setOverlay] = useState<Overlay>(null);
  const [sizes, setSizes] = usePaneSizes();
  const layout = paneLayout(useWindowWidth(), sizes, useWindowHeight());
  const [drawerOpen, setDrawerOpen] = useState(false);
  const drawer = layout.mode !== 'three';
  const sidebarShown = !drawer || drawerOpen;
  const statuses = useSyncStatus();
  const online = useOnline();
  const dark = useDarkMode();
  const outcomes = useOutcomes(report);
  const printing = usePrinting(report);
  const tags = useTagChoices();
  const searchRef = useRef<HTMLInputElement>(null);
  /** The user asked for the search field (its shortcut): its hints open. */
  const [searchAsked, setSearchAsked] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const shellRef = useRef<HTMLDivElement>(null);
  /** The query whose first hit Down in the search field asked for, until its results are in. */
  const [firstHitFor, setFirstHitFor] = useState<string | null>(null);
  /** The focus came into the results from the search field (Escape goes back there). */
  const cameFromSearch = useRef(false);
  // A focused button turned off under the user (Not junk once Junk is empty): the focus goes to the list.
  // Not the search field: focusing it opens its hints over the view (the Outbox's buttons among them).
  // A folder gone from the tree under the focus (deleted): the tree's tab stop, the folder after it.
  useFocusRescue(shellRef, (lost) => [lost.getAttribute('role') === 'treeitem' ? document.querySelector<HTMLElement>('[role="tree"] [role="treeitem"][tabindex="0"]') : null, listRef.current]);

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
  const mailAccounts = accounts.filter((a) => a.capabilities.hasServer).length;
  // Sent and Drafts hold the user's own mail: their rows name whom it went to, as mature clients' do.
  const outgoingFolder = useCallback((folderId: number) => {
    const use = folderById.get(folderId)?.specialUse;
    return use === 'sent' || use === 'drafts';
  }, [folderById]);
  const folderLabel = useCallback(
    (folderId: number) => {
      const folder = folderById.get(folderId);
      if (!folder) return '';
      const account = accountById.get(folder.accountId);
      if (!account || !(mailAccounts > 1 || !account.capabilities.hasServer)) return folderName(folder);
      // In the unified inbox every row is an inbox: the account is what tells them apart.
      return searchQuery === null ? accountLabel(account) : `${accountLabel(account)} · ${folderName(folder)}`;
    },
    [folderById, accountById, mailAccounts, searchQuery],
  );

  const currentFolders = shownFolders(mailbox, searchQuery !== null, folders, (id) => accountById.get(id));
  const shownFolder = mailbox !== null && 'folderId' in mailbox ? (currentFolders[0] ?? null) : null;
  const { title, subtitle } = listHeading({
    searchQuery,
    searchTotal: view.search?.total ?? null,
    shown: ids.length,
    mailbox,
    folders: currentFolders,
    account: shownFolder && accounts.length > 1 ? accountById.get(shownFolder.accountId) : undefined,
  });

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
      setSearchAsked((n) => n + 1);
      searchRef.current?.focus();
      searchRef.current?.select();
    },
    escape: () => {
      if (overlay) setOverlay(null);
      else if (drawer && drawerOpen) setDrawerOpen(false);
      else if (searchQuery !== null && cameFromSearch.current && listRef.current?.contains(document.activeElement)) {
        // Down took the user from the search field into the results: Escape goes back there (the field's
        // own Escape then leaves the search).
        cameFromSearch.current = false;
        searchRef.current?.focus();
      } else if (searchQuery !== null) setSearchQuery(null);
      else listRef.current?.focus();
    },
    showShortcuts: () => setOverlay({ kind: 'shortcuts' }),
    openMovePicker: () => setOverlay({ kind: 'move' }),
    toggleBodyView: (target) => setBodyView((v) => (v === target ? 'html' : target)),
    openSettings: onOpenSettings,
    addAccount: onAddAccount,
    compose: (intent) => void openComposer(intent, desktop).catch(report),
    undo: () => {
      // execCommand is the one way to undo a field's typing from outside it (Edit › Undo in the desktop menu).
      if (isTextField(document.activeElement)) document.execCommand('undo');
      else outcomes.undo();
    },
    editingText: () => isTextField(document.activeElement),
    ask: (question) => setOverlay({ kind: 'question', question }),
    openTagMenu: () => setOverlay({ kind: 'tag-menu', ...menuPoint('[data-action="tag-menu"]', listRef.current) }),
    print: printing.print,
  };
  const ctx: ActionContext = {
    api,
    desktop,
    ui,
    selected: selectedIds.map((id) => store.get(id)).filter((m) => m !== undefined),
    selectedCount: selection.ids.size,
    selectedIds,
    focused,
    patch: (changed, change) => {
      if ('seen' in change) markReadOnOpen.noteUserMarked(changed);
      store.patch(changed, change);
    },
    report,
    done: outcomes.done,
    canUndo: outcomes.shown?.undo != null,
    readerOpen: focused !== null && selection.ids.size === 1,
    bodyView,
    folders,
    accounts: sidebarAccounts(accounts),
    tags,
    shownFolder,
    target: {},
  };
  // A menu a right click opened on a row outside the selection acts on that row alone, and so do the move
  // picker and the tag menu it leads to; the selection, the reader and the row's read state stay as they were.
  const aim = overlay !== null && 'aim' in overlay ? (overlay.aim ?? null) : null;
  const aimedMessage = aim === null ? undefined : store.get(aim);
  const overlayCtx: ActionContext =
    aim === null
      ? ctx
      : {
          ...ctx,
          selected: aimedMessage ? [aimedMessage] : [],
          selectedIds: [aim],
          selectedCount: 1,
          focused: aimedMessage ?? null,
          readerOpen: false,
          ui: {
            ...ui,
            openMovePicker: () => setOverlay({ kind: 'move', aim }),
            openTagMenu: () => setOverlay({ kind: 'tag-menu', ...menuPoint(`#${rowDomId(aim)}`, listRef.current), aim }),
          },
        };
  useKeyboard(dispatcher, () => ctx);
  useMenuActions(dispatcher, () => ctx);
  // Drops arrive in the folder tree, and answers in the reader, which are memoised: their callbacks read
  // the context of the last render.
  const ctxRef = useRef(ctx);
  useEffect(() => {
    ctxRef.current = ctx;
  });
  const drop = useMemo(
    () => ({
      accepts: (folder: Folder) => dispatcher.byName('move-to-folder')!.predicate({ ...ctxRef.current, target: { folder } }) && acceptsMove(folder, moveSource(ctxRef.current), (id) => accountById.get(id)),
      onDrop: (folder: Folder) => void dispatcher.runNamed('move-to-folder', ctxRef.current, { folder }),
    }),
    [accountById],
  );
  const openFolderMenu = useCallback((folder: Folder, at: { x: number; y: number }) => setOverlay({ kind: 'folder-menu', folder, ...at }), []);
  const openAccountMenu = useCallback((account: Account, at: { x: number; y: number }) => setOverlay({ kind: 'account-menu', account, ...at }), []);
  const deleteFolder = useCallback((folder: Folder) => void dispatcher.runNamed('delete-folder', ctxRef.current, { folder }), []);

  // The reader's Reply / Reply all / Forward answer the message it shows, through the same actions.
  const answerBar = useCallback(
    (message: MessageSummary) => (
      <AnswerBar actions={answerActions} run={(action) => dispatcher.run(action, { ...ctxRef.current, focused: message, selectedCount: 1, selectedIds: [message.id] })} />
    ),
    [],
  );

  // A clicked notification names a message: open its folder and select it once the list has it.
  const [wanted, setWanted] = useState<number | null>(null);
  useOpenMessageRequests((summary) => {
    setSearchQuery(null);
    setChosen({ folderId: summary.folderId });
    setWanted(summary.id);
  }, report);
  if (wanted !== null && store.state === 'ready' && ids.includes(wanted)) {
    setWanted(null);
    setSelection(selectOnly(wanted));
  }

  // Down in the search field: the list takes the focus at once, and the first hit once that query's
  // results are in (unless the focus is on one of them already).
  if (firstHitFor !== null && (searchQuery !== firstHitFor || store.state !== 'loading')) {
    setFirstHitFor(null);
    if (searchQuery === firstHitFor && ids.length > 0 && (selection.focus === null || store.indexOf(selection.focus) < 0)) setSelection(selectOnly(ids[0]!));
  }

  const [outgoingView, setOutgoingView] = useState<OutgoingView | null>(null);
  const openMailbox = useCallback(
    (next: MailboxRef) => {
      setChosen(next);
      setSearchQuery(null);
      setOutgoingView(null);
      setDrawerOpen(false);
    },
    [setChosen],
  );

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
    // The Outbox and Drafts list what the composer keeps, not messages: the message read before is no
    // longer shown, and the toolbar and keys (Delete, Archive, Junk) must not act on it unseen.
    setSelection(emptySelection);
    setConversationFor(null);
  }, []);
  const compose = ui.compose;

  const searchFor = useCallback((query: string) => {
    cameFromSearch.current = false;
    setOutgoingView(null);
    setSearchQuery(query);
  }, []);
  const clearSearch = useCallback(() => {
    cameFromSearch.current = false;
    setSearchQuery(null);
  }, []);
  const toResults = useCallback((query: string) => {
    cameFromSearch.current = true;
    setFirstHitFor(query);
    listRef.current?.focus();
  }, []);
  const focusList = useCallback(() => listRef.current?.focus(), []);
  const syncNow = useCallback(
    (accountId: string) => {
      api.syncAccounts({ accountIds: [accountId] }).catch(report);
    },
    [report],
  );
  const toggleConversation = useCallback(() => setConversationFor((c) => (c === selection.focus ? null : selection.focus)), [selection.focus]);

  return (
    <div ref={shellRef} className={`shell ${layout.mode}`} style={{ gridTemplateColumns: layout.gridTemplateColumns, gridTemplateRows: layout.gridTemplateRows }} data-testid="mail-shell">
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
            drop={drop}
            onFolderMenu={openFolderMenu}
            onAccountMenu={openAccountMenu}
            onFolderDelete={deleteFolder}
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
          <SearchBox inputRef={searchRef} active={searchQuery} problem={queryProblem} onSearch={searchFor} onClear={clearSearch} onToResults={toResults} onLeave={focusList} asked={searchAsked} />
        </div>
        {outgoingView !== null && <OutgoingList view={outgoingView} outgoing={outgoing} accounts={accounts} onCompose={compose} report={report} />}
        <div className="list-body" hidden={outgoingView !== null}>
        <ListHeader
          title={title}
          subtitle={subtitle}
          total={searchQuery === null && store.state === 'ready' ? ids.length : null}
          unread={searchQuery === null ? currentFolders.reduce((n, f) => n + f.unread, 0) : null}
          sort={searchQuery === null ? sort : null}
          onSort={setSort}
          outgoingFolder={shownFolder !== null && outgoingFolder(shownFolder.id)}
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
            onContextMenu={(p, aimAt) => setOverlay({ kind: 'menu', ...p, ...(aimAt !== undefined ? { aim: aimAt } : {}) })}
            menuTarget={aim}
            describedBy={store.state === 'ready' && ids.length === 0 ? 'list-empty' : undefined}
            label={searchQuery !== null ? 'Search results' : `Messages in ${title}`}
            showFolder={searchQuery !== null || (mailbox !== null && 'unified' in mailbox && mailAccounts > 1)}
            highlights={view.search?.highlights ?? null}
            folderLabel={folderLabel}
            outgoingFolder={outgoingFolder}
          />
          {store.state === 'ready' && ids.length === 0 && (
            <p className="list-empty" id="list-empty" role="status">
              {emptyListText(searchQuery !== null, currentFolders)}
            </p>
          )}
        </div>
        {searchQuery === null && <OfflineCoverage folders={currentFolders} />}
        </div>
      </main>
      {layout.mode !== 'stacked' ? (
        <Splitter
          label="Resize message list"
          controls="list-pane"
          value={layout.list}
          min={layout.listRange[0]}
          max={layout.listRange[1]}
          onChange={(list) => setSizes({ list })}
        />
      ) : (
        <Splitter
          label="Resize message list"
          orientation="horizontal"
          controls="list-pane"
          value={layout.listHeight}
          min={layout.listHeightRange[0]}
          max={layout.listHeightRange[1]}
          onChange={(listHeight) => setSizes({ listHeight })}
        />
      )}
      <section className="reader" aria-label="Message">
        <Toolbar writeActions={writeActions} actions={messageActions} verdictActions={junkActions} viewActions={viewActions} ctx={ctx} dispatcher={dispatcher} onShortcuts={() => setOverlay({ kind: 'shortcuts' })} />
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
          printableRef={printing.printable}
        />
      </section>
      <UndoToast outcome={outcomes.shown} serial={outcomes.serial} onUndo={outcomes.undo} onDismiss={outcomes.dismiss}>
        {outgoing.outbox.some((item) => item.state === 'queued' && item.notBefore !== null) && (
          <UndoSendToast outbox={outgoing.outbox} onCompose={compose} report={report} />
        )}
      </UndoToast>
      <ShellOverlays overlay={overlay} onClose={() => setOverlay(null)} ctx={overlayCtx} dispatcher={dispatcher} accounts={accounts} folders={folders} focusList={focusList} />
    </div>
  );
}
