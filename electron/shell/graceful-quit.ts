import type { Clock } from './clock';

/**
 * Runs the shutdown steps (stop restarts, close the service: the worker finishes its current transaction,
 * then closes the database and releases the lock) and reports whether they finished within `graceMs`.
 * After the grace the app quits anyway: a worker killed mid-transaction leaves SQLite unchanged (the
 * transaction rolls back), so waiting longer only risks a hung quit. Errors count as finished: there is
 * nothing left to do about them at quit.
 */
export function closeWithin(close: () => Promise<void>, graceMs: number, clock: Clock): Promise<'closed' | 'timed-out'> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve('timed-out'), graceMs);
    close()
      .catch(() => undefined)
      .then(() => {
        clock.clearTimeout(timer);
        resolve('closed');
      });
  });
}

/**
 * The quit sequence as a small state machine, so `before-quit` can be held exactly once: the first quit
 * request is stopped and runs `shutdown`; when it is done, quitting again goes through.
 */
export function createQuitGate(shutdown: () => Promise<unknown>, quit: () => void) {
  let phase: 'running' | 'closing' | 'closed' = 'running';
  return {
    /** Call from `before-quit`; returns true when the quit must be held (preventDefault). */
    beforeQuit(): boolean {
      if (phase === 'closed') return false;
      if (phase === 'running') {
        phase = 'closing';
        void shutdown()
          .catch(() => undefined)
          .then(() => {
            phase = 'closed';
            quit();
          });
      }
      return true;
    },
    get phase() {
      return phase;
    },
  };
}
