import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseWindowState, type WindowState } from './window-state';

export const windowStatePath = (dataDir: string) => join(dataDir, 'window-state.json');

/** The saved window state, or null (none yet, unreadable or damaged: the window then opens centred). */
export function readWindowState(path: string): WindowState | null {
  try {
    return parseWindowState(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Saves synchronously: the last save happens while the window closes, and the app may quit right after.
 * Write-then-rename, so a crash leaves the old file or the new one. Losing it is harmless, so errors
 * (a read-only profile) are ignored.
 */
export function writeWindowState(path: string, state: WindowState): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(state));
    renameSync(temp, path);
  } catch {
    // The window simply opens at its default place next time.
  }
}
