import * as z from 'zod';
import type { Folder } from './messages';
import { command, event, query } from './define';

/**
 * Organising mail: Trash, undo, folders, archive and tags. Every action here is applied to the store at
 * once (the folder tree and the lists update through `foldersChanged` and `messagesChanged`) and reaches
 * the server through the account's queue, online or offline (docs/operation-queue.md). What can be taken
 * back is written to the undo log in the store, so `undo` takes back the last action done from this data
 * directory, whether the app or the command line did it.
 */

const accountIdSchema = z.string().min(1).max(64);
const messageIdSchema = z.number().int().positive();
const idsSchema = z.array(messageIdSchema).min(1).max(100_000);
const folderIdSchema = z.number().int().positive();

/** A folder's own name (one level, without the server's hierarchy separator). */
const folderNameSchema = z.string().max(255);

/**
 * A tag as the user names it ("work", "To Do", "Büro"). It is stored as an IMAP keyword: a standard tag's
 * name gives its keyword (`$label1` … `$label5`), spaces become `_`, letters outside ASCII are written in
 * modified UTF-7 as Thunderbird does; a name that cannot be a keyword is INVALID_TAG (shared/tag-keywords.ts).
 */
const tagSchema = z.string().min(1).max(200);

/** The kinds of action the undo log keeps. */
export const undoKinds = ['delete', 'move', 'archive', 'mark', 'tag', 'folder-create', 'folder-rename', 'folder-delete', 'junk'] as const;
export type UndoKind = (typeof undoKinds)[number];

/** One action in the undo log. */
export interface UndoEntry {
  id: number;
  kind: UndoKind;
  /** What was done, in the user's words ("Deleted 3 messages."): the toast's text and `homing undo`'s report. */
  description: string;
  /** The accounts it touched. */
  accountIds: string[];
  /** The messages it touched (none for a folder created or renamed). */
  messageCount: number;
  createdAt: string;
}

/** What an action that can be taken back answers: its entry in the undo log, or null when nothing changed. */
export interface ActionResult {
  undo: UndoEntry | null;
}

export interface FolderActionResult extends ActionResult {
  /** The folder as it is now in the store (its server follows through the queue). */
  folder: Folder;
}

export interface DeleteFolderResult extends ActionResult {
  /** Messages moved to the account's Trash from the folder and its subfolders. */
  movedToTrash: number;
}

/** What `undo` took back. */
export interface UndoResult {
  undone: UndoEntry;
  /** Messages put back as they were. */
  restored: number;
  /**
   * Messages that could not be put back because they were deleted meanwhile (on the server, or here):
   * nothing was changed for them (MESSAGE_GONE). Empty when everything was undone.
   */
  missing: number[];
}

/** A tag in use, for the tag menu. */
export interface TagInUse {
  /** The IMAP keyword as stored (`work`, `$label2`). */
  keyword: string;
  /** The name the user sees (`Work` for `$label2`, `Büro` for `B&APw-ro`). */
  name: string;
  /** Messages carrying it (not counting hidden ones). */
  count: number;
}

export const organiseMethods = {
  /**
   * Moves the messages to their account's Archive folder (SPECIAL-USE `\Archive`; created when the
   * account has none, marked `\Archive` where the server supports CREATE-SPECIAL-USE, else named Archive).
   */
  archiveMessages: command(z.strictObject({ ids: idsSchema })).returns<ActionResult>(),
  /**
   * Removes messages for good: on an IMAP server `\Deleted` + UID EXPUNGE, for POP3 under the "when
   * deleted here" policy a DELE on the next pass. Cannot be undone, so the caller asks first and says so.
   */
  deleteMessagesPermanently: command(z.strictObject({ ids: idsSchema, confirm: z.literal(true) })).returns<{ deleted: number }>(),
  /** Removes every message in the account's Trash for good (see deleteMessagesPermanently). Asks first. */
  emptyTrash: command(z.strictObject({ accountId: accountIdSchema, confirm: z.literal(true) })).returns<{ deleted: number }>(),
  /** Marks every message of the folder read (undone as one action). */
  markFolderRead: command(z.strictObject({ folderId: folderIdSchema })).returns<ActionResult>(),
  /** Adds and removes tags (IMAP keywords; local tags for POP3 and Local Folders). */
  tagMessages: command(
    z.strictObject({ ids: idsSchema, add: z.array(tagSchema).max(50).default([]), remove: z.array(tagSchema).max(50).default([]) }),
  ).returns<ActionResult>(),
  /** Tags in use, most used first (optionally of one account). */
  listTags: query(z.strictObject({ accountId: accountIdSchema.optional() })).returns<TagInUse[]>(),

  /**
   * A new folder `name` under `parentId` (null: at the top). IMAP: CREATE and SUBSCRIBE, queued; every
   * account, POP3 included, can have local folders. FOLDER_EXISTS, INVALID_FOLDER_NAME.
   */
  createFolder: command(
    z.strictObject({ accountId: accountIdSchema, parentId: folderIdSchema.nullable().default(null), name: folderNameSchema }),
  ).returns<FolderActionResult>(),
  /**
   * Renames a folder (`name`) and/or moves it under another parent (`parentId`, null: to the top); its
   * subfolders go with it. IMAP: RENAME, queued. FOLDER_EXISTS, INVALID_FOLDER_NAME, FOLDER_PROTECTED.
   */
  renameFolder: command(
    z.strictObject({ folderId: folderIdSchema, name: folderNameSchema.optional(), parentId: folderIdSchema.nullable().optional() }),
  ).returns<FolderActionResult>(),
  /**
   * Deletes a folder and its subfolders; their messages go to the account's Trash first (so it can be
   * undone). Asks first. FOLDER_BUSY while changes to it still wait for the server; FOLDER_PROTECTED for
   * INBOX and Trash.
   */
  deleteFolder: command(z.strictObject({ folderId: folderIdSchema, confirm: z.literal(true) })).returns<DeleteFolderResult>(),

  /**
   * Takes back the last action in the undo log (or the one named, if it has not been undone yet), by
   * cancelling what is still queued where that is exactly the same, else by queuing the inverse.
   * NOTHING_TO_UNDO when the log is empty; MESSAGE_GONE when every message it touched was deleted since.
   */
  undo: command(z.strictObject({ id: z.number().int().positive().optional() })).returns<UndoResult>(),
  /** What can be undone, newest first. */
  listUndoable: query(z.strictObject({ limit: z.number().int().min(1).max(100).default(20) })).returns<UndoEntry[]>(),
};

export const organiseEvents = {
  /** The undo log changed (an action was logged or undone): its newest entry that can still be undone. */
  undoLogChanged: event(
    z.object({
      latest: z
        .object({
          id: z.number(),
          kind: z.enum(undoKinds),
          description: z.string(),
          accountIds: z.array(z.string()),
          messageCount: z.number(),
          createdAt: z.string(),
        })
        .nullable(),
    }),
  ),
};
