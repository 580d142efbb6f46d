import { lazyHeaderFields } from '../../mime/header-fields';
import { mayCarrySpamVerdict } from '../../mime/spam-verdict';
import type { JunkInput } from '../../mime/junk-tokens';
import type { ParsedMessage } from '../../mime/parse-message';
import { prepare, type ReadDb } from '../../store/db';
import { searchTexts } from '../../store/ingest';
import { readHeaderBlock } from '../../store/message-sources';
import type { MessageFacts } from '../../store/query-match';
import { searchKeySql } from '../../store/search-key';
import type { SearchColumn } from '../../store/search-query';

interface FactRow {
  folder_id: number;
  seen: number;
  flagged: number;
  answered: number;
  keywords: string;
  has_attachments: number;
  date: number;
  size: number;
  subject: string;
  from_name: string | null;
  from_address: string | null;
}

/** A stored message as rules and the junk filter see it, with what is in memory used where there is some. */
export interface ArrivedMessage {
  readonly id: number;
  readonly fromAddress: string | null;
  readonly subject: string;
  readonly facts: MessageFacts;
  junkInput(): JunkInput;
  /** The header fields when the block has one the server's spam verdict reads, else none (nothing decoded). */
  spamHeaders(): ReadonlyMap<string, readonly string[]>;
}

const NO_FIELDS: ReadonlyMap<string, readonly string[]> = new Map();

/**
 * Builds a message's facts (store/query-match.ts) from its row, plus the parsed message and header bytes
 * when the sync still has them (as it stores a message); otherwise the texts come from the full-text row
 * and the header fields from the stored source. Folder and flags are read from the row every time, so a
 * rule that moved the message is seen by the next one.
 */
export function arrivedMessage(db: ReadDb, id: number, parsed: ParsedMessage | null, header: Buffer | null): ArrivedMessage | null {
  const row = prepare<[number], FactRow>(
    db,
    `SELECT folder_id, seen, flagged, answered, keywords, has_attachments, date, size, subject, from_name, from_address FROM messages WHERE id = ? AND deleted_locally = 0`,
  ).get(id);
  if (!row) return null;
  let text: Record<SearchColumn, string> | null = parsed ? searchTexts(parsed) : null;
  const texts = () => (text ??= storedTexts(db, id, row.date));
  let block: Buffer | null = header;
  const headerBlock = () => (block ??= safeHeaderBlock(db, id));
  let fields: ReadonlyMap<string, readonly string[]> | null = null;
  const headers = () => (fields ??= lazyHeaderFields(headerBlock()));
  const facts: MessageFacts = {
    get folderId() {
      return prepare<[number], { folder_id: number }>(db, 'SELECT folder_id FROM messages WHERE id = ?').get(id)?.folder_id ?? row.folder_id;
    },
    get text() {
      return texts();
    },
    hasAttachments: row.has_attachments === 1,
    seen: row.seen === 1,
    flagged: row.flagged === 1,
    answered: row.answered === 1,
    date: row.date,
    size: row.size,
    keywords: parseList(row.keywords),
    headers,
  };
  return {
    id,
    fromAddress: row.from_address,
    subject: row.subject,
    facts,
    spamHeaders: () => (fields !== null || mayCarrySpamVerdict(headerBlock()) ? headers() : NO_FIELDS),
    junkInput: () => ({
      subject: row.subject,
      fromAddress: row.from_address,
      fromName: row.from_name,
      body: texts().body,
      attachments: texts().attachments.split('\n').filter(Boolean),
      headers: headers(),
    }),
  };
}

function storedTexts(db: ReadDb, id: number, date: number): Record<SearchColumn, string> {
  const row = prepare<[number, number], Record<SearchColumn, string | null>>(
    db,
    `SELECT subject, sender, recipients, body, attachments FROM message_search WHERE rowid = ${searchKeySql('?', '?')}`,
  ).get(date, id);
  return {
    subject: row?.subject ?? '',
    sender: row?.sender ?? '',
    recipients: row?.recipients ?? '',
    body: row?.body ?? '',
    attachments: row?.attachments ?? '',
  };
}

function safeHeaderBlock(db: ReadDb, id: number): Buffer {
  try {
    return readHeaderBlock(db, id);
  } catch {
    return Buffer.alloc(0);
  }
}

function parseList(text: string): string[] {
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) ? list.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}
