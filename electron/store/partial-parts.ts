import { HomingError } from '../../shared/errors';
import { lazyHeaderFields } from '../mime/header-fields';
import { assembleParts } from '../mime/partial-message';
import { prepare, type ReadDb } from './db';
import { readHeaderBlock, readSource } from './message-sources';

/** The message/partial parameters of a header block (RFC 2046 §5.2.2): which part, of how many, of which message. */
export interface PartialParams {
  number: number;
  total: number | null;
  id: string;
}

/** PartialParams of a header block's Content-Type, or null when it is not a message/partial with an id and number. */
export function partialParams(head: Buffer): PartialParams | null {
  const type = lazyHeaderFields(head).get('content-type')?.[0];
  if (!type || !/^message\/partial\s*(;|$)/i.test(type)) return null;
  const params = new Map<string, string>();
  for (const m of type.matchAll(/;\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/g)) params.set(m[1]!.toLowerCase(), (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'));
  const number = Number.parseInt(params.get('number') ?? '', 10);
  const total = Number.parseInt(params.get('total') ?? '', 10);
  const id = (params.get('id') ?? '').trim();
  if (!id || !(number >= 1)) return null;
  return { number, total: total >= number ? total : null, id };
}

/** At most this many stored message/partial messages of an account are looked at for a split message's parts. */
const PARTIAL_CANDIDATES = 2000;

/**
 * The stored parts of the split message `id` in `accountId` (message/partial messages stored whole and not
 * deleted): part number → message row id (the first stored, should a part come twice), and the total any
 * part says.
 */
export function storedParts(db: ReadDb, accountId: string, id: string): { total: number | null; parts: Map<number, number> } {
  const rows = prepare<[string, number], { id: number }>(
    db,
    `SELECT DISTINCT m.id FROM attachments a JOIN messages m ON m.id = a.message_id
     WHERE m.account_id = ? AND m.deleted_locally = 0 AND m.body_status = 'full' AND a.content_type = 'message/partial'
     ORDER BY m.id LIMIT ?`,
  ).all(accountId, PARTIAL_CANDIDATES);
  const parts = new Map<number, number>();
  let total: number | null = null;
  for (const row of rows) {
    const params = partialParams(readHeaderBlock(db, row.id));
    if (!params || params.id !== id) continue;
    total ??= params.total;
    if (!parts.has(params.number)) parts.set(params.number, row.id);
  }
  return { total, parts };
}

/**
 * The whole message put together from the stored parts of the split message that message `id` is a part of
 * (RFC 2046 §5.2.2.1, mime/partial-message.ts), or an error naming what is missing. The parts stay.
 */
export function assembledSource(db: ReadDb, id: number): { bytes: Buffer; accountId: string; folderId: number } {
  const row = prepare<[number], { account_id: string; folder_id: number }>(
    db,
    'SELECT account_id, folder_id FROM messages WHERE id = ? AND deleted_locally = 0',
  ).get(id);
  if (!row) throw new HomingError('NOT_FOUND', `No message with id ${id}.`);
  const params = partialParams(readHeaderBlock(db, id));
  if (!params) throw new HomingError('INVALID_ARGUMENT', `Message ${id} is not a part of a split message (message/partial).`);
  const { total, parts } = storedParts(db, row.account_id, params.id);
  const missing = total === null ? null : Array.from({ length: total }, (_, i) => i + 1).filter((n) => !parts.has(n));
  if (missing === null || missing.length > 0) {
    throw new HomingError(
      'NOT_FOUND',
      missing === null
        ? `No part of the split message ${params.id} says how many parts it has; it cannot be put together yet.`
        : `Part${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${total} of the split message ${params.id} ${missing.length > 1 ? 'are' : 'is'} not here yet.`,
    );
  }
  const bytes = assembleParts(Array.from({ length: total! }, (_, i) => readSource(db, parts.get(i + 1)!)));
  return { bytes, accountId: row.account_id, folderId: row.folder_id };
}
