import type { MboxFraming } from '../mime/mbox';
import type { ParsedAddress, ParsedMessage } from '../mime/parse-message';
import { MAX_INDEXED_TEXT_CHARS } from '../mime/limits';
import { splitCjk } from '../mime/search-text';
import { HomingError } from '../../shared/errors';
import { prepare, type WriteDb } from './db';
import { hashSource, writeSource } from './message-sources';
import type { MessageSource } from './message-source';
import type { EncodedSource } from './source-encoding';
import { NEXT_MESSAGE_ID } from './id-floors';
import { OUTGOING_FOLDER_SQL } from './outgoing-folder';
import { MAX_MESSAGE_ID, searchKeySql } from './search-key';
import { type ListingHandle, rekeyUnlisted, rekeyUnlistedRecord } from './pop3-listing';
import { recipientSortKey, senderSortKey, subjectSortKey } from './sort-keys';
import { assignThread } from './threads';
import type { ChangeRecorder } from './write-transaction';

export type SyncKey =
  | { kind: 'imap'; uidvalidity: number; uid: number }
  /** A POP3 pass's new UIDLs go through commitListedPop3, which also knows the pass's listing. */
  | { kind: 'pop3'; uidl: string }
  /** Import and local folders: deduplicated by content hash within the folder. */
  | { kind: 'local' };

export interface IngestInput {
  accountId: string;
  folderId: number;
  key: SyncKey;
  /** The full message, or only the header block (+ first lines) when bodyStatus is not 'full'. */
  source: MessageSource;
  /** From parseMessage(source), computed before the transaction. */
  parsed: ParsedMessage;
  /** encodeSource(source.bytes), when computed before the transaction (off the writer's thread). */
  encoded?: EncodedSource | null;
  /** IMAP flags incl. \Seen \Flagged \Answered \Draft and keywords. */
  flags?: string[];
  internalDate?: Date | null;
  modseq?: number | null;
  /** Default 'full'. */
  bodyStatus?: 'full' | 'headers' | 'partial';
  /**
   * The whole message's size in bytes when `source` is only part of it (IMAP's RFC822.SIZE for a header
   * block); by default the source's own. A full source always counts its own bytes.
   */
  size?: number;
  /** The mbox From_ line and separator an imported message came with (written back by export). */
  mbox?: MboxFraming | null;
  /**
   * A header block whose full source the same sync pass is about to store (IMAP's header phase, within
   * the offline scope): its full-text row is left to that source, so each message is indexed once, not
   * indexed from its headers, deleted and indexed again. The row is marked search_pending until then;
   * store/pending-search.ts indexes whatever the pass left so (a body that never came).
   */
  searchRowLater?: boolean;
}

export interface IngestResult {
  messageId: number;
  inserted: boolean;
  upgraded: boolean;
}

/**
 * commitListedPop3 found the bytes are a message this account no longer holds (deleted here for good, or
 * filed in another account): nothing was stored, the new UIDL took over its record (rekeyUnlistedRecord).
 */
export interface DeletedHere {
  messageId: null;
  inserted: false;
  upgraded: false;
}

/** The columns of messages that an index holds and a body upgrade may change (upgrade writes them only then). */
type IndexedColumn = 'size' | 'has_attachments' | 'sender_key' | 'subject_key' | 'recipient_key';

interface ExistingRow extends Record<IndexedColumn, string | number> {
  id: number;
  folder_id: number;
  date: number;
  deleted_locally: number;
  body_status: 'full' | 'headers' | 'partial';
  search_pending: number;
}

const EXISTING_COLUMNS = 'id, folder_id, date, deleted_locally, body_status, search_pending, size, has_attachments, sender_key, subject_key, recipient_key';

/**
 * Stores one message. Synchronous; call inside writeTransaction(). Idempotent by key: the same key
 * again inserts nothing (inserted=false), except that a 'full' source replaces a stored 'headers' or
 * 'partial' one (upgraded=true). Writes messages, message_sources (exact bytes), attachments,
 * addresses, threads and the full-text row, and records the change.
 */
export function commitMessage(db: WriteDb, changes: ChangeRecorder, input: IngestInput): IngestResult {
  const hashed = hashSource(input.source, input.encoded);
  return store(db, changes, input, hashed, findExisting(db, input, hashed.hash));
}

