import { homedir, hostname } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'Homing';

/** The SQLite file inside a data directory. */
export const dbPathOf = (dataDir: string) => join(dataDir, 'homing.sqlite');
export const lockPathOf = (dataDir: string) => join(dataDir, 'homing.lock');

/**
 * The app's own data directory, computed the way Electron's `app.getPath('userData')` does for a
 * product named Homing, so the CLI and the app share one store without the CLI loading Electron.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.HOMING_DATA_DIR) return env.HOMING_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME);
}

export const thisHost = () => hostname();
