import type { BrowserWindow } from 'electron';
import { systemClock } from './clock';

/**
 * What the window shows on a fresh data directory, the proof the whole app came up: the first-run
 * heading of renderer/components/Welcome.tsx (and the older "No accounts yet" of the first renderer).
 */
export const EMPTY_STATE_HEADINGS = ['Welcome to Homing', 'No accounts yet'];
/** A packaged app on a cold CI runner takes a few seconds; anything near this is a hang. */
const SMOKE_TIMEOUT_MS = 60_000;
const POLL_MS = 250;

/** Whether the page text shows that the service answered the renderer (the empty state on a fresh profile). */
export const smokePassed = (pageText: string) => EMPTY_STATE_HEADINGS.some((heading) => pageText.includes(heading));

/**
 * `HOMING_SMOKE_CHECK=1` (build/smoke-packaged.mjs, in the release workflow): wait until the window shows
 * the empty state, then report and quit. It proves a packaged installer's app starts with its fuses,
 * asar, native SQLite module and sync worker, which Playwright cannot drive (the inspect fuse is off).
 * Resolves true when it passed.
 */
export function runSmokeCheck(window: BrowserWindow): Promise<boolean> {
  const started = systemClock.now();
  return new Promise((resolve) => {
    const poll = () => {
      if (window.isDestroyed()) return resolve(false);
      window.webContents.executeJavaScript('document.body ? document.body.innerText : ""').then(
        (text: unknown) => {
          if (typeof text === 'string' && smokePassed(text)) return resolve(true);
          if (systemClock.now() - started > SMOKE_TIMEOUT_MS) return resolve(false);
          systemClock.setTimeout(poll, POLL_MS);
        },
        () => resolve(false),
      );
    };
    poll();
  });
}
