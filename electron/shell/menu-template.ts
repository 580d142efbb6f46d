import type { MenuItemConstructorOptions } from 'electron';
import type { ActionName } from '../../shared/contract/action-names';

/** What the shell does itself when a menu item is chosen (everything else is a renderer action). */
export type ShellCommand = 'importMailFiles' | 'importMaildir' | 'showWindow' | 'installCommandLineTool';

type Role = NonNullable<MenuItemConstructorOptions['role']>;

/**
 * The menus as data, so they can be checked without Electron: application-menu.ts turns each entry into
 * a MenuItem. An `action` item sends `menuActionRequested` to the window, whose action of that name runs
 * (the same one its toolbar and keyboard use); a `command` is carried out by the shell.
 */
export type MenuSpec =
  | { type: 'separator' }
  | { role: Role; label?: string; accelerator?: string }
  | { label: string; action: ActionName; accelerator?: string; registerAccelerator?: boolean }
  | { label: string; command: ShellCommand; accelerator?: string }
  | { label: string; submenu: MenuSpec[]; role?: Role };

const separator: MenuSpec = { type: 'separator' };

export interface MenuContext {
  platform: NodeJS.Platform;
  appName: string;
  /** Developer tools and reload exist only in a build run from a checkout. */
  isPackaged: boolean;
  /**
   * "Install Command-Line Tool…": offered by an installed app on macOS and Windows (cli-install.ts); the
   * deb and rpm put `homing` on PATH themselves.
   */
  offerCliInstall?: boolean;
}

/**
 * The application menu, with the shortcuts each platform's mail clients use (Apple Mail on macOS,
 * Thunderbird and Outlook elsewhere). Every registered shortcut has a modifier or is a function key, so
 * typing in the search field can never trigger one; Delete is shown but left to the window, which knows
 * whether the message list or a text field has the focus.
 */
export function applicationMenu({ platform, appName, isPackaged, offerCliInstall = false }: MenuContext): MenuSpec[] {
  const mac = platform === 'darwin';
  const settings: MenuSpec = { label: mac ? 'Settings…' : 'Settings', action: 'open-settings', accelerator: 'CmdOrCtrl+,' };
  const cliInstall: MenuSpec[] = offerCliInstall ? [{ label: 'Install Command-Line Tool…', command: 'installCommandLineTool' }] : [];

  const file: MenuSpec[] = [
    { label: 'Add Account…', action: 'add-account' },
    separator,
    { label: 'Import Mail Files (mbox, .eml)…', command: 'importMailFiles' },
    { label: 'Import Maildir Folder…', command: 'importMaildir' },
    { label: 'Export Folder as mbox…', action: 'export-folder' },
    { label: 'Save Message As…', action: 'export-message', accelerator: 'CmdOrCtrl+S' },
    { label: 'Save as PDF…', action: 'save-pdf' },
    { label: 'Print…', action: 'print', accelerator: 'CmdOrCtrl+P' },
    separator,
    ...(mac ? [{ role: 'close' } as MenuSpec] : [settings, separator, { role: 'quit' } as MenuSpec]),
  ];
  const edit: MenuSpec[] = [
    // The window decides: typing undone in a text field, else the last mail action (delete, move, mark…).
    { label: 'Undo', action: 'undo', accelerator: 'CmdOrCtrl+Z' },
    { role: 'redo' },
    separator,
    { role: 'cut' },
    { role: 'copy' },
    { role: 'paste' },
    { role: 'selectAll' },
    separator,
    { label: 'Search Mail', action: 'focus-search', accelerator: 'CmdOrCtrl+F' },
  ];
  const view: MenuSpec[] = [
    { label: 'Message Source', action: 'view-source', accelerator: 'CmdOrCtrl+U' },
    separator,
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    separator,
    { role: 'togglefullscreen' },
    // Ctrl+R is Reply (as in Outlook and Thunderbird); reloading a checkout's window moves aside.
    ...(isPackaged ? [] : [separator, { role: 'reload', accelerator: 'CmdOrCtrl+Alt+R' } as MenuSpec, { role: 'toggleDevTools' } as MenuSpec]),
  ];
  const message: MenuSpec[] = [
    { label: 'New Message', action: 'new-message', accelerator: 'CmdOrCtrl+N' },
    { label: 'Reply', action: 'reply', accelerator: 'CmdOrCtrl+R' },
    { label: 'Reply All', action: 'reply-all', accelerator: 'CmdOrCtrl+Shift+R' },
    { label: 'Forward', action: 'forward', accelerator: 'CmdOrCtrl+L' },
    { label: 'Forward as Attachment', action: 'forward-as-attachment' },
    separator,
    { label: 'Check for New Mail', action: 'check-mail', accelerator: mac ? 'Cmd+Shift+N' : 'F5' },
    separator,
    { label: 'Mark as Read/Unread', action: 'toggle-read', accelerator: 'CmdOrCtrl+Shift+U' },
    { label: 'Flag/Unflag', action: 'toggle-flag', accelerator: 'CmdOrCtrl+Shift+L' },
    { label: 'Delete', action: 'delete', accelerator: mac ? 'Backspace' : 'Delete', registerAccelerator: false },
  ];

  return [
    ...(mac
      ? [
          {
            label: appName,
            submenu: [
              { role: 'about' },
              separator,
              settings,
              ...cliInstall,
              separator,
              { role: 'services' },
              separator,
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              separator,
              { role: 'quit' },
            ],
          } as MenuSpec,
        ]
      : []),
    { label: mac ? 'File' : '&File', submenu: file },
    { label: mac ? 'Edit' : '&Edit', submenu: edit },
    { label: mac ? 'View' : '&View', submenu: view },
    { label: mac ? 'Message' : '&Message', submenu: message },
    // macOS: the Window role adds the list of open windows; About lives in the application menu.
    ...(mac
      ? [{ label: 'Window', role: 'windowMenu', submenu: [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] } as MenuSpec]
      : [{ label: '&Help', submenu: [...cliInstall, ...(cliInstall.length ? [separator] : []), { role: 'about', label: `About ${appName}` }] } as MenuSpec]),
  ];
}

/** The tray icon's menu (Windows, Linux). Linux status areas may never report a click: "Show" is in the menu. */
export function trayMenu(appName: string): MenuSpec[] {
  return [
    { label: `Show ${appName}`, command: 'showWindow' },
    { label: 'Check for New Mail', action: 'check-mail' },
    separator,
    { role: 'quit' },
  ];
}

/** Every spec in a menu tree, depth first (for the tests and the adapter). */
export function* menuItems(menu: readonly MenuSpec[]): Generator<MenuSpec> {
  for (const item of menu) {
    yield item;
    if ('submenu' in item) yield* menuItems(item.submenu);
  }
}
