import { headerEnd } from '../../mime/header-words';
import { prepare } from '../../store/db';
import { sourceChunks, writeSource } from '../../store/message-sources';
import type { ActionRow, PlanContext } from '../engine';
import { POP3_SYNC_LIMITS } from './limits';

/**
 * "Download the rest later" on POP3: a message stored in full becomes what a message over the account's
 * size limit is stored as (body_status 'partial'): its header block and first body lines (as many as TOP
 * would give), the rest dropped from the store. Its server copy stays (the pass deletes only messages
 * stored in full), and opening it downloads the rest (completeMessage). Its search words, snippet and
 * attachment list stay those of the whole message, which was read once. A message without a UIDL the
 * server gave could not be found there again: left whole.
 */
export function keepHeadersOnly(plan: PlanContext, rows: readonly ActionRow[]): void {
  const { db, changes } = plan;
  const uidlOf = prepare<[number], { uidl: string | null }>(db, 'SELECT uidl FROM messages WHERE id = ?');
  for (const row of rows) {
    if (row.bodyStatus !== 'full') continue;
    const uidl = uidlOf.get(row.id)?.uidl;
    if (!uidl || uidl.startsWith('sha256 ')) continue;
    writeSource(db, row.id, { kind: 'buffer', bytes: beginning(db, row.id) });
    prepare<[number]>(db, `UPDATE messages SET body_status = 'partial' WHERE id = ?`).run(row.id);
    // Body changes are counted by their writer, not by a trigger (migration 0004).
    prepare<[number]>(db, 'UPDATE folders SET offline_count = max(0, offline_count - 1) WHERE id = ?').run(row.folderId);
    changes.message(row.accountId, row.folderId, row.id);
  }
}

/** The header block and the first previewLines lines after it, read chunk by chunk until they are in. */
function beginning(db: PlanContext['db'], messageId: number): Buffer {
  const parts: Buffer[] = [];
  for (const chunk of sourceChunks(db, messageId)) {
    parts.push(chunk);
    const cut = cutAfterPreview(Buffer.concat(parts));
    if (cut !== null) return cut;
  }
  return Buffer.concat(parts);
}

function cutAfterPreview(bytes: Buffer): Buffer | null {
  const end = headerEnd(bytes);
  if (end >= bytes.length) return null;
  let at = end;
  for (let line = 0; line < POP3_SYNC_LIMITS.previewLines; line++) {
    const next = bytes.indexOf(0x0a, at);
    if (next === -1) return null;
    at = next + 1;
  }
  return bytes.subarray(0, at);
}
