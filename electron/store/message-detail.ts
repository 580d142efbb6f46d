import { Readable } from 'node:stream';
import type { AttachmentInfo, MessageDetail } from '../../shared/contract/messages';
import { HomingError } from '../../shared/errors';
import { fallbackParse } from '../mime/parse-message';
import { readAttachment, readMessageContent, type MessageContent } from '../mime/read-message';
import { readFallbackHeaders } from '../mime/fallback-headers';
import { prepare, type ReadDb } from './db';
import { storedParts } from './partial-parts';
import { SOURCE_CHUNK_BYTES } from './limits';
import { readSource, sourceChunks } from './message-sources';
import { undeliveredRecipients } from './outbox';
import { summariesByIds } from './message-summaries';

/** Characters of raw source shown as the text of a message that could not be parsed. */
const RAW_TEXT_CHARS = 2_000_000;

/** One message for the reading pane: its summary plus everything parsed again from the stored bytes. */
export async function messageDetail(db: ReadDb, id: number): Promise<MessageDetail> {
  const [summary] = summariesByIds(db, [id]);
  if (!summary) throw new HomingError('NOT_FOUND', `No message with id ${id}.`);
  let content: MessageContent;
  if (summary.parseStatus === 'failed') {
    // The raw source is what there is to show: as text, never as HTML.
    const raw = readSource(db, id);
    const parsed = fallbackParse({ kind: 'buffer', bytes: raw });
    content = {
      headers: readFallbackHeaders(raw).lines,
      text: raw.subarray(0, RAW_TEXT_CHARS).toString('utf8'),
      html: null,
      cc: parsed.cc,
      bcc: parsed.bcc,
      replyTo: parsed.replyTo,
      notes: [],
    };
  } else {
    // Up to one chunk the bytes go to the parser whole (no stream: faster); larger ones stream chunk by chunk.
    content = await readMessageContent(summary.size <= SOURCE_CHUNK_BYTES ? { kind: 'buffer', bytes: readSource(db, id) } : Readable.from(sourceChunks(db, id)));
  }
  const attachmentList = prepare<[number], { id: number; filename: string; content_type: string; size: number; content_id: string | null; inline: number }>(
    db,
    'SELECT id, filename, content_type, size, content_id, inline FROM attachments WHERE message_id = ? ORDER BY part_index',
  )
    .all(id)
    .map(
      (a): AttachmentInfo => ({
        id: a.id,
        filename: a.filename,
        contentType: a.content_type,
        size: a.size,
        contentId: a.content_id,
        inline: a.inline === 1,
      }),
    );
  const allowed = summary.from?.address
    ? prepare<[string], { allow: number }>(db, 'SELECT allow_remote_content AS allow FROM addresses WHERE address = ?').get(summary.from.address)
    : undefined;
  return {
    ...summary,
    cc: content.cc,
    bcc: content.bcc,
    replyTo: content.replyTo,
    headers: content.headers,
    text: content.text,
    html: content.html,
    attachmentList,
    remoteContentAllowed: allowed?.allow === 1,
    readingNotes: content.notes.map((note) => (note.kind === 'partial' ? { ...note, stored: storedParts(db, summary.accountId, note.id).parts.size } : note)),
    undelivered: summary.messageId ? undeliveredRecipients(db, summary.accountId, summary.messageId) : [],
  };
}

/** The bytes of one attachment, decoded from the stored source. */
export async function attachmentBytes(
  db: ReadDb,
  messageId: number,
  attachmentId: number,
): Promise<{ filename: string; contentType: string; bytes: Buffer }> {
  const row = prepare<[number, number], { part_index: number; filename: string; content_type: string }>(
    db,
    `SELECT a.part_index, a.filename, a.content_type FROM attachments a JOIN messages m ON m.id = a.message_id
     WHERE a.id = ? AND a.message_id = ? AND m.deleted_locally = 0`,
  ).get(attachmentId, messageId);
  if (!row) throw new HomingError('NOT_FOUND', `Message ${messageId} has no attachment ${attachmentId}.`);
  const bytes = await readAttachment(Readable.from(sourceChunks(db, messageId)), row.part_index);
  if (!bytes) throw new HomingError('NOT_FOUND', `The attachment ${row.filename} is not in the stored source (headers only so far?).`);
  return { filename: row.filename, contentType: row.content_type, bytes };
}

/** Throws NOT_FOUND unless the message exists and is visible. */
export function assertVisible(db: ReadDb, id: number): { size: number } {
  const row = prepare<[number], { size: number }>(db, 'SELECT size FROM messages WHERE id = ? AND deleted_locally = 0').get(id);
  if (!row) throw new HomingError('NOT_FOUND', `No message with id ${id}.`);
  return row;
}
