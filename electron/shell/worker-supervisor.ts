import type { Clock } from './clock';
import { WORKER_RESTART_BASE_MS, WORKER_RESTART_MAX_MS, WORKER_STABLE_AFTER_MS } from './limits';

/**
 * Keeps the sync worker alive and watching, as a state machine with no Electron in it.
 *
 * The service starts a new worker at its next command after one dies (openMailService's onWorkerExit);
 * this supervisor makes that command come on its own: `startWatching`, after a backoff that grows while
 * the worker keeps dying and starts over once one has run for a while. The worker's watch loops follow
 * account changes and reconnect with backoff by themselves (sync/account-watch.ts); what only the shell
 * knows is passed on: when the computer wakes up or the network comes back, every account reconnects at
 * once (its old connection is likely dead), and a worker that died meanwhile is restarted at once.
 */
export interface SupervisorDeps {
  /** Watches every account (the worker follows accounts added later); starts a worker when none runs. */
  startWatching(): Promise<void>;
  /** Every account drops its connection and reconnects now. */
  reconnect(reason: 'network' | 'resume'): Promise<void>;
  clock: Clock;
  /** For the log: what happened and why. */
  onEvent?(event: SupervisorEvent): void;
}

export type SupervisorEvent =
  | { type: 'started' }
  | { type: 'start-failed'; error: unknown }
  | { type: 'worker-died'; error: unknown; restartInMs: number | null }
  | { type: 'reconnecting'; reason: 'network' | 'resume' }
  | { type: 'stopped' };

/**
 * `running`: watching. `restarting`: the worker died or failed to start; a restart is scheduled (or, while
 * asleep or offline, waits for the wake-up). `stopped`: shut down for good.
 */
export type SupervisorState = 'idle' | 'running' | 'restarting' | 'stopped';

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
  /** Bumped on every start and stop, so the answer of an outdated start is ignored. */
  let generation = 0;

  const emit = (event: SupervisorEvent) => deps.onEvent?.(event);
  /** Restarting a worker while asleep or offline only fails; the wake-up does it at once instead. */
  const canRestart = () => !asleep && online;

  const cancelTimer = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  };

  const scheduleRestart = (): number | null => {
    cancelTimer();
    state = 'restarting';
    if (!canRestart()) return null;
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

  const wake = (reason: 'network' | 'resume') => {
    if (!canRestart()) return;
    if (state === 'restarting') {
      // Coming back from sleep or offline is not a failure of the worker: start over from the base delay.
      failures = 0;
      launch();
    } else if (state === 'running') {
      emit({ type: 'reconnecting', reason });
      void deps.reconnect(reason).catch(() => undefined);
    }
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
      if (!canRestart()) {
        state = 'restarting';
        return;
      }
      launch();
    },
    workerExited(error) {
      if (state === 'stopped' || state === 'idle') return;
      generation += 1;
      if (state === 'running' && clock.now() - startedAt >= WORKER_STABLE_AFTER_MS) failures = 0;
      const delay = scheduleRestart();
      emit({ type: 'worker-died', error, restartInMs: delay });
    },
    suspend() {
      asleep = true;
      // A scheduled restart would fire on wake-up anyway; resume() restarts at once instead.
      if (state === 'restarting') cancelTimer();
    },
    resume() {
      if (!asleep) return;
      asleep = false;
      wake('resume');
    },
    networkChanged(isOnline) {
      if (isOnline === online) return;
      online = isOnline;
      if (online) wake('network');
      else if (state === 'restarting') cancelTimer();
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
