/* global require, module, process, Buffer, Request */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: the bundled main.cjs require()s it */
// A stand-in for Electron's main-process API: just enough to run the bundled electron/main.ts under
// plain Node (Electron's binary cannot be downloaded here) and observe what it wires. Installed as
// `node_modules/electron` next to a private build by main-wiring.test.ts. Not a model of Electron's
// behaviour beyond the calls main.ts makes; the release workflow launches the real thing.
const { EventEmitter } = require('node:events');

const state = { protocolHandlers: {}, ipcHandlers: {}, windows: [], sent: [], dialogs: [], badges: [], trays: [], menu: null, quits: 0, onQuit: null };
globalThis.__fakeElectron = state;

const paths = { userData: '/nonexistent-userdata', downloads: require('node:os').tmpdir() };
const app = new EventEmitter();
Object.assign(app, {
  isPackaged: false,
  setPath: (name, path) => (paths[name] = path),
  getPath: (name) => paths[name] ?? require('node:os').tmpdir(),
  getAppPath: () => process.cwd(),
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  setAppUserModelId: () => {},
  setAboutPanelOptions: () => {},
  setBadgeCount: (count) => (state.badges.push(count), true),
  quit() {
    state.quits += 1;
    let held = false;
    app.emit('before-quit', { preventDefault: () => (held = true) });
    if (held) return;
    // Electron closes the windows as it quits.
    for (const window of state.windows) window.emit('close', { preventDefault: () => {} });
    state.onQuit?.();
  },
  exit: (code) => process.exit(code),
});

class WebContents extends EventEmitter {
  constructor(id) {
    super();
    this.id = id;
    this.mainFrame = { url: 'app://homing/index.html' };
  }
  setWindowOpenHandler(handler) {
    this.openHandler = handler;
  }
  send(channel, message) {
    state.sent.push({ channel, message });
  }
  executeJavaScript() {
    return Promise.resolve('No accounts yet');
  }
}

let nextId = 1;
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents(nextId++);
    state.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  static getAllWindows() {
    return state.windows;
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  isMaximized() {
    return false;
  }
  isFullScreen() {
    return false;
  }
  getNormalBounds() {
    const { x, y, width, height } = this.options;
    return { x, y, width, height };
  }
  maximize() {}
  setFullScreen() {}
  restore() {}
  show() {}
  focus() {}
  hide() {}
  setOverlayIcon() {}
  async loadURL(url) {
    const response = await state.protocolHandlers.app(new Request(url));
    state.loaded = { url, status: response.status, csp: response.headers.get('content-security-policy') };
    this.emit('ready-to-show');
  }
}

module.exports = {
  app,
  BrowserWindow,
  protocol: { registerSchemesAsPrivileged: (schemes) => (state.schemes = schemes), handle: (scheme, handler) => (state.protocolHandlers[scheme] = handler) },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (handler) => (state.permissionRequest = handler),
      setPermissionCheckHandler: (handler) => (state.permissionCheck = handler),
      setDevicePermissionHandler: (handler) => (state.devicePermission = handler),
    },
  },
  safeStorage: {
    isAsyncEncryptionAvailable: async () => true,
    encryptStringAsync: async (text) => Buffer.from(`x${text}`),
    decryptStringAsync: async (buffer) => ({ result: buffer.toString().slice(1), shouldReEncrypt: false }),
    getSelectedStorageBackend: () => 'gnome_libsecret',
  },
  screen: {
    getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
    getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
  },
  dialog: {
    showErrorBox: (title, message) => state.dialogs.push({ kind: 'error', title, message }),
    showMessageBox: async (_window, options) => (state.dialogs.push({ kind: 'box', message: options.message }), { response: 1 }),
    showSaveDialog: async () => ({ canceled: true }),
    showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  },
  Menu: { buildFromTemplate: (template) => template, setApplicationMenu: (menu) => (state.menu = menu) },
  powerMonitor: new EventEmitter(),
  net: { isOnline: () => true },
  Notification: class extends EventEmitter {
    static isSupported() {
      return true;
    }
    show() {}
    close() {}
  },
  nativeImage: { createFromPath: (path) => ({ path }) },
  Tray: class extends EventEmitter {
    constructor() {
      super();
      state.trays.push(this);
    }
    setContextMenu(menu) {
      this.menu = menu;
    }
    setToolTip(text) {
      this.tooltip = text;
    }
    destroy() {}
  },
  shell: { openExternal: async (url) => (state.opened = url), openPath: async () => '' },
  ipcMain: { handle: (channel, handler) => (state.ipcHandlers[channel] = handler), removeHandler: (channel) => delete state.ipcHandlers[channel] },
};