/**
 * commitMessage for a UIDL of a POP3 pass's `listing` that the store has not seen. When the server has
 * changed its UIDLs (a new pop3_uidl_format, a migration to another server or mailbox format), every
 * message is listed again under a new one, and keyed by UIDL alone each would be stored a second time.
 * So bytes that are a stored message's under a UIDL the listing no longer has are that message, under
 * the new UIDL (store/pop3-listing.ts rekeyUnlisted); and bytes that are what is left of a message
 * deleted here for good, or filed in another account (rekeyUnlistedRecord), are not stored at all: the
 * new UIDL takes over that record and the result is DeletedHere.
 */
export function commitListedPop3(
  db: WriteDb,
  changes: ChangeRecorder,
  input: IngestInput & { key: { kind: 'pop3' } },
  listing: ListingHandle,
): IngestResult | DeletedHere {
  const bodyStatus = input.bodyStatus ?? 'full';
  const hashed = hashSource(input.source, input.encoded);
  const { uidl } = input.key;
  const existing = findExisting(db, input, hashed.hash) ?? rekeyed(db, listing, uidl, hashed.hash, bodyStatus);
  if (!existing && rekeyUnlistedRecord(listing, uidl, hashed.hash)) return { messageId: null, inserted: false, upgraded: false };
  return store(db, changes, input, hashed, existing);
}

/** Stores the message, or completes `existing` (the same key, stored as headers or partial) with a full source. */
function store(
  db: WriteDb,
  changes: ChangeRecorder,
  input: IngestInput,
  { hash, size }: { hash: string; size: number },
  existing: ExistingRow | undefined,
): IngestResult {
  const bodyStatus = input.bodyStatus ?? 'full';
  if (existing) {
    if (bodyStatus !== 'full' || existing.body_status === 'full') {
      return { messageId: existing.id, inserted: false, upgraded: false };
    }
    upgrade(db, existing, input, hash, size);
    changes.message(input.accountId, existing.folder_id, existing.id);
    return { messageId: existing.id, inserted: false, upgraded: true };
  }

  const { parsed } = input;
  const flags = readFlags(input.flags ?? []);
  const now = Date.now();
  const headerDate = parsed.date?.getTime() ?? null;
  const internalDate = input.internalDate?.getTime() ?? null;
  const dateKnown = headerDate !== null || internalDate !== null;
  const date = headerDate ?? internalDate ?? now;
  const threadId = assignThread(db, {
    accountId: input.accountId,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    subject: parsed.subject,
    date,
  });
  const key = input.key;
  const searchLater = input.searchRowLater === true && bodyStatus !== 'full';
  const info = prepare(
    db,
    `INSERT INTO messages (id, account_id, folder_id, uidvalidity, uid, uidl, message_id, in_reply_to, refs, subject,
       from_name, from_address, to_json, cc_json, date, date_known, internal_date, seen, flagged, answered, draft, keywords,
       modseq, size, has_attachments, thread_id, snippet, parse_status, body_status, content_hash, mbox_from, mbox_separator, added_at,
       sender_key, subject_key, recipient_key, search_pending, outgoing_folder)
     VALUES (${NEXT_MESSAGE_ID}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${searchLater ? 1 : 0}, ${OUTGOING_FOLDER_SQL})`,
  ).run(
    input.accountId,
    input.folderId,
    key.kind === 'imap' ? key.uidvalidity : null,
    key.kind === 'imap' ? key.uid : null,
    key.kind === 'pop3' ? key.uidl : null,
    ...headerValues(parsed),
    date,
    dateKnown ? 1 : 0,
    internalDate,
    flags.seen,
    flags.flagged,
    flags.answered,
    flags.draft,
    JSON.stringify(flags.keywords),
    input.modseq ?? null,
    bodyStatus === 'full' ? size : (input.size ?? size),
    hasRealAttachments(parsed) ? 1 : 0,
    threadId,
    parsed.snippet,
    parsed.parseStatus,
    bodyStatus,
    hash,
    input.mbox?.fromLine ?? null,
    input.mbox?.separator ?? null,
    now,
    senderSortKey(parsed.from?.name ?? null, parsed.from?.address ?? null),
    subjectSortKey(parsed.subject),
    recipientSortKey(parsed.to),
    input.folderId,
  );
  const messageId = Number(info.lastInsertRowid);
  countInFolder(db, input.folderId, { total: 1, unread: flags.seen ? 0 : 1, offline: bodyStatus === 'full' ? 1 : 0 });
  // A header block (IMAP's header phase) is a few KB, replaced by the full source within the same sync
  // unless outside the offline scope: deflating it would cost the committing thread while the list fills.
  writeSource(db, messageId, input.source, { encoded: input.encoded, fresh: true, deflate: bodyStatus === 'full' });
  writeAttachments(db, messageId, parsed);
  if (!searchLater) writeSearchRow(db, messageId, date, parsed);
  rememberAddresses(db, parsed, date);
  changes.message(input.accountId, input.folderId, messageId);
  return { messageId, inserted: true, upgraded: false };
}

