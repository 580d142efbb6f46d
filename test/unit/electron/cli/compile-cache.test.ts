import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCacheDir, enableCompileCache } from '../../../../electron/cli/compile-cache';

describe('the CLI’s compile cache', () => {
  it('is turned on in the user’s own cache folder when the runtime has module.enableCompileCache', () => {
    const calls: Array<string | undefined> = [];
    const on = enableCompileCache({ enableCompileCache: (dir) => calls.push(dir) }, { XDG_CACHE_HOME: '/home/u/.cache' });
    expect(on).toBe(true);
    expect(calls).toEqual([process.platform === 'linux' ? '/home/u/.cache/Homing/compile-cache' : compileCacheDir({ XDG_CACHE_HOME: '/home/u/.cache' })]);
  });

  it('is skipped on a runtime without it (Node 20), and a failing call is never fatal', () => {
    expect(enableCompileCache({}, {})).toBe(false);
    const failing = () => {
      throw new Error('EACCES');
    };
    expect(enableCompileCache({ enableCompileCache: failing }, {})).toBe(false);
  });

  it('lives in each platform’s per-user cache place, never the shared temporary folder', () => {
    expect(compileCacheDir({}, 'linux')).toBe(join(homedir(), '.cache', 'Homing', 'compile-cache'));
    expect(compileCacheDir({ XDG_CACHE_HOME: '/x' }, 'linux')).toBe(join('/x', 'Homing', 'compile-cache'));
    expect(compileCacheDir({}, 'darwin')).toBe(join(homedir(), 'Library', 'Caches', 'Homing', 'compile-cache'));
    expect(compileCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32')).toBe(join('C:\\Users\\u\\AppData\\Local', 'Homing', 'Cache', 'compile-cache'));
  });
});
