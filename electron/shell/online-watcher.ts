import type { Clock } from './clock';
import { ONLINE_POLL_MS } from './limits';

/**
 * Reports when the network goes and comes back. Electron's main process has `net.isOnline()` but no
 * event, so it is polled; `false` is a reliable signal (no interface up), `true` only means "maybe".
 * Returns the function that stops it.
 */
export function watchOnline(isOnline: () => boolean, onChange: (online: boolean) => void, clock: Clock, intervalMs = ONLINE_POLL_MS): () => void {
  let last = isOnline();
  let timer: unknown = null;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const now = isOnline();
    if (now !== last) {
      last = now;
      onChange(now);
    }
    timer = clock.setTimeout(tick, intervalMs);
  };
  if (!last) onChange(false);
  timer = clock.setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    if (timer !== null) clock.clearTimeout(timer);
  };
}
