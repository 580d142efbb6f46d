/**
 * The Electron shell: one window, the custom `app://` protocol, IPC, and the service. It holds no logic
 * of its own: decisions live in window-policy.ts and ipc-gate.ts, the mail core in service/ and sync/.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, protocol, safeStorage, session, shell } from 'electron';
import { SafeStorageVault } from './accounts/vault-safe-storage';
import { appCsp } from './app-csp';
import { readStaticFile } from './bridge/static-files';
import { APP_ORIGIN } from './ipc-gate';
import { serveIpc } from './ipc';
import { openMailService } from './service/mail-service';
import { isExternalLink, secureWebPreferences } from './window-policy';

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const rendererDir = join(__dirname, '..', 'renderer');
/** better-sqlite3 built for Electron's ABI by build/electron-native.mjs (the Node build stays for the CLI and tests). */
const electronBinding = join(__dirname, '..', 'electron-native', 'better_sqlite3.node');

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  protocol.handle('app', async (request) => {
    const file = await readStaticFile(rendererDir, new URL(request.url).pathname);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: { 'content-type': file.contentType, 'content-security-policy': appCsp() },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  const handle = await openMailService({
    dataDir,
    vault: new SafeStorageVault(dataDir, safeStorage),
    workerPath: join(__dirname, 'worker.cjs'),
    ...(existsSync(electronBinding) ? { nativeBinding: electronBinding } : {}),
    startWriter: true,
  });

  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'Homing',
    show: false,
    webPreferences: secureWebPreferences(join(__dirname, 'preload.cjs')),
  });
  const stopIpc = serveIpc(handle.service, window);
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    stopIpc();
    void handle.close().then(() => app.quit());
  });
  await window.loadURL(`${APP_ORIGIN}/index.html`);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  void app.whenReady().then(start);
}
