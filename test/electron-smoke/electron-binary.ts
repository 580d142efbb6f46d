import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const electronDir = join(import.meta.dirname, '..', '..', 'node_modules', 'electron');

/**
 * The Electron executable, if it has been downloaded (`npx install-electron`, done by the release
 * workflow), else null. Reads what `require('electron')` would, without its side effect: that call tries
 * to download the binary when it is missing, which fails (slowly) on machines without the network.
 */
export function electronBinary(): string | null {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist');
  const binary = join(base, relative);
  return existsSync(binary) ? binary : null;
}
