import type { Unsubscribe } from '../../shared/contract';
import { type Envelope, type ErrorData, HomingError } from '../../shared/errors';

/**
 * A connection to the command socket of the process holding the data directory's writer lock, as
 * electron/command-socket/connect.ts makes one (the service knows it only by this shape).
 */
export interface HolderConnection {
  readonly pid: number;
  invoke(method: string, args: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: string, payload: unknown) => void): Unsubscribe;
  /** Settles with why the connection ended (WRITER_STOPPING: every call it took was answered). */
  readonly ended: Promise<ErrorData>;
  close(): void;
}

/** The lock's owner, as DATA_DIR_LOCKED names it. */
export interface LockHolder {
  pid: number;
  since?: string;
}

/** Connects to the holder's command socket, or says why not (in words for DATA_DIR_LOCKED's message). */
export type ReachHolder = (holder: LockHolder) => Promise<{ connection: HolderConnection } | { refusal: string }>;

/** How often the lock is looked at while the holder that said it is stopping still has it. */
const HANDOVER_POLL_MS = 150;
/** How often the lock is looked at while a holder serves no socket (an older Homing, one on another computer). */
const ELSEWHERE_POLL_MS = 1_000;
/** After this long, a holder whose connection ended but which still holds the lock is connected to again. */
const HANDOVER_RECONNECT_MS = 3_000;
/**
 * How often a holder that served no socket when it was looked for is looked for again: its record may
 * come later than connect.ts waits for a new writer's (a watch process started with the app at login, its
 * worker slow to start on a loaded machine). Reading the record costs one small file.
 */
const ELSEWHERE_RECONNECT_MS = 5_000;
/**
 * How long a command waits for the writer to change hands (the holder stopping: its service closes its
 * connections, ~5 s at most, then the lock is free) before it is DATA_DIR_LOCKED.
 */
export const HANDOVER_WAIT_MS = 30_000;

type State =
  | { kind: 'unknown' }
  | { kind: 'local' }
  | { kind: 'remote'; connection: HolderConnection }
  /** The holder's connection ended; waiting for its lock to be free (or for it to answer again). */
  | { kind: 'handover'; pid: number; since: number; reached: number; error: HomingError }
  /** Another process holds the lock and takes no commands: they fail with this error. */
  | { kind: 'elsewhere'; pid: number; error: HomingError; reached: number }
  | { kind: 'closed' };

export interface WriterRouteDeps {
  /** Takes the lock and starts the local writer, or throws (DATA_DIR_LOCKED with the holder's pid). */
  takeLocal(): Promise<{ call(method: string, args: unknown): Promise<unknown> }>;
  /** The local writer when it runs. */
  local(): { call(method: string, args: unknown): Promise<unknown> } | null;
  reachHolder: ReachHolder;
  /** An event of the holder's service (validated by the caller, as the worker's are). */
  onHolderEvent(event: string, payload: unknown): void;
  /** This process became the writer after another one held the directory. */
  onTakenOver(): void;
}

export interface WriterRoute {
  /** Runs a command on whichever writer there is: this process's, or the holder's over its socket. */
  call(method: string, args: unknown): Promise<unknown>;
  /**
   * Settles once it is known who writes: true when this process does, false when another one does (and
   * this one follows it, taking over when it goes).
   */
  settle(): Promise<boolean>;
  /** Another process writes and this one hears its events over its command socket. */
  hearsHolder(): boolean;
  close(): void;
}

/**
 * The writer as the app sees it when another Homing process (`homing sync --watch`, another dev:web, a
 * `homing sync` from cron in the middle of a long pass) may hold the data directory. Commands run on the local writer when this process can take the lock; while
 * another process holds it and serves the command socket, they are handed to it there (its `dispatch`
 * gate checks them again; its answer, errors and events come back as the local writer's would), and its
 * events are followed from the moment it is found, so what it writes reaches this process's listeners.
 * When it goes, the lock is taken here: a command it did not carry out (answered WRITER_STOPPING, or sent
 * after its bye) waits for that and runs here, once; one it may have carried out when it died without a
 * word is WRITER_LOST, never run again.
 */
