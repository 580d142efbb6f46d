/**
 * The Electron shell: one window on the custom `app://` protocol, IPC, the service and its sync worker,
 * and the desktop around them (menu, notifications, badge, tray, dialogs). It holds no logic of its own:
 * decisions live in window-policy.ts, ipc-gate.ts and shell/ (plain functions, unit-tested), the mail
 * core in service/ and sync/. Nothing here can run on our CI machines; the release workflow launches it.
 */
import { accessSync, constants as fsConstants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  type Session,
  session,
  shell,
  type WebContents,
} from 'electron';
import type { ComposeIntent } from '../shared/compose-intent';
import { LOCAL_ACCOUNT_ID } from '../shared/contract/accounts';
import type { ActionName } from '../shared/contract/action-names';
import { toErrorData } from '../shared/errors';
import { describeLeftBehind, migrateOldPasswords } from './accounts/password-migration';
import { KeychainVault } from './accounts/vault-keychain';
import { appCsp, pageCsp } from './app-csp';
import { readStaticFile } from './bridge/static-files';
import { connectToWriter } from './command-socket/connect';
import { serveCommandSocket } from './command-socket/serve';
import { APP_ORIGIN } from './ipc-gate';
import { serveIpc } from './ipc';
import { type MailServiceHandle, openMailService } from './service/mail-service';
import { type MenuHandlers, toMenuItems } from './shell/application-menu';
import { describeCliInstall, installCli, planCliInstall } from './shell/cli-install';
import { systemClock } from './shell/clock';
import { mailtoFromArgv } from './shell/composer-window-policy';
import { type ComposerWindows, createComposerWindows } from './shell/composer-windows';
import { createDesktopHandlers } from './shell/desktop-handlers';
import { electronDesktopDeps } from './shell/electron-desktop-deps';
import { closeWithin, createQuitGate } from './shell/graceful-quit';
import { iconFiles, runtimeIconDir } from './shell/icons';
import { MIN_WINDOW_SIZE, SHUTDOWN_GRACE_MS } from './shell/limits';
import { applicationMenu } from './shell/menu-template';
import { startNewMailNotifier } from './shell/new-mail-notifier';
import { runSmokeCheck } from './shell/smoke-check';
import { createNotificationPresenter } from './shell/notifications';
import { connectPowerAndNetwork } from './shell/power-and-network';
import { restoreWindowState, trackWindowState } from './shell/track-window-state';
import { startUnreadIndicators } from './shell/unread-indicators';
import { windowStatePath } from './shell/window-state-file';
import { superviseWatching } from './shell/keep-watching';
import type { SupervisorEvent } from './shell/worker-supervisor';
import { APP_NAME, APP_VERSION } from './version';
import {
  allowFrameNavigation,
  allowNavigation,
  allowPermission,
  appRequestPath,
  appResponseHeaders,
  secureWebPreferences,
  windowOpenDecision,
} from './window-policy';

/** electron-builder's appId; Windows shows toasts only for an app with this AppUserModelID. */
const APP_ID = 'org.homing.mail';
const platform = process.platform;

// The same override the CLI honours (and how the smoke test gets a fresh profile). Before anything reads
// userData: the single-instance lock lives there too.
if (process.env.HOMING_DATA_DIR) app.setPath('userData', process.env.HOMING_DATA_DIR);

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const rendererDir = join(__dirname, '..', 'renderer');
/**
 * better-sqlite3 built for Electron's ABI by build/electron-native.mjs, beside the Node build the CLI and
 * tests use, so `npm start` and `npm test` share one checkout. It exists only in a checkout: a packaged
 * app has node_modules' copy rebuilt for Electron by electron-builder and passes no binding.
 */
const electronBinding = join(__dirname, '..', 'electron-native', 'better_sqlite3.node');

const log = (what: string, error?: unknown) => {
  if (error === undefined) console.log(`homing: ${what}`);
  else console.error(`homing: ${what}: ${toErrorData(error).code}: ${toErrorData(error).message}`);
};

/** Permission requests and checks (checklist 5): window-policy.ts decides; devices are always refused. */
function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowPermission(permission, details.requestingUrl, details.isMainFrame)),
  );
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    allowPermission(permission, details.requestingUrl ?? requestingOrigin, details.isMainFrame),
  );
  ses.setDevicePermissionHandler(() => false);
}

/** Navigation, new windows and webviews (checklist 12–14), for every webContents the app ever creates. */
function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!allowNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!allowFrameNavigation(event.url, event.isMainFrame)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) void shell.openExternal(url);
    if (decision.compose) openMailto(url);
    return { action: decision.action };
  });
}

function serveApp(): void {
  protocol.handle('app', async (request) => {
    const path = appRequestPath(request.url);
    const file = path === null ? null : await readStaticFile(rendererDir, path);
    if (!file) return new Response('not found', { status: 404, headers: appResponseHeaders('text/plain; charset=utf-8', appCsp()) });
    return new Response(new Uint8Array(file.body), { headers: appResponseHeaders(file.contentType, pageCsp(request.url)) });
  });
}

