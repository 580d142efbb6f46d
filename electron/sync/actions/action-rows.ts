import { HomingError } from '../../../shared/errors';
import { prepare, type WriteDb } from '../../store/db';
import type { ActionRow } from '../engine';

/**
 * The messages named by the user, with what the actions need; NOT_FOUND (nothing changed) if any is missing.
 * The ids go as one JSON parameter: an `IN (?, ?, …)` list of the selection's length was a statement of its
 * own for every length (500 of them kept by the write connection for the app's life: ~28 MB), and
 * rules on arrival ask with every count of matches a batch gives.
 */
export function loadActionRows(db: WriteDb, ids: readonly number[]): ActionRow[] {
  const unique = [...new Set(ids)];
  const rows =
    unique.length === 0
      ? []
      : prepare<[string], ActionRow>(
          db,
          `SELECT m.id, m.account_id AS accountId, m.folder_id AS folderId, f.path AS folderPath,
                  m.uidvalidity, m.uid, m.seen, m.flagged, m.body_status AS bodyStatus
           FROM messages m JOIN folders f ON f.id = m.folder_id
           WHERE m.deleted_locally = 0 AND m.id IN (SELECT value FROM json_each(?))`,
        ).all(JSON.stringify(unique));
  if (rows.length !== unique.length) {
    const found = new Set(rows.map((r) => r.id));
    const missing = unique.filter((id) => !found.has(id));
    throw new HomingError('NOT_FOUND', `No message with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`, { missing: missing.length });
  }
  return rows;
}

/** The rows by account, in the order their accounts first appear. */
export function byAccount(rows: readonly ActionRow[]): Map<string, ActionRow[]> {
  const groups = new Map<string, ActionRow[]>();
  for (const row of rows) {
    const group = groups.get(row.accountId);
    if (group) group.push(row);
    else groups.set(row.accountId, [row]);
  }
  return groups;
}
