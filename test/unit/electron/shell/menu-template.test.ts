import { describe, expect, it } from 'vitest';
import { actionNames } from '../../../../shared/contract/action-names';
import { toMenuItems } from '../../../../electron/shell/application-menu';
import { applicationMenu, menuItems, type MenuSpec, trayMenu } from '../../../../electron/shell/menu-template';

const platforms = ['darwin', 'win32', 'linux'] as const;
const menuFor = (platform: (typeof platforms)[number], isPackaged = true) => applicationMenu({ platform, appName: 'Homing', isPackaged });
const items = (menu: MenuSpec[]) => [...menuItems(menu)];
const accelerators = (menu: MenuSpec[]) =>
  items(menu).flatMap((item) => ('accelerator' in item && item.accelerator ? [{ ...item, accelerator: item.accelerator }] : []));

describe('the application menu', () => {
  it.each(platforms)('asks the window for its own actions by name, the same ones on every platform (%s)', (platform) => {
    const used = new Set(items(menuFor(platform)).flatMap((item) => ('action' in item ? [item.action] : [])));
    for (const name of used) expect(actionNames).toContain(name);
    expect([...used].sort()).toEqual(
      ['add-account', 'check-mail', 'delete', 'export-folder', 'export-message', 'focus-search', 'forward', 'forward-as-attachment', 'new-message', 'open-settings', 'print', 'reply', 'reply-all', 'save-pdf', 'toggle-flag', 'toggle-read', 'undo', 'view-source'],
    );
  });

  it.each(platforms)('has the usual editing and quitting roles, and an Undo the window answers (%s)', (platform) => {
    const roles = items(menuFor(platform)).flatMap((item) => ('role' in item && !('submenu' in item) ? [item.role] : []));
    expect(roles).toEqual(expect.arrayContaining(['redo', 'cut', 'copy', 'paste', 'selectAll', 'quit', 'about', 'togglefullscreen']));
    // Typing in a field or the last mail action: the window knows which.
    expect(items(menuFor(platform))).toContainEqual({ label: 'Undo', action: 'undo', accelerator: 'CmdOrCtrl+Z' });
  });

  it.each(platforms)('registers no shortcut that typing could trigger (%s)', (platform) => {
    for (const item of accelerators(menuFor(platform))) {
      const registered = !('registerAccelerator' in item && item.registerAccelerator === false);
      if (registered) expect(item.accelerator).toMatch(/(CmdOrCtrl|Cmd|Ctrl|Alt)\+|^F\d+$/);
    }
  });

  it.each(platforms)('never uses one shortcut twice (%s)', (platform) => {
    const keys = accelerators(menuFor(platform)).map((item) => item.accelerator.replace('CmdOrCtrl', platform === 'darwin' ? 'Cmd' : 'Ctrl'));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('uses each platform’s habits: the app menu and Cmd+Shift+N on macOS, F5 and File › Quit elsewhere', () => {
    const mac = menuFor('darwin');
    expect(mac[0]).toMatchObject({ label: 'Homing' });
    expect(accelerators(mac).find((i) => 'action' in i && i.action === 'check-mail')?.accelerator).toBe('Cmd+Shift+N');
    const linux = menuFor('linux');
    expect(linux[0]).toMatchObject({ label: '&File' });
    expect(accelerators(linux).find((i) => 'action' in i && i.action === 'check-mail')?.accelerator).toBe('F5');
    expect(linux[0] && 'submenu' in linux[0] && linux[0].submenu.at(-1)).toEqual({ role: 'quit' });
  });

  it.each(platforms)('answers mail with the keys mail clients use: Ctrl/Cmd+N, R, Shift+R, L (%s)', (platform) => {
    const keys = Object.fromEntries(accelerators(menuFor(platform, false)).flatMap((i) => ('action' in i ? [[i.action, i.accelerator]] : [])));
    expect(keys).toMatchObject({ 'new-message': 'CmdOrCtrl+N', reply: 'CmdOrCtrl+R', 'reply-all': 'CmdOrCtrl+Shift+R', forward: 'CmdOrCtrl+L' });
    // A checkout's Reload (Ctrl+R by default) must not take Reply's key.
    const reload = items(menuFor(platform, false)).find((i) => 'role' in i && i.role === 'reload');
    expect(reload && 'accelerator' in reload ? reload.accelerator : undefined).toBe('CmdOrCtrl+Alt+R');
  });

  it('offers developer tools only when run from a checkout', () => {
    const roles = (menu: MenuSpec[]) => items(menu).flatMap((item) => ('role' in item ? [item.role] : []));
    expect(roles(menuFor('linux', true))).not.toContain('toggleDevTools');
    expect(roles(menuFor('linux', false))).toContain('toggleDevTools');
  });

  it('turns actions into events for the window and commands into the shell’s own work', () => {
    const seen: string[] = [];
    const built = toMenuItems(menuFor('linux'), { action: (a) => seen.push(`action:${a}`), command: (c) => seen.push(`command:${c}`) });
    const file = built[0]?.submenu as Array<{ label?: string; click?: () => void }>;
    file.find((i) => i.label === 'Add Account…')?.click?.();
    file.find((i) => i.label?.startsWith('Import Maildir'))?.click?.();
    expect(seen).toEqual(['action:add-account', 'command:importMaildir']);
    const message = built.find((i) => i.label === '&Message')?.submenu as Array<{ label?: string; registerAccelerator?: boolean }>;
    expect(message.find((i) => i.label === 'Delete')).toMatchObject({ registerAccelerator: false });
  });

  it('offers "Install Command-Line Tool…" only where asked: the app menu on macOS, Help elsewhere', () => {
    const withTool = (platform: (typeof platforms)[number]) => applicationMenu({ platform, appName: 'Homing', isPackaged: true, offerCliInstall: true });
    const commands = (menu: MenuSpec[]) => items(menu).flatMap((item) => ('command' in item ? [item.command] : []));
    for (const platform of platforms) expect(commands(menuFor(platform))).not.toContain('installCommandLineTool');
    const mac = withTool('darwin')[0];
    expect(mac && 'submenu' in mac && mac.submenu.some((i) => 'command' in i && i.command === 'installCommandLineTool')).toBe(true);
    const help = withTool('win32').find((m) => 'label' in m && m.label === '&Help');
    expect(help && 'submenu' in help && help.submenu[0]).toEqual({ label: 'Install Command-Line Tool…', command: 'installCommandLineTool' });
  });

  it('gives the tray a way to show the window, check mail and quit', () => {
    const tray = trayMenu('Homing');
    expect(tray).toEqual([
      { label: 'Show Homing', command: 'showWindow' },
      { label: 'Check for New Mail', action: 'check-mail' },
      { type: 'separator' },
      { role: 'quit' },
    ]);
  });
});
