/**
 * Notices that this process did not run for a while: the computer slept, or the process was stopped
 * (SIGSTOP, a debugger, a suspended VM). A timer that ticks every `tickMs` looks at the wall clock; a tick
 * that comes more than `slackMs` late means time went by without us. Node's timers run on the monotonic
 * clock, which on Linux stands still while the computer sleeps: the IMAP session's NOOP timer (every few
 * minutes) then fires that many minutes after the wake-up, on an IDLE connection the sleep killed, and
 * nothing else notices. The app also hears the system's resume event (powerMonitor); `homing sync --watch`
 * and dev:web have none, and a stopped process gets none anywhere. Returns the function that stops it.
 */
export function watchForWake(onWake: (sleptMs: number) => void, options: { tickMs: number; slackMs: number; now?: () => number }): () => void {
  const now = options.now ?? (() => Date.now());
  let last = now();
  const timer = setInterval(() => {
    const at = now();
    const late = at - last - options.tickMs;
    last = at;
    if (late > options.slackMs) onWake(late);
  }, options.tickMs);
  // Never what keeps the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
