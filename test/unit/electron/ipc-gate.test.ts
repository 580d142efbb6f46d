import { describe, expect, it } from 'vitest';
import type { MailService } from '../../../shared/contract';
import { createIpcGate, type IpcSender } from '../../../electron/ipc-gate';
import { isExternalLink, secureWebPreferences } from '../../../electron/window-policy';

const calls: string[] = [];
const service = new Proxy({} as MailService, {
  get: (_t, name) => async () => {
    calls.push(String(name));
    return [];
  },
});
const OUR_WINDOW = 7;
const gate = createIpcGate(service, (id) => id === OUR_WINDOW);
const fromApp: IpcSender = { frameUrl: 'app://homing/index.html', isMainFrame: true, webContentsId: OUR_WINDOW };

describe('the IPC gatekeeper', () => {
  it('serves a valid call from our window’s main frame', async () => {
    expect(await gate(fromApp, { method: 'listAccounts', args: {} })).toEqual({ ok: true, value: [] });
  });

  it.each<[string, IpcSender]>([
    ['another window', { ...fromApp, webContentsId: 99 }],
    ['a sub-frame (where mail is shown)', { ...fromApp, isMainFrame: false }],
    ['a page from another origin', { ...fromApp, frameUrl: 'https://evil.example/' }],
    ['a look-alike origin', { ...fromApp, frameUrl: 'app://homing.evil/' }],
  ])('refuses %s', async (_name, sender) => {
    calls.length = 0;
    expect(await gate(sender, { method: 'listAccounts', args: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(calls).toEqual([]);
  });

  it('refuses unknown methods and invalid arguments', async () => {
    expect(await gate(fromApp, { method: 'constructor', args: {} })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await gate(fromApp, 'listAccounts')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await gate(fromApp, { method: 'getMessage', args: { id: 'x' } })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('keeps filesystem paths out of the renderer’s reach', async () => {
    for (const method of ['importMail', 'exportFolder', 'exportMessage']) {
      expect(await gate(fromApp, { method, args: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
  });
});

describe('the window policy', () => {
  it('uses every security setting of Electron’s checklist', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
  });
  it('sends only http(s) and mailto links outside', () => {
    expect(isExternalLink('https://example.org/')).toBe(true);
    expect(isExternalLink('mailto:a@b.c')).toBe(true);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('not a url')).toBe(false);
  });
});
