import { join } from 'node:path';

/**
 * The icons the running app loads (window icon on Linux, tray, Windows overlay). Packaged, they are
 * copied to `resources/icons` (electron-builder `extraResources`); from a checkout they sit in build/icons.
 */
export function runtimeIconDir(app: { isPackaged: boolean; appPath: string; resourcesPath: string }): string {
  return app.isPackaged ? join(app.resourcesPath, 'icons') : join(app.appPath, 'build', 'icons', 'runtime');
}

export function iconFiles(dir: string, platform: NodeJS.Platform) {
  return {
    window: join(dir, 'icon-512.png'),
    // Windows draws tray icons at 16 px (32 on high-DPI) and prefers .ico; elsewhere a PNG with an @2x twin.
    tray: platform === 'win32' ? join(dir, 'tray.ico') : join(dir, 'tray.png'),
    overlay: join(dir, 'overlay.png'),
  };
}
