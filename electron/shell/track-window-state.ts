import type { BrowserWindow, Screen } from 'electron';
import { systemClock } from './clock';
import { WINDOW_STATE_SAVE_DELAY_MS } from './limits';
import { initialWindowState, type WindowState } from './window-state';
import { readWindowState, writeWindowState } from './window-state-file';

/** Where and how big the window opens, from the saved state fitted to today's screens. */
export function restoreWindowState(path: string, screen: Screen): WindowState {
  return initialWindowState(
    readWindowState(path),
    screen.getAllDisplays().map((display) => display.workArea),
    screen.getPrimaryDisplay().workArea,
  );
}

/**
 * Saves the window's state when it settles after a move or resize, as it closes, and when tracking stops.
 * The normal bounds are saved even while maximized, so un-maximizing next time lands where it should.
 */
export function trackWindowState(window: BrowserWindow, path: string): () => void {
  let timer: unknown = null;
  const save = () => {
    systemClock.clearTimeout(timer);
    timer = null;
    if (window.isDestroyed()) return;
    writeWindowState(path, { bounds: window.getNormalBounds(), maximized: window.isMaximized(), fullScreen: window.isFullScreen() });
  };
  const later = () => {
    systemClock.clearTimeout(timer);
    timer = systemClock.setTimeout(save, WINDOW_STATE_SAVE_DELAY_MS);
  };
  const events = ['resize', 'move', 'maximize', 'unmaximize', 'enter-full-screen', 'leave-full-screen'] as const;
  for (const name of events) window.on(name as 'resize', later);
  window.on('close', save);
  // Stopping saves once more: quitting from the menu holds the quit (graceful-quit.ts) and stops the
  // tracking before Electron closes the window, so its 'close' would come too late.
  return () => {
    save();
    for (const name of events) window.off(name as 'resize', later);
    window.off('close', save);
  };
}
