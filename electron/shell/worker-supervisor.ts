import type { Clock } from './clock';
import { WORKER_RESTART_BASE_MS, WORKER_RESTART_MAX_MS, WORKER_STABLE_AFTER_MS } from './limits';

/**
 * Keeps the sync worker alive and watching, as a state machine with no Electron in it.
 *
 * The service starts a new worker at its next command after one dies (openMailService's onWorkerExit);
 * this supervisor makes that command come on its own: `startWatching`, after a backoff that grows while
 * the worker keeps dying and starts over once one has run for a while. It also stops watching while the
 * computer sleeps or the network is gone (connections would only fail and back off) and starts again,
 * at once, on resume and when the network returns — which is also how stale IDLE connections are replaced
 * after a sleep.
 */
export interface SupervisorDeps {
  /** Starts (or restarts) every account's watch loop; starts a worker when none runs. */
  startWatching(): Promise<void>;
  /** Stops the watch loops; the worker stays up. */
  stopWatching(): Promise<void>;
  clock: Clock;
  /** For the log: what happened and why. */
  onEvent?(event: SupervisorEvent): void;
}

export type SupervisorEvent =
  | { type: 'started' }
  | { type: 'start-failed'; error: unknown }
  | { type: 'worker-died'; error: unknown; restartInMs: number | null }
  | { type: 'paused'; reason: 'suspend' | 'offline' }
  | { type: 'stopped' };

/**
 * `running`: watching. `restarting`: the worker died or failed to start; a restart is scheduled.
 * `paused`: asleep or offline. `stopped`: shut down for good.
 */
export type SupervisorState = 'idle' | 'running' | 'restarting' | 'paused' | 'stopped';

/** Restart delay after `attempt` consecutive failures: 1 s, 2 s, 4 s … up to 5 min. No jitter: one local worker. */
export function restartDelay(attempt: number): number {
  return Math.min(WORKER_RESTART_MAX_MS, WORKER_RESTART_BASE_MS * 2 ** Math.min(Math.max(attempt, 0), 20));
}

export interface WorkerSupervisor {
  readonly state: SupervisorState;
  /** Consecutive failed starts or early deaths (the backoff exponent). */
  readonly failures: number;
  start(): void;
  /** The hook for openMailService's onWorkerExit. */
  workerExited(error: unknown): void;
  suspend(): void;
  resume(): void;
  networkChanged(online: boolean): void;
  /**
   * Accounts were added, changed or removed: restart the watch loops so they cover exactly the current
   * accounts (the worker watches the accounts it was told about when watching started).
   */
  accountsChanged(): void;
  /** No more restarts; the caller then closes the service (which lets the running transaction finish). */
  stop(): void;
}

export function createWorkerSupervisor(deps: SupervisorDeps): WorkerSupervisor {
  const { clock } = deps;
  let state: SupervisorState = 'idle';
  let failures = 0;
  let asleep = false;
  let online = true;
  let timer: unknown = null;
  let startedAt = 0;
  /** Bumped on every transition, so the answer of an outdated start or stop is ignored. */
  let generation = 0;

  const emit = (event: SupervisorEvent) => deps.onEvent?.(event);
  const wanted = () => state !== 'stopped' && state !== 'idle' && !asleep && online;

  const cancelTimer = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  };

  const scheduleRestart = () => {
    cancelTimer();
    state = 'restarting';
    const delay = restartDelay(failures);
    failures += 1;
    timer = clock.setTimeout(() => {
      timer = null;
      launch();
    }, delay);
    return delay;
  };

  const launch = () => {
    cancelTimer();
    const mine = ++generation;
    state = 'running';
    startedAt = clock.now();
    deps.startWatching().then(
      () => {
        if (mine === generation && state === 'running') emit({ type: 'started' });
      },
      (error: unknown) => {
        if (mine !== generation || state !== 'running') return;
        emit({ type: 'start-failed', error });
        scheduleRestart();
      },
    );
  };

  const pause = (reason: 'suspend' | 'offline') => {
    if (state === 'stopped' || state === 'idle' || state === 'paused') return;
    cancelTimer();
    const wasRunning = state === 'running';
    generation += 1;
    state = 'paused';
    emit({ type: 'paused', reason });
    // Only a live worker is told to stop: a command would start a dead one just to stop it.
    if (wasRunning) void deps.stopWatching().catch(() => undefined);
  };

  const wake = () => {
    if (state !== 'paused' || !wanted()) return;
    // Coming back from sleep or offline is not a failure of the worker: start over from the base delay.
    failures = 0;
    launch();
  };

  return {
    get state() {
      return state;
    },
    get failures() {
      return failures;
    },
    start() {
      if (state !== 'idle') return;
      state = 'running';
      if (asleep || !online) {
        state = 'paused';
        return;
      }
      launch();
    },
    workerExited(error) {
      if (state === 'stopped' || state === 'idle') return;
      if (state === 'paused') {
        // Asleep or offline: the next wake-up starts a new worker anyway.
        emit({ type: 'worker-died', error, restartInMs: null });
        return;
      }
      generation += 1;
      if (state === 'running' && clock.now() - startedAt >= WORKER_STABLE_AFTER_MS) failures = 0;
      const delay = scheduleRestart();
      emit({ type: 'worker-died', error, restartInMs: delay });
    },
    suspend() {
      asleep = true;
      pause('suspend');
    },
    resume() {
      asleep = false;
      wake();
    },
    networkChanged(isOnline) {
      if (isOnline === online) return;
      online = isOnline;
      if (online) wake();
      else pause('offline');
    },
    accountsChanged() {
      // Restarting or paused: the next start reads the accounts afresh anyway.
      if (state === 'running') launch();
    },
    stop() {
      if (state === 'stopped') return;
      cancelTimer();
      generation += 1;
      state = 'stopped';
      emit({ type: 'stopped' });
    },
  };
}
