import * as z from 'zod';
import { command, event, namingFiles, query } from './define';
import type { ActionResult } from './organise';

export const specialUses = ['inbox', 'sent', 'drafts', 'trash', 'junk', 'archive', 'all', 'flagged'] as const;
export type SpecialUse = (typeof specialUses)[number];

export interface Folder {
  id: number;
  accountId: string;
  /** The server's full path (decoded to Unicode), e.g. `INBOX/Projects`. */
  path: string;
  /** The last path segment, for display. */
  name: string;
  /** The parent folder's path, or null at the top level. */
  parentPath: string | null;
  delimiter: string | null;
  specialUse: SpecialUse | null;
  subscribed: boolean;
  total: number;
  unread: number;
  /** Messages whose full source is stored (the rest are headers only until synced or completed). */
  offline: number;
  /**
   * Why the last sync could not read this folder (the server lists it but refuses to open it), with the
   * server's own words; null when it was read. What is stored from earlier passes stays.
   */
  syncError: { code: string; message: string; serverText: string | null } | null;
}

export interface Address {
  name: string;
  address: string;
}

export interface AttachmentInfo {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  /** Set for inline parts referenced from HTML as `cid:`. */
  contentId: string | null;
  inline: boolean;
}

/** A row in a message list: what the list, the CLI's `list --json` and search results show. */
export interface MessageSummary {
  id: number;
  accountId: string;
  folderId: number;
  /** The folder's path. */
  folder: string;
  /** IMAP UID, or null for POP3 and local mail. */
  uid: number | null;
  /** POP3 UIDL, or null for IMAP and local mail. */
  uidl: string | null;
  messageId: string | null;
  subject: string;
  from: Address | null;
  to: Address[];
  /** ISO 8601, or null when the message has no usable date. */
  date: string | null;
  /** IMAP-style flags: `\Seen`, `\Flagged`, `\Answered`, `\Draft`, and keywords. */
  flags: string[];
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  size: number;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
  threadId: number | null;
  /** Messages in the same thread (1 when alone). */
  threadCount: number;
  snippet: string;
  /** `failed`: the MIME structure could not be parsed; the raw source is kept and shown. */
  parseStatus: 'ok' | 'failed';
  /** `full`: the whole source is stored; `headers`: only headers so far; `partial`: headers and the first lines. */
  bodyStatus: 'full' | 'headers' | 'partial';
  /** A local change not yet on the server (`pending`) or one the server refused (`refused`). */
  pendingState: 'pending' | 'refused' | null;
}

export interface MessageDetail extends MessageSummary {
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  /** Header lines in order, decoded. */
  headers: Array<[name: string, value: string]>;
  text: string | null;
  /** The HTML body as sent: the renderer sanitises it and shows it only in a sandboxed frame. */
  html: string | null;
  attachmentList: AttachmentInfo[];
  /** The sender is on the user's "always load remote content" list. */
  remoteContentAllowed: boolean;
  /** What the reader tells about how the message was read: none for nearly all mail. */
  readingNotes: ReadingNote[];
  /**
   * A message sent from here that some recipients never got: refused by the server (5xx) or given up on
   * after it kept answering "not now" (giveUpOutbox), each with the server's words. Empty otherwise.
   */
  undelivered: Array<{ address: string; response: string }>;
}

/**
 * `not-base64`: a text labelled base64 that is not base64 (a broken gateway's), shown as it came rather than
 * decoded into garbage. `partial`: one part of a message split for sending (message/partial, RFC 2046
 * section 5.2.2): part `number` of `total` (null when the part does not say) of the message `id`, of which
 * `stored` parts are in this account (assembleMessage puts them together once all are).
 */
export type ReadingNote = { kind: 'not-base64' } | { kind: 'partial'; number: number; total: number | null; id: string; stored: number };

/** Where in a message a search matched. */
export type SearchField = 'subject' | 'from' | 'to' | 'body' | 'attachments';

export interface SearchHighlight {
  field: SearchField;
  /** The fragment with `\u0002`…`\u0003` around each match (the renderer turns them into <mark>). */
  text: string;
}

export interface SearchHit extends MessageSummary {
  /** The fields that matched, in the order subject, from, to, body, attachments; each once. */
  highlights: SearchHighlight[];
}

export const messageIdSchema = z.number().int().positive();
const idsSchema = z.array(messageIdSchema).min(1).max(100_000);
const accountIdSchema = z.string().min(1).max(64);

/** A folder, or the unified inbox across accounts. */
export const mailboxRefSchema = z.union([
  z.strictObject({ folderId: z.number().int().positive() }),
  z.strictObject({ unified: z.literal('inbox') }),
]);
export type MailboxRef = z.infer<typeof mailboxRefSchema>;

/**
 * A list's order: by date, sender (the name shown, else the address), subject (without "Re:") or size,
 * either way. Within one sender, subject or size the newest comes first; the other direction of an
 * order is that list exactly reversed.
 */
export const sortSchema = z.enum(['date-desc', 'date-asc', 'sender-asc', 'sender-desc', 'subject-asc', 'subject-desc', 'size-desc', 'size-asc']);
export type MessageSort = z.infer<typeof sortSchema>;

export interface MessagePage {
  messages: MessageSummary[];
  /** Opaque keyset cursor for the next page, or null at the end. */
  nextCursor: string | null;
}

