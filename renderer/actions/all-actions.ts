import type { Action } from './action';
import { addAccount } from './add-account';
import { archiveMessages } from './archive-messages';
import { escape, focusSearch, openSettings, showShortcuts } from './app-actions';
import { checkMail } from './check-mail';
import { deleteFolder } from './delete-folder';
import { deleteMessages } from './delete-messages';
import { emptyTrash } from './empty-trash';
import { exportFolder } from './export-folder';
import { exportMessage } from './export-message';
import { forward } from './forward';
import { forwardAsAttachment } from './forward-as-attachment';
import { markJunk, markNotJunk } from './junk';
import { markFolderRead } from './mark-folder-read';
import { toggleRead } from './mark-read';
import { moveMessages } from './move-messages';
import { moveToFolder } from './move-to-folder';
import { newMessage } from './new-message';
import { newFolder } from './new-folder';
import { newSubfolder } from './new-subfolder';
import { newTag } from './new-tag';
import { printMessage } from './print-message';
import { saveAsPdf } from './save-pdf';
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
import { renameFolder } from './rename-folder';
import { reply } from './reply';
import { runRules } from './run-rules';
import { replyAll } from './reply-all';
import { tagMenu } from './tag-menu';
import { toggleFlag } from './toggle-flag';
import { toggleTag } from './toggle-tag';
import { undo } from './undo';
import { togglePlainText, viewSource } from './view-actions';

/** Every action (one for each ActionName), in the order the shortcut overlay lists them. */
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
  archiveMessages,
  moveMessages,
  moveToFolder,
  tagMenu,
  toggleTag,
  newTag,
  markJunk,
  markNotJunk,
  newMessage,
  reply,
  replyAll,
  forward,
  forwardAsAttachment,
  undo,
  markFolderRead,
  emptyTrash,
  newSubfolder,
  newFolder,
  renameFolder,
  deleteFolder,
  runRules,
  togglePlainText,
  viewSource,
  printMessage,
  saveAsPdf,
  exportMessage,
  focusSearch,
  showShortcuts,
  openSettings,
  addAccount,
  checkMail,
  exportFolder,
  escape,
];

/** The reader's switches, at the end of the toolbar. */
export const viewActions: readonly Action[] = [togglePlainText, viewSource, printMessage];

/** The toolbar's message actions and the context menu's, in order. */
export const messageActions: readonly Action[] = [toggleRead, toggleFlag, archiveMessages, tagMenu, moveMessages, deleteMessages];

/** A folder's context menu, in order. */
export const folderActions: readonly Action[] = [markFolderRead, runRules, emptyTrash, newSubfolder, renameFolder, deleteFolder, exportFolder];

/** An account's context menu (its row in the folder tree): a folder at the account's top level. */
export const accountActions: readonly Action[] = [newFolder];

/** The message menu's verdicts for the junk filter, after the other message actions. */
export const junkActions: readonly Action[] = [markJunk, markNotJunk];

/** Writing: at the toolbar's start (New, Reply, Reply all, Forward), and the answers in the reader and the context menu. */
export const writeActions: readonly Action[] = [newMessage, reply, replyAll, forward];
export const answerActions: readonly Action[] = [reply, replyAll, forward];
/** The message menu's answers: the reader's, and forwarding as an attachment. */
export const menuAnswerActions: readonly Action[] = [...answerActions, forwardAsAttachment];