function describeSupervisor(event: SupervisorEvent): void {
  if (event.type === 'worker-died') log(`sync worker stopped; restart in ${event.restartInMs ?? 'after wake-up'} ms`, event.error);
  else if (event.type === 'start-failed') log('sync could not start', event.error);
  else log(`sync ${event.type}${event.type === 'reconnecting' ? ` (${event.reason})` : ''}`);
}

async function start(): Promise<void> {
  if (platform === 'win32') app.setAppUserModelId(APP_ID);
  app.setAboutPanelOptions({ applicationName: APP_NAME, applicationVersion: APP_VERSION, copyright: 'MIT License' });
  const dataDir = app.getPath('userData');
  serveApp();
  hardenSession(session.defaultSession);

  let handle: MailServiceHandle | null = null;
  const supervisor = superviseWatching(() => handle, systemClock, describeSupervisor);
  // Passwords live in the OS keychain, shared with the CLI; the app's old safeStorage file and the CLI's
  // old credentials.json move into it here (both are removed once the keychain holds their passwords).
  const vault = new KeychainVault();
  try {
    for (const outcome of await migrateOldPasswords(dataDir, vault, { safeStorage })) {
      const line = describeLeftBehind(outcome);
      if (line) log(line);
    }
    const info = await vault.inspect();
    if (info.weakness) log(info.weakness);
    // When another Homing process holds the data directory (`homing sync --watch` as a login service), the
    // app reads the store and hands its commands to that process over its command socket, follows its
    // events, and takes the writer over when it goes (service/writer-route.ts).
    handle = await openMailService({
      dataDir,
      startWriter: true,
      reachHolder: (holder) => connectToWriter(dataDir, holder),
      vault,
      workerPath: join(__dirname, 'worker.cjs'),
      ...(existsSync(electronBinding) ? { nativeBinding: electronBinding } : {}),
      onWorkerExit: (error) => supervisor.workerExited(error),
      onNote: (text) => log(text),
    });
  } catch (error) {
    const data = toErrorData(error);
    dialog.showErrorBox('Homing cannot open its mail folder', `${data.message}\n\n${dataDir}`);
    app.exit(1);
    return;
  }
  const service = handle.service;
  // `homing` commands run while the app holds the data directory are handed to it over a local socket
  // (from the moment it holds the writer lock, which may come later when another process had it).
  const commandSocket = serveCommandSocket(handle, { dataDir, onNote: (text) => log(text) });

  const statePath = windowStatePath(dataDir);
  const state = restoreWindowState(statePath, screen);
  const iconDir = runtimeIconDir({ isPackaged: app.isPackaged, appPath: app.getAppPath(), resourcesPath: process.resourcesPath });
  const window = new BrowserWindow({
    ...state.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: APP_NAME,
    show: false,
    // Linux takes the window icon from here (macOS and Windows from the bundle).
    ...(platform === 'linux' ? { icon: iconFiles(iconDir, platform).window } : {}),
    webPreferences: secureWebPreferences(join(__dirname, 'preload.cjs')),
  });
  if (state.maximized) window.maximize();
  if (state.fullScreen) window.setFullScreen(true);
  const stopTracking = trackWindowState(window, statePath);
  const showWindow = () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  let downloads: string;
  try {
    downloads = app.getPath('downloads');
  } catch {
    downloads = homedir();
  }
  const desktopDeps = electronDesktopDeps(window, downloads);
  // Composer windows are served by the same IPC server as the mail window, added as they open.
  let addToIpc: (w: BrowserWindow) => void = () => undefined;
  const composers: ComposerWindows = createComposerWindows({
    origin: APP_ORIGIN,
    webPreferences: secureWebPreferences(join(__dirname, 'preload.cjs')),
    ...(platform === 'linux' ? { icon: iconFiles(iconDir, platform).window } : {}),
    onCreated: (w) => addToIpc(w),
  });
  openComposerFor = (intent) => void composers.open(intent);
  const desktop = createDesktopHandlers({
    service,
    ...desktopDeps,
    openComposer: (intent) => void composers.open(intent),
    mailHandler: {
      // Windows and Linux (through xdg-settings) let an app ask; macOS only through Mail's own settings.
      supported: platform !== 'darwin',
      isDefault: () => app.isDefaultProtocolClient('mailto'),
      set: (enabled) => (enabled ? app.setAsDefaultProtocolClient('mailto') : !app.removeAsDefaultProtocolClient('mailto')) && app.isDefaultProtocolClient('mailto'),
    },
  });
  const ipc = serveIpc(service, window, desktop);
  addToIpc = (w) => ipc.add(w);
  // A mailto: link the app was started with (Windows, Linux), or that came before the window was ready (macOS).
  const launchLink = pendingMailto ?? mailtoFromArgv(process.argv);
  pendingMailto = null;
  if (launchLink) composers.open({ kind: 'mailto', uri: launchLink });

  const showError = (error: unknown) => {
    const data = toErrorData(error);
    void dialog.showMessageBox(window, { type: 'error', message: data.message, detail: data.code });
  };
  const installCommandLineTool = () => {
    const plan = planCliInstall({
      platform,
      resourcesPath: process.resourcesPath,
      homeDir: homedir(),
      env: process.env,
      canWriteTo: (dir) => {
        try {
          accessSync(dir, fsConstants.W_OK);
          return true;
        } catch {
          return false;
        }
      },
    });
    if (!plan) return;
    const outcome = installCli(plan);
    const { title, detail } = describeCliInstall(outcome);
    void dialog.showMessageBox(window, { type: outcome.ok ? 'info' : 'error', message: title, detail });
  };
  const menuHandlers: MenuHandlers = {
    action(action: ActionName) {
      // Checking mail needs no window; every other action acts on what the window shows.
      if (action !== 'check-mail') showWindow();
      ipc.send('menuActionRequested', { action });
    },
    command(command) {
      if (command === 'showWindow') return showWindow();
      if (command === 'installCommandLineTool') return installCommandLineTool();
      const kind = command === 'importMaildir' ? 'maildir' : 'files';
      desktop.importMailWithDialog({ kind, accountId: LOCAL_ACCOUNT_ID }).then((outcome) => {
        if (!outcome.done) return;
        const lines = outcome.results.map(
          (r) => `${r.folderPath}: ${r.imported} imported, ${r.duplicates} already there, ${r.unparsable} kept unparsed`,
        );
        void dialog.showMessageBox(window, { type: 'info', message: 'Import finished', detail: lines.join('\n') });
      }, showError);
    },
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(toMenuItems(
      applicationMenu({
        platform,
        appName: APP_NAME,
        isPackaged: app.isPackaged,
        offerCliInstall: app.isPackaged && (platform === 'darwin' || platform === 'win32'),
      }),
      menuHandlers,
    )),
  );

  const presenter = createNotificationPresenter((messageId) => {
    showWindow();
    ipc.send('openMessageRequested', { messageId });
  });
  const notifier = startNewMailNotifier({
    service,
    show: presenter.show,
    clock: systemClock,
    platform,
    onError: (error) => log('new-mail notification skipped', error),
  });
  const stopIndicators = startUnreadIndicators({
    service,
    window,
    iconDir,
    platform,
    appName: APP_NAME,
    menu: menuHandlers,
    onError: (error) => log('unread count not updated', error),
  });
  const stopPower = connectPowerAndNetwork(supervisor);
  // Accounts added, edited or removed later are followed by the worker itself, one loop per account.
  supervisor.start();

  const quitGate = createQuitGate(
    async () => {
      supervisor.stop();
      stopPower();
      notifier.stop();
      stopIndicators();
      presenter.dispose();
      ipc.stop();
      // Calls other homing processes handed over are answered before the socket goes; new ones are refused as
      // not carried out, so they run on the next writer.
      await commandSocket.close(async () => {
        const closed = await closeWithin(() => (handle ? handle.close() : Promise.resolve()), SHUTDOWN_GRACE_MS, systemClock);
        if (closed === 'timed-out') log('the sync worker did not stop in time; quitting anyway');
      });
      stopTracking();
      await desktopDeps.dispose();
    },
    () => app.quit(),
  );
  app.on('before-quit', (event) => {
    if (quitGate.beforeQuit()) event.preventDefault();
  });
  // Linux and macOS announce a system shutdown: start the clean quit at once.
  powerMonitor.on('shutdown', () => app.quit());
  // macOS: closing the window keeps the app (and its sync) running in the dock, as Mail does.
  window.on('close', (event) => {
    if (platform === 'darwin' && quitGate.phase === 'running') {
      event.preventDefault();
      window.hide();
    }
  });
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });

  window.once('ready-to-show', () => window.show());
  await window.loadURL(`${APP_ORIGIN}/index.html`);

  if (process.env.HOMING_SMOKE_CHECK === '1') {
    const passed = await runSmokeCheck(window);
    console.log(`homing: smoke check ${passed ? 'passed' : 'failed'}`);
    if (passed) app.quit();
    else app.exit(1);
  }
}

/** Opens a composer once the app is up; until then a mailto: link waits in `pendingMailto`. */
let openComposerFor: ((intent: ComposeIntent) => void) | null = null;
let pendingMailto: string | null = null;
const openMailto = (uri: string) => {
  if (openComposerFor) openComposerFor({ kind: 'mailto', uri });
  else pendingMailto = uri;
};

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // macOS hands mailto: links (Homing as the mail handler) to the running app, also before it is ready.
  app.on('open-url', (event, url) => {
    if (!/^mailto:/i.test(url)) return;
    event.preventDefault();
    openMailto(url);
  });
  app.on('second-instance', (_event, argv) => {
    const link = mailtoFromArgv(argv);
    if (link) return openMailto(link);
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  void app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      log('start failed', error);
      dialog.showErrorBox('Homing could not start', toErrorData(error).message);
      app.exit(1);
    });
}
