import { existsSync } from 'node:fs';
import {
  type CommandName,
  commandNames,
  contract,
  type EventName,
  type EventPayload,
  isEventName,
  type MailService,
  isDesktopEvent,
  type MethodHandlers,
  type QueryName,
} from '../../shared/contract';
import { syncStatusSchema, type SyncStatus } from '../../shared/contract/sync';
import { HomingError } from '../../shared/errors';
import type { CredentialVault } from '../accounts/vault';
import { dbPathOf } from '../store/data-dir';
import type { ReadDb } from '../store/db';
import { latestVersion } from '../store/migrations/all';
import { closeDb, openReadDb } from '../store/open';
import { makeDataDirPrivate } from '../store/private-data-dir';
import { acquireWriterLock } from '../store/writer-lock';
import { startWorker, type WorkerClient } from '../sync/worker-client';
import type { WorkerInit } from '../sync/worker-protocol';
import { createAccountQueries } from './account-queries';
import { createAppQueries } from './app-queries';
import { createContactQueries } from './contact-queries';
import { createMessageQueries } from './message-queries';
import { createOrganiseQueries } from './organise-queries';
import { createOutgoingQueries } from './outgoing-queries';
import { createRuleQueries } from './rule-queries';
import type { QueryContext } from './query-context';
import { createSyncQueries } from './sync-queries';
import { type ForeignWrites, followForeignWrites } from './foreign-writes';
import { createWriterRoute, type ReachHolder, type WriterRoute } from './writer-route';

export interface MailServiceOptions {
  dataDir: string;
  vault: CredentialVault;
  /** The bundled worker script (dist/node/worker.cjs). */
  workerPath: string;
  /** better-sqlite3 binding for a non-Node runtime (the Electron shell passes its own). */
  nativeBinding?: string;
  /**
   * Start the writer at once (the app: it syncs) instead of at the first command (the CLI: reading
   * commands then work while the app holds the data directory).
   */
  startWriter?: boolean;
  /** Called when the worker dies unexpectedly; the next command starts a new one. */
  onWorkerExit?(error: Error): void;
  /** Something the user should know that is not an error (the data directory was tightened); default: stderr. */
  onNote?(text: string): void;
  /** Shorter watch timings (electron/sync/watch-policy.ts) for tests and the soak benchmark. */
  watchTiming?: WorkerInit['watchTiming'];
  /**
   * How to reach the process holding the data directory (electron/command-socket/connect.ts), for a
   * service that follows it rather than failing with DATA_DIR_LOCKED (the app, dev:web): commands are
   * handed to it, its events come here, and this process takes the writer over when it goes
   * (writer-route.ts). Without it (the CLI, which forwards whole command lines itself), a command while
   * another process holds the directory is DATA_DIR_LOCKED.
   */
  reachHolder?: ReachHolder;
}

export interface MailServiceHandle {
  readonly service: MailService;
  /**
   * Settles once this process holds the data directory's writer lock with its worker running (at open
   * with `startWriter`, else at the first command that gets it); the lock is then kept until close().
   * The command socket (electron/command-socket) is served from then on. Never settles if the lock is
   * never taken.
   */
  readonly writerLocked: Promise<void>;
  close(): Promise<void>;
  /**
   * What the shell's supervisor calls (shell/keep-watching.ts): every account watched, by this process's
   * writer, or, while another process holds the data directory (with `reachHolder`), by that one; this
   * one then watches from the moment it takes the writer over.
   */
  keepWatching(): Promise<void>;
  /**
   * Ends the sync worker thread at once, as a crash would (no clean close; the last commit is durable):
   * how the tests make the worker die in a running app. onWorkerExit is called as for any death.
   */
  killWorker(): Promise<void>;
}

/**
 * MailService, transport-agnostic: queries run here on a read-only connection; commands go to the
 * single writer (the sync worker), started on demand under the data directory's lock.
 */
