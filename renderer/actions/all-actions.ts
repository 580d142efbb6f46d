import type { Action } from './action';
import { escape, focusSearch, openSettings, showShortcuts } from './app-actions';
import { deleteMessages } from './delete-messages';
import { toggleRead } from './mark-read';
import { moveMessages } from './move-messages';
import {
  extendNext,
  extendPrevious,
  firstMessage,
  lastMessage,
  nextMessage,
  openMessage,
  pageDown,
  pageUp,
  previousMessage,
  selectAllMessages,
} from './navigation';
import { toggleFlag } from './toggle-flag';
import { togglePlainText, viewSource } from './view-actions';

/** Every action, in the order the shortcut overlay lists them. */
export const allActions: readonly Action[] = [
  nextMessage,
  previousMessage,
  extendNext,
  extendPrevious,
  firstMessage,
  lastMessage,
  pageDown,
  pageUp,
  selectAllMessages,
  openMessage,
  toggleRead,
  toggleFlag,
  deleteMessages,
  moveMessages,
  togglePlainText,
  viewSource,
  focusSearch,
  showShortcuts,
  openSettings,
  escape,
];

/** The reader's switches, at the end of the toolbar. */
export const viewActions: readonly Action[] = [togglePlainText, viewSource];

/** The toolbar's message actions and the context menu's, in order. */
export const messageActions: readonly Action[] = [toggleRead, toggleFlag, moveMessages, deleteMessages];
