import { HomingError } from '../../shared/errors';
import { prepare, type ReadDb } from './db';

/** What a reply or forward needs of the message it answers (its threading headers and where it is). */
export interface OriginalMessage {
  id: number;
  accountId: string;
  folderId: number;
  /** With angle brackets, as stored; null when the original has none. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  answered: boolean;
  keywords: string[];
}

export function originalOf(db: ReadDb, id: number): OriginalMessage {
  const row = prepare<
    [number],
    { id: number; account_id: string; folder_id: number; message_id: string | null; in_reply_to: string | null; refs: string; subject: string; answered: number; keywords: string }
  >(db, 'SELECT id, account_id, folder_id, message_id, in_reply_to, refs, subject, answered, keywords FROM messages WHERE id = ? AND deleted_locally = 0').get(id);
  if (!row) throw new HomingError('NOT_FOUND', `No message with id ${id}.`);
  return {
    id: row.id,
    accountId: row.account_id,
    folderId: row.folder_id,
    messageId: row.message_id,
    inReplyTo: row.in_reply_to,
    references: parseList(row.refs),
    subject: row.subject,
    answered: row.answered === 1,
    keywords: parseList(row.keywords),
  };
}

function parseList(json: string): string[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