export async function openMailService(options: MailServiceOptions): Promise<MailServiceHandle> {
  const { dataDir } = options;
  makeDataDirPrivate(dataDir, options.onNote ?? ((text) => process.stderr.write(`homing: note: ${text}\n`)));
  const dbPath = dbPathOf(dataDir);
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const syncStatus = new Map<string, SyncStatus>();
  let writer: WorkerClient | null = null;
  let writerStarting: Promise<WorkerClient> | null = null;
  let releaseLock: (() => void) | null = null;
  let closed = false;
  let markLocked: () => void = () => undefined;
  const writerLocked = new Promise<void>((resolve) => (markLocked = resolve));

  const emit = (event: string, payload: unknown) => {
    if (!isEventName(event)) return;
    const parsed = contract.events[event].payload.safeParse(payload);
    if (!parsed.success) return; // The worker is ours; a malformed event is a bug, not something to forward.
    if (event === 'syncProgressed') {
      const status = syncStatusSchema.parse(parsed.data);
      syncStatus.set(status.accountId, status);
    }
    for (const listener of listeners.get(event) ?? []) (listener as (p: unknown) => void)(parsed.data);
  };

  const ensureWriter = (): Promise<WorkerClient> => {
    if (closed) return Promise.reject(new HomingError('CANCELLED', 'The mail service is closed.'));
    if (writer) return Promise.resolve(writer);
    if (!writerStarting) {
      const starting = (async () => {
        releaseLock ??= acquireWriterLock(dataDir);
        try {
          const client = await startWorker({
            workerPath: options.workerPath,
            dataDir,
            dbPath,
            ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
            ...(options.watchTiming ? { watchTiming: options.watchTiming } : {}),
            vault: options.vault,
            onEvent: emit,
            onExit: (error) => {
              writer = null;
              options.onWorkerExit?.(HomingError.fromData(error));
            },
          });
          writer = client;
          markLocked();
          return client;
        } catch (error) {
          releaseLock?.();
          releaseLock = null;
          throw error;
        }
      })();
      // Forgotten once settled, from outside the function: a lock refused at once (held by another process)
      // settles before the assignment below, and an inner `finally` would run before it too, so the
      // refusal was kept and every later try got it again, long after the other process had gone.
      writerStarting = starting;
      const forget = () => {
        if (writerStarting === starting) writerStarting = null;
      };
      starting.then(forget, forget);
    }
    return writerStarting;
  };

  // The read connection needs a migrated database: only the writer creates or migrates one.
  const version = storeVersion(dbPath);
  if (options.startWriter || version !== latestVersion) {
    try {
      await ensureWriter();
    } catch (error) {
      const locked = error instanceof HomingError && error.code === 'DATA_DIR_LOCKED';
      if (locked && version !== null && version < latestVersion) throw olderStoreHeld(error, dataDir, version);
      // Another process holds a store at this version: read it, and follow that process (below).
      if (!(locked && options.reachHolder && version === latestVersion)) throw error;
    }
  }
  let db: ReadDb;
  try {
    db = openReadDb(dbPath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (error) {
    // `writer` and `releaseLock` are set inside ensureWriter's closure.
    await (writer as WorkerClient | null)?.close();
    (releaseLock as (() => void) | null)?.();
    throw error;
  }

  /** Set when this service follows another process that holds the data directory (options.reachHolder). */
  let route: WriterRoute | null = null;
  /** The shell asked for every account to be watched (keepWatching): done here once this process writes. */
  let watchWanted = false;
  /** While another process writes: its commits, told to this process's listeners when it does not tell them. */
  let foreign: ForeignWrites | null = null;
  if (options.reachHolder) {
    route = createWriterRoute({
      takeLocal: ensureWriter,
      local: () => writer,
      reachHolder: options.reachHolder,
      // Checked against the contract as the worker's are; the shell's own events never come from a holder.
      onHolderEvent: (event, payload) => {
        if (!isDesktopEvent(event)) emit(event, payload);
      },
      onTakenOver: () => {
        // What the last holder committed and never said (a pass from cron, a holder killed mid-event).
        foreign?.check();
        if (watchWanted) void ensureWriter().then((client) => client.call('startWatching', {})).catch(() => undefined);
      },
    });
  }
  // Found and followed at once, so that its events (new mail it syncs) reach this process's listeners.
  if (route && !writer) {
    const followed = route;
    foreign = followForeignWrites(db, emit, () => (releaseLock !== null || closed ? 'off' : followed.hearsHolder() ? 'quiet' : 'announce'));
    void route.settle();
  }
  const runCommand = async (name: string, args: unknown): Promise<unknown> =>
    route ? route.call(name, args) : (await ensureWriter()).call(name, args);

  const ctx: QueryContext = {
    db,
    dataDir,
    vault: options.vault,
    writable: () => releaseLock !== null,
    syncStatus,
    completeMessage: async (id) => {
      await runCommand('completeMessage', { id });
    },
  };
  const queries: MethodHandlers<QueryName> = {
    ...createAppQueries(ctx),
    ...createAccountQueries(ctx),
    ...createMessageQueries(ctx),
    ...createOrganiseQueries(ctx),
    ...createSyncQueries(ctx),
    ...createOutgoingQueries(ctx),
    ...createContactQueries(ctx),
    ...createRuleQueries(ctx),
  };
  const commands = Object.fromEntries(commandNames.map((name) => [name, (args: unknown) => runCommand(name, args)])) as MethodHandlers<CommandName>;

  const service: MailService = {
    ...queries,
    ...commands,
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };

  return {
    service,
    writerLocked,
    async keepWatching() {
      watchWanted = true;
      if (route && !(await route.settle())) return; // the holder watches; this process does once it takes over
      await (await ensureWriter()).call('startWatching', {});
    },
    async close() {
      if (closed) return;
      closed = true;
      foreign?.stop();
      route?.close();
      await writerStarting?.catch(() => undefined);
      await writer?.close();
      writer = null;
      closeDb(db);
      releaseLock?.();
      releaseLock = null;
      listeners.clear();
    },
    async killWorker() {
      await writer?.kill();
    },
  };
}

/**
 * The database's schema version, or null when there is none to read (no file yet, or one that does not
 * open: the writer says why). A database written by a newer Homing is DATABASE_TOO_NEW.
 */
function storeVersion(dbPath: string): number | null {
  if (!existsSync(dbPath)) return null;
  try {
    const db = openReadDb(dbPath);
    try {
      return db.sqlite.pragma('user_version', { simple: true }) as number;
    } finally {
      closeDb(db);
    }
  } catch (error) {
    if (error instanceof HomingError && error.code === 'DATABASE_TOO_NEW') throw error;
    return null;
  }
}

/**
 * The store was written by an older Homing that still runs and holds it (the app left open across an
 * update of the package): this one can neither read it before updating it nor update it while the other
 * writes, so reading does not work here either, whatever the usual DATA_DIR_LOCKED says.
 */
function olderStoreHeld(locked: HomingError, dataDir: string, version: number): HomingError {
  const pid = (locked.detail as { pid?: unknown } | undefined)?.pid;
  return new HomingError(
    'DATA_DIR_LOCKED',
    `The mail store in ${dataDir} is from an older Homing (store version ${version}; this one uses ${latestVersion}), ` +
      `and that Homing is still running${typeof pid === 'number' ? ` (pid ${pid})` : ''}. This Homing updates the store before it reads it, ` +
      'which it can do only once the other one has quit.',
    { ...(locked.detail as object | undefined), storeVersion: version, latestVersion },
  );
}
