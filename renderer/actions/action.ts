import type { MailClient } from '../../shared/client';
import type { ComposeIntent } from '../../shared/compose-intent';
import type { Account } from '../../shared/contract/accounts';
import type { ActionName } from '../../shared/contract/action-names';
import type { Folder, MessageSummary } from '../../shared/contract/messages';
import type { DesktopClient } from '../../shared/desktop-client';
import type { IconName } from '../components/Icon';
import type { Outcome } from '../mail/outcome';
import type { Question } from '../mail/question';
import type { TagChoice } from '../mail/tag-choices';

/** What the UI lets an action do besides calling the service. */
export interface UiCommands {
  /** Moves the focus `delta` rows (Infinity = last row), optionally extending the selection. */
  move(delta: number, extend: boolean): void;
  selectAll(): void;
  /** Opens the focused message: its conversation when it has one, and puts the focus in the reader. */
  openFocused(): void;
  focusSearch(): void;
  /** Leaves search, closes an overlay, or returns the focus to the list, in that order. */
  escape(): void;
  showShortcuts(): void;
  openMovePicker(): void;
  toggleBodyView(view: 'text' | 'source'): void;
  openSettings(): void;
  addAccount(): void;
  /** Opens a composer: a window of its own in the app, a new tab in a plain browser. */
  compose(intent: ComposeIntent): void;
  /**
   * Takes back the outcome the toast shows; with the focus in a text field (Edit › Undo of the desktop
   * menu), that field's last typing instead.
   */
  undo(): void;
  /** The focus is in a text field. */
  editingText(): boolean;
  /** Asks the action's question (a name, or a yes); its `submit` does the work. */
  ask(question: Question): void;
  /** The tag menu for the selection. */
  openTagMenu(): void;
  /** The message the reader shows, to the printer or (the desktop app) into a PDF. */
  print(to: 'printer' | 'pdf'): void;
}

/**
 * What an action is aimed at besides the selection: the folder a drop landed on, the one picked in the
 * move picker, or the folder or account whose context menu is open. Keys and the toolbar aim at nothing more.
 */
export interface ActionTarget {
  folder?: Folder;
  /** The account whose context menu is open (its row in the folder tree, Local Folders included). */
  account?: Account;
  /** The tag picked in the tag menu. */
  tag?: TagChoice;
  /** The key that ran the action (`1` … `9` pick a tag by number). */
  key?: string;
}

/** Everything an action's predicate and perform see: the current selection and the ways to act on it. */
export interface ActionContext {
  api: MailClient;
  /** The Electron shell's own methods (file dialogs); null in a plain browser. */
  desktop: DesktopClient | null;
  ui: UiCommands;
  /** Selected rows whose summaries are loaded (a selection of 100,000 rows may be partly unloaded). */
  selected: MessageSummary[];
  /** How many rows are selected in all. */
  selectedCount: number;
  /** The message the reader shows. */
  focused: MessageSummary | null;
  /** Ids of every selected row, loaded or not. */
  selectedIds: number[];
  /** Changes rows on screen at once; the change event confirms them a moment later. */
  patch(ids: number[], change: Partial<MessageSummary>): void;
  report(error: unknown): void;
  /** Tells what an action did (the toast), with its way back when it has one. */
  done(outcome: Outcome): void;
  /** The toast shows an outcome that can be taken back. */
  canUndo: boolean;
  /** The reader shows a message (view source and plain text need one). */
  readerOpen: boolean;
  /** The message view currently shown. */
  bodyView: 'html' | 'text' | 'source';
  /** Every folder of every account (an action may look for an account's Archive or Trash). */
  folders: readonly Folder[];
  /** Every account, Local Folders included. */
  accounts: readonly Account[];
  /** The tags to offer, in the tag menu's order (keys 1–9 follow it). */
  tags: readonly TagChoice[];
  /** The folder the list shows, when it shows exactly one (not the unified inbox, not search results). */
  shownFolder: Folder | null;
  target: ActionTarget;
}

export type ActionGroup = 'navigate' | 'message' | 'folder' | 'view' | 'app';

/**
 * A user action: a name, a label, its keys, when it applies, what it does. One dispatcher serves the
 * keys, the toolbar, the context menus, drag and drop and the application menu, so they cannot disagree.
 */
export interface Action {
  name: ActionName;
  label: string | ((ctx: ActionContext) => string);
  /** What the shortcut overlay says when the label depends on the selection ("Mark as read or unread"). */
  help?: string;
  /** Key descriptors as keyOf() writes them: `j`, `#`, `?`, `Delete`, `Mod+f`, `Shift+ArrowDown`. */
  keys: string[];
  group: ActionGroup;
  icon?: IconName;
  /**
   * Whether menus list the action here at all (Export only in the desktop app, Empty Trash only on a
   * Trash); when listed, `predicate` says whether it is enabled.
   */
  offered?(ctx: ActionContext): boolean;
  predicate(ctx: ActionContext): boolean;
  perform(ctx: ActionContext): void | Promise<void>;
}

export const labelOf = (action: Action, ctx: ActionContext) => (typeof action.label === 'string' ? action.label : action.label(ctx));

export const hasSelection = (ctx: ActionContext) => ctx.selectedCount > 0;

/**
 * Takes back an optimistic change of `key` when the service refused it: each row gets its own value from
 * before (`before`, the rows as they were shown), not one value for all. Rows that were not loaded were
 * not changed on screen, so there is nothing to take back for them.
 */
export function restoreEach(ctx: ActionContext, before: ReadonlyArray<Pick<MessageSummary, 'id' | 'seen' | 'flagged'>>, key: 'seen' | 'flagged'): void {
  const on = before.filter((m) => m[key]).map((m) => m.id);
  const off = before.filter((m) => !m[key]).map((m) => m.id);
  if (on.length > 0) ctx.patch(on, { [key]: true });
  if (off.length > 0) ctx.patch(off, { [key]: false });
}

/** The actions a menu lists in this context (see `offered`). */
export const offeredActions = (actions: readonly Action[], ctx: ActionContext) => actions.filter((a) => a.offered?.(ctx) ?? true);
