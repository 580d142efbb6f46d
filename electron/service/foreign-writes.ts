import { prepare, type ReadDb } from '../store/db';
import { latestUndo } from '../store/undo-log';
import { changedMessages, type MessageStates, readMessageStates } from './message-states';

/**
 * How often the store is looked at for another process's commits while this one follows it without
 * hearing its events. One `PRAGMA data_version` on the read connection: SQLite reads it from the WAL
 * index's header, no table is touched.
 */
export const FOREIGN_WRITES_POLL_MS = 1_000;
/** New messages named in one messagesChanged event (a pass of 10,000 from cron comes as several). */
const IDS_PER_EVENT = 1_000;
/**
 * Reading every message's state to compare (message-states.ts) is a scan of the messages table: 0.35-0.7 s
 * for 100,000 messages on a loaded two-core machine. After a read that took T, the next waits at least this
 * many times T, so a large store followed through a long pass costs the app's main thread 5% at most; the
 * commits meanwhile are told together. A hand-over's look (check) always reads.
 */
const STATE_READ_SPACING = 20;

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
 * Commits of a process that tells this one nothing: a holder that serves no command socket (a Homing
 * older than the socket, or from before every `homing` run served it: `homing sync` from cron, `homing
 * import`), one whose events this process does not hear yet (found, not yet connected), and what a holder
 * committed after its last event reached here (killed mid-pass). Without this the app following it heard
 * nothing and new mail did not show until something else made the window read again. SQLite's
 * data_version changes on a connection when another one has committed;
 * then this emits what the writer would have: the new messages by id (the lists and new-mail
 * notifications see them), the messages whose folder, flags, tags or body changed and those removed, by
 * id too (the reading pane's open message and the lists' rows read them again: the writer names them so),
 * every folder's messages as changed (counts), the outbox, drafts, identities, rules and undo log as
 * changed, and the accounts when their rows differ. The changed messages are found by comparing each
 * message's state with the last look's (message-states.ts); a look while the holder's own events are heard
 * (`quiet`) leaves that alone, so the next announcing look names those changes once more, which costs a
 * second read of those messages and nothing else.
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
  /** Every message's state at the last announcing look; dropped while this process writes. */
  let seenStates: MessageStates | null = null;
  let nextStateRead = 0;
  const readStates = () => {
    const started = performance.now();
    const states = readMessageStates(db);
    nextStateRead = Date.now() + STATE_READ_SPACING * (performance.now() - started);
    return states;
  };
  seenStates = readMessageStates(db);

  const look = (how: ForeignWritesMode, force = false) => {
    if (!db.sqlite.open) return;
    if (how === 'off') {
      seenStates = null;
      return;
    }
    const now = version();
    if (now === seenVersion) return;
    if (how === 'quiet') {
      seenVersion = now;
      seenId = highestId();
      seenAccounts = accountRows();
      return;
    }
    if (!force && Date.now() < nextStateRead) return;
    seenVersion = now;
    announce();
  };

  const announce = () => {
    const states = readStates();
    const changed = seenStates ? changedMessages(seenStates, states) : new Map<string, number[]>();
    seenStates = states;
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
    // A removed account's messages are named to nobody: its folders and lists are gone with it.
    for (const accountId of accountIds) {
      const folderIds = folders.get(accountId) ?? [];
      const ids = [...(changed.get(accountId) ?? []), ...(newIds.get(accountId) ?? [])];
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
    check: () => look('announce', true),
    stop: () => clearInterval(timer),
  };
}
