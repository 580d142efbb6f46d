import type { FolderRow } from '../../store/folders';
import { copyMessageRow } from '../../store/message-copy';
import type { ActionRow, Copied, PlanContext } from '../engine';

/**
 * Copy where the folders are kept here only (POP3, Local Folders): one copy row in `target` per message,
 * with the original's stored bytes; nothing for a server to do. A message already in `target` is not
 * copied into it again.
 */
export function copyLocally(plan: PlanContext, rows: readonly ActionRow[], target: FolderRow): Copied {
  const copyIds = rows.filter((r) => r.folderId !== target.id).map((r) => copyMessageRow(plan.db, plan.changes, r, target.id));
  return { copyIds, queued: false };
}