function findExisting(db: WriteDb, input: IngestInput, hash: string): ExistingRow | undefined {
  const { key } = input;
  if (key.kind === 'imap') {
    return prepare<[number, number, number], ExistingRow>(
      db,
      `SELECT ${EXISTING_COLUMNS} FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid = ?`,
    ).get(input.folderId, key.uidvalidity, key.uid);
  }
  if (key.kind === 'pop3') {
    return prepare<[string, string], ExistingRow>(db, `SELECT ${EXISTING_COLUMNS} FROM messages WHERE account_id = ? AND uidl = ?`).get(
      input.accountId,
      key.uidl,
    );
  }
  return prepare<[number, string], ExistingRow>(
    db,
    `SELECT ${EXISTING_COLUMNS} FROM messages WHERE folder_id = ? AND content_hash = ? LIMIT 1`,
  ).get(input.folderId, hash);
}

/** A new UIDL that is a stored message under a UIDL the server stopped listing (the server changed its UIDLs). */
function rekeyed(db: WriteDb, listing: ListingHandle, uidl: string, hash: string, bodyStatus: 'full' | 'headers' | 'partial'): ExistingRow | undefined {
  const id = rekeyUnlisted(listing, uidl, hash, bodyStatus);
  if (id === null) return undefined;
  return prepare<[number], ExistingRow>(db, `SELECT ${EXISTING_COLUMNS} FROM messages WHERE id = ?`).get(id);
}

/**
 * A full source arrived for a message stored as headers only or partial: replace the derived fields too.
 * An indexed column is written only when its value changes: SQLite rewrites the entries of every index
 * whose column an UPDATE sets, whatever the value, and the header block's row (IMAP: the server's
 * ENVELOPE and RFC822.SIZE) usually has the sender, subject, recipients and size the full parse finds.
 */
function upgrade(db: WriteDb, existing: ExistingRow, input: IngestInput, hash: string, size: number): void {
  const { parsed } = input;
  const indexed: Array<[column: IndexedColumn, value: string | number]> = [
    ['size', size],
    ['has_attachments', hasRealAttachments(parsed) ? 1 : 0],
    ['sender_key', senderSortKey(parsed.from?.name ?? null, parsed.from?.address ?? null)],
    ['subject_key', subjectSortKey(parsed.subject)],
    ['recipient_key', recipientSortKey(parsed.to)],
  ];
  const changed = indexed.filter(([column, value]) => existing[column] !== value);
  prepare(
    db,
    `UPDATE messages SET content_hash = ?, body_status = 'full', snippet = ?, parse_status = ?,
       subject = ?, from_name = ?, from_address = ?, to_json = ?, cc_json = ?${existing.search_pending ? ', search_pending = 0' : ''}${changed
         .map(([column]) => `, ${column} = ?`)
         .join('')}
     WHERE id = ?`,
  ).run(
    hash,
    parsed.snippet,
    parsed.parseStatus,
    parsed.subject,
    parsed.from?.name ?? null,
    parsed.from?.address ?? null,
    JSON.stringify(parsed.to.map(plainAddress)),
    JSON.stringify(parsed.cc.map(plainAddress)),
    ...changed.map(([, value]) => value),
    existing.id,
  );
  if (!existing.deleted_locally) countInFolder(db, existing.folder_id, { total: 0, unread: 0, offline: 1 });
  writeSource(db, existing.id, input.source, { encoded: input.encoded });
  prepare<[number]>(db, 'DELETE FROM attachments WHERE message_id = ?').run(existing.id);
  writeAttachments(db, existing.id, parsed);
  // A row stored with searchRowLater has no full-text row yet: this is its first.
  if (!existing.search_pending) prepare<[number, number]>(db, `DELETE FROM message_search WHERE rowid = ${searchKeySql('?', '?')}`).run(existing.date, existing.id);
  writeSearchRow(db, existing.id, existing.date, parsed);
}