export function createWriterRoute(deps: WriterRouteDeps): WriterRoute {
  let state: State = { kind: 'unknown' };
  let following: Promise<void> | null = null;
  let changed: () => void = () => undefined;
  let change = new Promise<void>((resolve) => (changed = resolve));
  let stopEvents: Unsubscribe | null = null;

  const setState = (next: State) => {
    state = next;
    const wake = changed;
    change = new Promise<void>((resolve) => (changed = resolve));
    wake();
  };
  const sleep = (ms: number) =>
    Promise.race([new Promise<void>((resolve) => setTimeout(resolve, ms).unref()), change]);

  const follow = (): Promise<void> =>
    (following ??= (async () => {
      try {
        while (state.kind !== 'closed' && state.kind !== 'local') {
          const current: State = state;
          if (current.kind === 'remote') {
            const why = await current.connection.ended;
            stopEvents?.();
            stopEvents = null;
            if (state !== current) continue;
            const now = Date.now();
            setState({ kind: 'handover', pid: current.connection.pid, since: now, reached: now, error: HomingError.fromData(why) });
            continue;
          }
          let holder: LockHolder;
          let locked: HomingError;
          try {
            await deps.takeLocal();
            if ((state as State).kind === 'closed') return;
            setState({ kind: 'local' });
            if (current.kind !== 'unknown') deps.onTakenOver();
            return;
          } catch (error) {
            const found = lockHolder(error);
            if (!found) {
              // Not a lock held by another process (a full disk, a damaged store): said to commands, tried again.
              setState({ kind: 'elsewhere', pid: 0, error: error instanceof HomingError ? error : new HomingError('INTERNAL', String(error)), reached: Date.now() });
              await sleep(ELSEWHERE_POLL_MS);
              continue;
            }
            holder = found;
            locked = error as HomingError;
          }
          const now = Date.now();
          if (current.kind === 'elsewhere' && current.pid === holder.pid && now - current.reached < ELSEWHERE_RECONNECT_MS) {
            await sleep(ELSEWHERE_POLL_MS);
            continue;
          }
          const sameHolder = current.kind === 'handover' && current.pid === holder.pid;
          if (sameHolder && now - current.reached < HANDOVER_RECONNECT_MS) {
            await sleep(HANDOVER_POLL_MS);
            continue;
          }
          if (sameHolder) current.reached = now;
          const link = await deps.reachHolder(holder);
          if ((state as State).kind === 'closed') {
            if ('connection' in link) link.connection.close();
            return;
          }
          if ('connection' in link) {
            await connectTo(link.connection);
            continue;
          }
          if (sameHolder && now - current.since < HANDOVER_WAIT_MS) {
            // Stopping (its record is gone already): its lock is free in a moment.
            await sleep(HANDOVER_POLL_MS);
            continue;
          }
          if (current.kind === 'elsewhere' && current.pid === holder.pid) {
            // Still no socket: looked for again later, without waking the commands that wait on a change.
            current.reached = now;
            await sleep(ELSEWHERE_POLL_MS);
            continue;
          }
          setState({ kind: 'elsewhere', pid: holder.pid, error: new HomingError('DATA_DIR_LOCKED', `${locked.message} ${link.refusal}`, locked.detail), reached: now });
          await sleep(ELSEWHERE_POLL_MS);
        }
      } finally {
        following = null;
      }
    })());

  /** Follows the holder's events first, then reads its sync statuses, then hands it commands. */
  const connectTo = async (connection: HolderConnection) => {
    const heard = new Set<string>();
    stopEvents = connection.subscribe((event, payload) => {
      if (event === 'syncProgressed') heard.add((payload as { accountId?: string }).accountId ?? '');
      deps.onHolderEvent(event, payload);
    });
    setState({ kind: 'remote', connection });
    const snapshot = await connection.invoke('getSyncStatus', {});
    if (snapshot.ok && Array.isArray(snapshot.value)) {
      // A status that came as an event while the snapshot was on its way is newer: kept.
      for (const status of snapshot.value as Array<{ accountId?: string }>) {
        if (!heard.has(status.accountId ?? '')) deps.onHolderEvent('syncProgressed', status);
      }
    }
  };

  /** Waits for the next change of state, or throws `error` once `deadline` has passed. */
  const waitForChange = async (deadline: number, error: HomingError) => {
    const left = deadline - Date.now();
    if (left <= 0) throw error;
    void follow();
    await Promise.race([change, new Promise((resolve) => setTimeout(resolve, left).unref())]);
  };

  return {
    async call(method, args) {
      const deadline = Date.now() + HANDOVER_WAIT_MS;
      for (;;) {
        const local = deps.local();
        if (local) return local.call(method, args);
        const current = state;
        switch (current.kind) {
          case 'closed':
            throw new HomingError('CANCELLED', 'The mail service is closed.');
          case 'remote': {
            const answer = await current.connection.invoke(method, args);
            if (answer.ok) return answer.value;
            // Not carried out: the holder is going; this runs on the next writer, here or elsewhere.
            if (answer.error.code === 'WRITER_STOPPING') {
              await waitForChange(deadline, HomingError.fromData(answer.error));
              continue;
            }
            throw HomingError.fromData(answer.error);
          }
          case 'elsewhere':
            throw current.error;
          case 'handover':
            await waitForChange(deadline, new HomingError('DATA_DIR_LOCKED', `${current.error.message} Homing could not take over the mail folder from it in time.`, { pid: current.pid }));
            continue;
          case 'local':
            // The worker died; the lock is still this process's, so a new one starts.
            return (await deps.takeLocal()).call(method, args);
          case 'unknown': {
            const next = change;
            void follow();
            await next;
            continue;
          }
        }
      }
    },
    async settle() {
      for (;;) {
        if (deps.local() || state.kind === 'local') return true;
        if (state.kind === 'remote' || state.kind === 'elsewhere' || state.kind === 'handover') return false;
        if (state.kind === 'closed') return false;
        await Promise.race([follow(), change]);
      }
    },
    hearsHolder() {
      return state.kind === 'remote';
    },
    close() {
      const current = state;
      setState({ kind: 'closed' });
      stopEvents?.();
      stopEvents = null;
      if (current.kind === 'remote') current.connection.close();
    },
  };
}

function lockHolder(error: unknown): LockHolder | null {
  if (!(error instanceof HomingError) || error.code !== 'DATA_DIR_LOCKED') return null;
  const pid = error.detail?.pid;
  if (typeof pid !== 'number') return null;
  const since = error.detail?.since;
  return { pid, ...(typeof since === 'string' ? { since } : {}) };
}
