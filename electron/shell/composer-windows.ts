import { app, BrowserWindow, Menu, type MenuItemConstructorOptions, session } from 'electron';
import type { ComposeIntent } from '../../shared/compose-intent';
import { COMPOSER_MIN_SIZE, COMPOSER_WINDOW_SIZE, composerWindowUrl, spellcheckLanguages, spellingMenu } from './composer-window-policy';

export interface ComposerWindowOptions {
  /** The app's origin (`app://homing`). */
  origin: string;
  /** The mail window's webPreferences (window-policy.ts), which composer windows share but for spell checking. */
  webPreferences: Electron.WebPreferences;
  icon?: string;
  /** Called for every new composer window (the IPC server adds it to the windows it serves). */
  onCreated(window: BrowserWindow): void;
}

export interface ComposerWindows {
  open(intent: ComposeIntent): BrowserWindow;
  all(): BrowserWindow[];
}

/**
 * Composer windows: each a window of its own on compose.html, with Electron's built-in spell checker
 * (off in the mail window, which has nothing to spell). On macOS the system's spell checker and languages
 * are used as they are. On Windows and Linux Chromium's Hunspell checker takes the system's preferred
 * languages it has dictionaries for; it downloads a language's dictionary once, from Chromium's
 * dictionary server, the first time that language is used (the only request Homing's windows make).
 */
export function createComposerWindows(options: ComposerWindowOptions): ComposerWindows {
  const windows = new Set<BrowserWindow>();
  let languagesSet = false;
  return {
    open(intent) {
      if (!languagesSet && process.platform !== 'darwin') {
        languagesSet = true;
        const ses = session.defaultSession;
        ses.setSpellCheckerLanguages(spellcheckLanguages(app.getPreferredSystemLanguages(), ses.availableSpellCheckerLanguages));
      }
      const window = new BrowserWindow({
        ...COMPOSER_WINDOW_SIZE,
        minWidth: COMPOSER_MIN_SIZE.width,
        minHeight: COMPOSER_MIN_SIZE.height,
        title: 'New message',
        show: false,
        ...(options.icon ? { icon: options.icon } : {}),
        webPreferences: { ...options.webPreferences, spellcheck: true },
      });
      windows.add(window);
      window.on('closed', () => windows.delete(window));
      window.webContents.on('context-menu', (_event, params) => {
        const items: MenuItemConstructorOptions[] = spellingMenu(params).map((item) => {
          switch (item.kind) {
            case 'replace':
              return { label: item.word, click: () => window.webContents.replaceMisspelling(item.word) };
            case 'add-word':
              return { label: 'Add to Dictionary', click: () => window.webContents.session.addWordToSpellCheckerDictionary(item.word) };
            case 'separator':
              return { type: 'separator' };
            case 'role':
              return { role: item.role };
          }
        });
        if (items.length) Menu.buildFromTemplate(items).popup({ window });
      });
      options.onCreated(window);
      window.once('ready-to-show', () => window.show());
      void window.loadURL(composerWindowUrl(options.origin, intent));
      return window;
    },
    all: () => [...windows],
  };
}