/**
 * Puts `input`'s full source and everything derived from it (headers, date, thread, snippet, attachments,
 * the full-text row) in place of stored message `messageId`'s, which keeps its row: its folder, flags,
 * tags, Trash mark, UIDL and download time. For a stored message that turned out not to be the server's
 * bytes (a POP3 server's wrapper: sync/pop3/courier-wrapper.ts). Call inside writeTransaction().
 */
export function replaceStoredSource(db: WriteDb, changes: ChangeRecorder, messageId: number, input: Pick<IngestInput, 'source' | 'parsed' | 'encoded'>): void {
  const row = prepare<[number], { account_id: string; folder_id: number; date: number; internal_date: number | null; body_status: string; deleted_locally: number }>(
    db,
    'SELECT account_id, folder_id, date, internal_date, body_status, deleted_locally FROM messages WHERE id = ?',
  ).get(messageId);
  if (!row) throw new HomingError('NOT_FOUND', `No message with id ${messageId}.`);
  const { parsed } = input;
  const { hash, size } = hashSource(input.source, input.encoded);
  const headerDate = parsed.date?.getTime() ?? null;
  const date = headerDate ?? row.internal_date ?? row.date;
  const threadId = assignThread(db, {
    accountId: row.account_id,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    subject: parsed.subject,
    date,
  });
  prepare<[number, number]>(db, `DELETE FROM message_search WHERE rowid = ${searchKeySql('?', '?')}`).run(row.date, messageId);
  prepare(
    db,
    `UPDATE messages SET message_id = ?, in_reply_to = ?, refs = ?, subject = ?, from_name = ?, from_address = ?, to_json = ?, cc_json = ?,
       date = ?, date_known = ?, size = ?, has_attachments = ?, thread_id = ?, snippet = ?, parse_status = ?, body_status = 'full',
       content_hash = ?, sender_key = ?, subject_key = ?, recipient_key = ?, search_pending = 0
     WHERE id = ?`,
  ).run(
    ...headerValues(parsed),
    date,
    headerDate !== null || row.internal_date !== null ? 1 : 0,
    size,
    hasRealAttachments(parsed) ? 1 : 0,
    threadId,
    parsed.snippet,
    parsed.parseStatus,
    hash,
    senderSortKey(parsed.from?.name ?? null, parsed.from?.address ?? null),
    subjectSortKey(parsed.subject),
    recipientSortKey(parsed.to),
    messageId,
  );
  if (row.body_status !== 'full' && !row.deleted_locally) countInFolder(db, row.folder_id, { total: 0, unread: 0, offline: 1 });
  writeSource(db, messageId, input.source, { encoded: input.encoded });
  prepare<[number]>(db, 'DELETE FROM attachments WHERE message_id = ?').run(messageId);
  writeAttachments(db, messageId, parsed);
  writeSearchRow(db, messageId, date, parsed);
  rememberAddresses(db, parsed, date);
  changes.message(row.account_id, row.folder_id, messageId);
}

/**
 * Folder counts for a message ingest added or completed. User actions change counts through the
 * messages_count_update trigger; ingest writes them itself, because a trigger would make SQLite open a
 * statement savepoint per message, and FTS5 flushes its pending terms at every one (migration 0004).
 */
function countInFolder(db: WriteDb, folderId: number, delta: { total: number; unread: number; offline: number }): void {
  prepare<[number, number, number, number]>(
    db,
    'UPDATE folders SET total_count = total_count + ?, unread_count = unread_count + ?, offline_count = offline_count + ? WHERE id = ?',
  ).run(delta.total, delta.unread, delta.offline, folderId);
}

