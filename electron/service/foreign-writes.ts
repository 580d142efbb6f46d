import { prepare, type ReadDb } from '../store/db';
import { latestUndo } from '../store/undo-log';

/**
 * How often the store is looked at for another process's commits while this one follows it without
 * hearing its events. One `PRAGMA data_version` on the read connection: SQLite reads it from the WAL
 * index's header, no table is touched.
 */
export const FOREIGN_WRITES_POLL_MS = 1_000;
/** New messages named in one messagesChanged event (a pass of 10,000 from cron comes as several). */
const IDS_PER_EVENT = 1_000;

/**
 * What a look does: tell this process's listeners what changed (`announce`), only move the mark (`quiet`:
 * the holder's own events, over its command socket, say it), or nothing (`off`: this process writes).
 */
export type ForeignWritesMode = 'announce' | 'quiet' | 'off';

export interface ForeignWrites {
  /** Looks now and announces (the writer just changed hands: the last commits may have gone untold). */
  check(): void;
  stop(): void;
}

/**
 * Commits of a process that tells this one nothing: `homing sync` from cron or `homing import` hold the
 * data directory while they write and serve no command socket (neither does a Homing older than the
 * socket), so the app following them heard nothing and new mail did not show until something else made
 * the window read again. SQLite's data_version changes on a connection when another one has committed;
 * then this emits what the writer would have, as far as the store can say: the new messages by id (the
 * lists and new-mail notifications see them), every folder's messages as changed (counts, flags and
 * removals are not marked anywhere in the rows), the outbox, drafts, identities, rules and undo log as
 * changed, and the accounts when their rows differ.
 */
export function followForeignWrites(
  db: ReadDb,
  emit: (event: string, payload: unknown) => void,
  mode: () => ForeignWritesMode,
  intervalMs = FOREIGN_WRITES_POLL_MS,
): ForeignWrites {
  const version = () => db.sqlite.pragma('data_version', { simple: true }) as number;
  const highestId = () => prepare<[], { id: number | null }>(db, 'SELECT max(id) AS id FROM messages').get()?.id ?? 0;
  const accountRows = () => JSON.stringify(prepare(db, 'SELECT * FROM accounts ORDER BY id').all());
  let seenVersion = version();
  let seenId = highestId();
  let seenAccounts = accountRows();

  const look = (how: ForeignWritesMode) => {
    if (how === 'off' || !db.sqlite.open) return;
    const now = version();
    if (now === seenVersion) return;
    seenVersion = now;
    if (how === 'quiet') {
      seenId = highestId();
      seenAccounts = accountRows();
      return;
    }
    announce();
  };

  const announce = () => {
    const added = prepare<[number], { id: number; account_id: string }>(db, 'SELECT id, account_id FROM messages WHERE id > ? ORDER BY id').all(seenId);
    if (added.length > 0) seenId = added[added.length - 1]!.id;
    const accounts = accountRows();
    const accountIds = prepare<[], { id: string }>(db, 'SELECT id FROM accounts ORDER BY id').all().map((a) => a.id);
    if (accounts !== seenAccounts) emit('accountsChanged', { accountIds });
    seenAccounts = accounts;
    const folders = new Map<string, number[]>(accountIds.map((id) => [id, []]));
    for (const f of prepare<[], { id: number; account_id: string }>(db, 'SELECT id, account_id FROM folders ORDER BY id').all()) folders.get(f.account_id)?.push(f.id);
    const newIds = new Map<string, number[]>();
    for (const m of added) {
      const list = newIds.get(m.account_id) ?? [];
      list.push(m.id);
      newIds.set(m.account_id, list);
    }
    for (const accountId of accountIds) {
      const folderIds = folders.get(accountId) ?? [];
      const ids = newIds.get(accountId) ?? [];
      for (let i = 0; i === 0 || i < ids.length; i += IDS_PER_EVENT) {
        emit('messagesChanged', { accountId, folderIds, messageIds: ids.slice(i, i + IDS_PER_EVENT) });
      }
      emit('outboxChanged', { accountId, ids: [] });
      emit('draftsChanged', { accountId, ids: [] });
      emit('identitiesChanged', { accountId });
    }
    emit('rulesChanged', {});
    emit('undoLogChanged', { latest: latestUndo(db)?.entry ?? null });
  };

  const timer = setInterval(() => look(mode()), intervalMs);
  timer.unref();
  return {
    check: () => look('announce'),
    stop: () => clearInterval(timer),
  };
}
