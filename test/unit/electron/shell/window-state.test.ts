import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE } from '../../../../electron/shell/limits';
import { initialWindowState, parseWindowState, type WindowState } from '../../../../electron/shell/window-state';
import { readWindowState, windowStatePath, writeWindowState } from '../../../../electron/shell/window-state-file';

const laptop = { x: 0, y: 0, width: 1440, height: 860 };
const monitorRight = { x: 1440, y: 0, width: 2560, height: 1400 };
const saved = (bounds: WindowState['bounds'], maximized = false): WindowState => ({ bounds, maximized, fullScreen: false });

describe('the remembered window', () => {
  it('opens centred at the default size on a first start', () => {
    const state = initialWindowState(null, [laptop], laptop);
    expect(state.bounds).toEqual({ x: 120, y: 30, ...DEFAULT_WINDOW_SIZE });
    expect(state.maximized).toBe(false);
  });

  it('opens where it was when that place is still on a screen', () => {
    const bounds = { x: 1600, y: 100, width: 1300, height: 900 };
    expect(initialWindowState(saved(bounds, true), [laptop, monitorRight], laptop)).toEqual(saved(bounds, true));
  });

  it('comes back to the primary screen when its monitor was unplugged', () => {
    const state = initialWindowState(saved({ x: 1600, y: 100, width: 1300, height: 900 }), [laptop], laptop);
    expect(state.bounds).toEqual({ x: 70, y: 0, width: 1300, height: 860 });
  });

  it('is pulled fully onto the screen it mostly overlaps, its title bar reachable', () => {
    const state = initialWindowState(saved({ x: -300, y: -50, width: 1000, height: 700 }), [laptop], laptop);
    expect(state.bounds).toEqual({ x: 0, y: 0, width: 1000, height: 700 });
  });

  it('shrinks to a smaller screen but never below the minimum size', () => {
    const small = { x: 0, y: 0, width: 1024, height: 600 };
    expect(initialWindowState(saved({ x: 0, y: 0, width: 3000, height: 2000 }), [small], small).bounds).toEqual(small);
    const tiny = initialWindowState(saved({ x: 10, y: 10, width: 200, height: 100 }), [laptop], laptop);
    expect(tiny.bounds).toMatchObject(MIN_WINDOW_SIZE);
  });

  it('treats a window that only grazes a screen as lost', () => {
    const state = initialWindowState(saved({ x: 1430, y: 0, width: 800, height: 600 }), [laptop], laptop);
    expect(state.bounds.x).toBeGreaterThanOrEqual(0);
    expect(state.bounds.x + state.bounds.width).toBeLessThanOrEqual(laptop.width);
  });

  it('ignores a damaged or foreign state file', () => {
    expect(parseWindowState(null)).toBeNull();
    expect(parseWindowState('{')).toBeNull();
    expect(parseWindowState('{"bounds":{"x":"0"}}')).toBeNull();
    expect(parseWindowState(JSON.stringify(saved({ x: 0, y: 0, width: 1e9, height: 10 })))).toBeNull();
    expect(parseWindowState(JSON.stringify(saved({ x: 5, y: 6, width: 700, height: 500 })))).toEqual(saved({ x: 5, y: 6, width: 700, height: 500 }));
  });

  it('is saved to and read back from the data directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-window-'));
    const path = windowStatePath(join(dir, 'not-yet-created'));
    expect(readWindowState(path)).toBeNull();
    writeWindowState(path, saved({ x: 1, y: 2, width: 800, height: 600 }, true));
    expect(readWindowState(path)).toEqual(saved({ x: 1, y: 2, width: 800, height: 600 }, true));
    writeFileSync(path, 'garbage');
    expect(readWindowState(path)).toBeNull();
    expect(readFileSync(path, 'utf8')).toBe('garbage');
  });
});