export interface ImportResult {
  imported: number;
  /** Already in the folder (same content): not imported twice. */
  duplicates: number;
  /** Stored with parse status `failed`, raw source kept. */
  unparsable: number;
}

const pathSchema = z.string().min(1).max(4096);

/**
 * Which bytes of a message to hand out. `stored`: what the store holds (the reader shows that, and offers
 * to download the rest). `whole`: the complete message, its rest downloaded first when only the headers
 * (IMAP outside the offline scope) or the first lines (POP3 over the size limit) are stored;
 * BODY_NOT_DOWNLOADED when that fails, never a cut message. `headers`: the header block alone, never
 * downloading.
 */
export const sourcePartSchema = z.enum(['stored', 'whole', 'headers']);
export type SourcePart = z.infer<typeof sourcePartSchema>;
const exportPartSchema = z.enum(['whole', 'headers']).default('whole');

export const messageMethods = {
  listFolders: query(z.strictObject({ accountId: accountIdSchema.optional() })).returns<Folder[]>(),
  /** One page in keyset order. */
  listMessages: query(
    z.strictObject({
      mailbox: mailboxRefSchema,
      sort: sortSchema.default('date-desc'),
      cursor: z.string().max(1000).nullable().default(null),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
  ).returns<MessagePage>(),
  /** Every message id of a mailbox in display order: the virtual list fetches rows by range from it. */
  listMessageIds: query(z.strictObject({ mailbox: mailboxRefSchema, sort: sortSchema.default('date-desc') })).returns<number[]>(),
  getMessageSummaries: query(z.strictObject({ ids: z.array(messageIdSchema).max(1000) })).returns<MessageSummary[]>(),
  getMessage: query(z.strictObject({ id: messageIdSchema })).returns<MessageDetail>(),
  /** The exact RFC 822 source, as base64 (bytes are not always text); `part` says which bytes (sourcePartSchema). */
  getMessageSource: query(z.strictObject({ id: messageIdSchema, part: sourcePartSchema.default('stored') })).returns<{
    base64: string;
    size: number;
    /** Whether the store holds the whole message (after `whole`, always 'full'). */
    bodyStatus: 'full' | 'headers' | 'partial';
  }>(),
  getAttachment: query(z.strictObject({ messageId: messageIdSchema, attachmentId: z.number().int().positive() })).returns<{
    filename: string;
    contentType: string;
    base64: string;
  }>(),
  getThread: query(z.strictObject({ threadId: z.number().int().positive() })).returns<MessageSummary[]>(),
  search: query(
    z.strictObject({
      query: z.string().max(1000),
      accountId: accountIdSchema.optional(),
      limit: z.number().int().min(1).max(1000).default(200),
      /** false: hits without their highlights (the CLI's plain output shows none; they cost a snippet pass over the index). */
      highlights: z.boolean().optional(),
    }),
  ).returns<{ hits: SearchHit[]; total: number }>(),

  // The user's actions answer their entry in the undo log (shared/contract/organise.ts has the rest).
  markMessages: command(
    z.strictObject({ ids: idsSchema, seen: z.boolean().optional(), flagged: z.boolean().optional() })).returns<ActionResult>(),
  /** To the account's Trash (every account has one; POP3 and Local Folders a local one): undoable. */
  deleteMessages: command(z.strictObject({ ids: idsSchema })).returns<ActionResult>(),
  /** To a folder of the same account, or of another one (copied there first, then removed here, exactly once). */
  moveMessages: command(z.strictObject({ ids: idsSchema, toFolderId: z.number().int().positive() })).returns<ActionResult>(),
  /** Fetches the rest of a message stored as headers only or partial. */
  completeMessage: command(z.strictObject({ id: messageIdSchema })).returns<MessageDetail>(),
  allowRemoteContent: command(z.strictObject({ address: z.string().min(1).max(320), allow: z.boolean() })).returns<void>(),
  /**
   * Puts a message split for sending (message/partial, RFC 2046 section 5.2.2) together from its stored parts,
   * `id` being any of them, and stores the whole as a new message: in the parts' folder, or (an IMAP account,
   * whose folders mirror the server) in Local Folders' INBOX. The parts stay. NOT_FOUND names missing parts.
   */
  assembleMessage: command(z.strictObject({ id: messageIdSchema })).returns<{ id: number; folderId: number }>(),

  // `path`, `mboxPath` and `emlPath` are files on this computer: these three are never served to the
  // window or the bridge (define.ts `namesFiles`), only to the CLI and the shell's file dialogs.
  importMail: namingFiles(
    command(z.strictObject({ path: pathSchema, accountId: accountIdSchema.default('local'), folderPath: pathSchema })).returns<ImportResult>(),
  ),
  exportFolder: namingFiles(
    query(z.strictObject({ accountId: accountIdSchema, folderPath: pathSchema, mboxPath: pathSchema, part: exportPartSchema })).returns<{
      exported: number;
    }>(),
  ),
  exportMessage: namingFiles(query(z.strictObject({ id: messageIdSchema, emlPath: pathSchema, part: exportPartSchema })).returns<void>()),
};

export const messageEvents = {
  /** Emitted once per committed write transaction, naming what changed. */
  messagesChanged: event(
    z.object({ accountId: z.string(), folderIds: z.array(z.number()), messageIds: z.array(z.number()) }),
  ),
  foldersChanged: event(z.object({ accountId: z.string() })),
};
