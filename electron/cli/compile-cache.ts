import { homedir } from 'node:os';
import { join } from 'node:path';

/** The subset of `node:module` used here; enableCompileCache exists from Node 22.1 (Electron 45's Node has it). */
export interface ModuleApi {
  enableCompileCache?: (directory?: string) => unknown;
}

/**
 * The user's own cache folder for the command line's compiled code: the platform's per-user cache place,
 * never a shared one (Node's default is the system's temporary folder, where another user could plant code).
 */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'Homing', 'Cache', 'compile-cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'Homing', 'compile-cache');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'Homing', 'compile-cache');
}

/**
 * Turns on the runtime's compile cache for the modules required after this call, when the runtime has one
 * (`module.enableCompileCache`, Node >= 22.1): V8 then reads the bundles' compiled code from disk instead
 * of parsing and compiling them at every start. Node keys each entry by the file's content and its own
 * version, and honours NODE_DISABLE_COMPILE_CACHE. Never fatal: without it the bundles compile as always.
 *
 * Node 20 has no such call. A `vm.Script` with `cachedData` would do the same by hand; measured on the
 * reading bundle it saved no CPU that 60 alternating runs could tell from the noise (see bench/README.md),
 * so it is not done.
 */
export function enableCompileCache(moduleApi: ModuleApi, env: NodeJS.ProcessEnv = process.env): boolean {
  if (typeof moduleApi.enableCompileCache !== 'function') return false;
  try {
    moduleApi.enableCompileCache(compileCacheDir(env));
    return true;
  } catch {
    return false;
  }
}