export function writeAttachments(db: WriteDb, messageId: number, parsed: ParsedMessage): void {
  const insert = prepare(
    db,
    `INSERT INTO attachments (message_id, part_index, filename, content_type, size, content_id, inline) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  parsed.attachments.forEach((a, index) => {
    insert.run(messageId, index, a.filename, a.contentType, a.size, a.contentId, a.inline ? 1 : 0);
  });
}

/** The header columns a stored source determines, in the order the INSERT and the source's replacement name them. */
function headerValues(parsed: ParsedMessage) {
  return [
    parsed.messageId,
    parsed.inReplyTo,
    JSON.stringify(parsed.references),
    parsed.subject,
    parsed.from?.name ?? null,
    parsed.from?.address ?? null,
    JSON.stringify(parsed.to.map(plainAddress)),
    JSON.stringify(parsed.cc.map(plainAddress)),
  ] as const;
}

/** Inline images referenced from the HTML are parts, not what a person calls an attachment. */
export function hasRealAttachments(parsed: ParsedMessage): boolean {
  return parsed.attachments.some((a) => !(a.inline && a.contentId));
}

/** The five texts of a message's full-text row, before CJK splitting (search and mail rules read the same). */
export function searchTexts(parsed: ParsedMessage): Record<'subject' | 'sender' | 'recipients' | 'body' | 'attachments', string> {
  return {
    subject: parsed.subject,
    sender: addressText(parsed.from ? [parsed.from] : []),
    recipients: addressText([...parsed.to, ...parsed.cc, ...parsed.bcc]),
    body: indexedBody(parsed.text ?? '', parsed.attachedText ?? ''),
    attachments: parsed.attachments.map((a) => a.filename).filter(Boolean).join('\n'),
  };
}

/**
 * The body column: the text, then the words of attached invitations and forwarded mail. A very long text
 * (a pasted log) must not push the attached words out of the bounded column, so they keep up to a quarter
 * of it and the text is cut instead.
 */
export function indexedBody(text: string, attachedText: string): string {
  if (!attachedText) return text.slice(0, MAX_INDEXED_TEXT_CHARS);
  const attached = attachedText.slice(0, MAX_INDEXED_TEXT_CHARS / 4);
  return `${text.slice(0, MAX_INDEXED_TEXT_CHARS - attached.length - 1)}\n${attached}`;
}

export function writeSearchRow(db: WriteDb, messageId: number, date: number, parsed: ParsedMessage): void {
  if (messageId > MAX_MESSAGE_ID) throw new HomingError('INTERNAL', 'The store holds more messages than its search index can key.');
  const text = searchTexts(parsed);
  prepare(
    db,
    `INSERT INTO message_search (rowid, subject, sender, recipients, body, attachments) VALUES (${searchKeySql('?', '?')}, ?, ?, ?, ?, ?)`,
  ).run(
    date,
    messageId,
    splitCjk(text.subject),
    splitCjk(text.sender),
    splitCjk(text.recipients),
    splitCjk(text.body),
    splitCjk(text.attachments),
  );
}

function addressText(list: ParsedAddress[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}

export function plainAddress(a: ParsedAddress): ParsedAddress {
  return { name: a.name, address: a.address };
}

/** People seen in mail: the sender and recipients, with the latest display name. */
function rememberAddresses(db: WriteDb, parsed: ParsedMessage, date: number): void {
  const upsert = prepare<[string, string | null, number]>(
    db,
    `INSERT INTO addresses (address, name, last_seen) VALUES (?, ?, ?)
     ON CONFLICT (address) DO UPDATE SET
       name = CASE WHEN excluded.last_seen >= coalesce(last_seen, 0) AND excluded.name IS NOT NULL THEN excluded.name ELSE name END,
       last_seen = max(coalesce(last_seen, 0), excluded.last_seen)`,
  );
  const seen = new Set<string>();
  for (const a of [...(parsed.from ? [parsed.from] : []), ...parsed.to, ...parsed.cc]) {
    const address = a.address.trim();
    if (!address || address.length > 320 || seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    upsert.run(address, a.name || null, date);
  }
}

export interface FlagColumns {
  seen: number;
  flagged: number;
  answered: number;
  draft: number;
  keywords: string[];
}

/** IMAP system flags (RFC 3501 §2.3.2) to columns; keywords kept as given; \Recent is session state, not stored. */
export function readFlags(flags: string[]): FlagColumns {
  const out: FlagColumns = { seen: 0, flagged: 0, answered: 0, draft: 0, keywords: [] };
  for (const flag of flags) {
    switch (flag.toLowerCase()) {
      case '\\seen':
        out.seen = 1;
        break;
      case '\\flagged':
        out.flagged = 1;
        break;
      case '\\answered':
        out.answered = 1;
        break;
      case '\\draft':
        out.draft = 1;
        break;
      case '\\recent':
        break;
      default:
        if (!out.keywords.includes(flag)) out.keywords.push(flag);
    }
  }
  return out;
}

/** Throws NOT_FOUND unless the folder exists and belongs to the account. */
export function assertFolderOf(db: WriteDb, accountId: string, folderId: number): void {
  const row = prepare<[number], { account_id: string }>(db, 'SELECT account_id FROM folders WHERE id = ?').get(folderId);
  if (!row || row.account_id !== accountId) throw new HomingError('NOT_FOUND', `No folder ${folderId} in account ${accountId}.`);
}
