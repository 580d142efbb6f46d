/**
 * Wraps a refresh so a burst of calls (a sync commits hundreds of times a second and each commit sends a
 * change event) runs it at most twice: once now and once after the current run, covering every call
 * made meanwhile. No timers, so nothing waits when nothing is busy.
 */
export function coalesce(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    task()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        if (again) run();
      });
  };
  return run;
}
