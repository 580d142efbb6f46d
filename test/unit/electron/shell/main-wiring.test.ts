import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSecrets } from '../../../helpers/secret-scan';
import { keychainLookup } from '../../../servers/secret-service';

/**
 * electron/main.ts as bundled for the app, run under Node against a stand-in for Electron's API
 * (fake-electron.cjs): the real service, sync worker and SQLite behind it. It proves the shell's wiring
 * (the gate behind ipcMain, the hardening of every webContents, the menu, the supervisor and the clean
 * quit) runs; the Electron smoke test in the release workflow proves it in real Electron.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..', '..');

describe('main.ts wired against a stand-in Electron', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homing-main-wiring-'));
  let result: Record<string, unknown>;
  let output = '';
  const dataDir = join(dir, 'data');
  // An account id and password as an earlier version of the app left them: encrypted by safeStorage
  // (the stand-in's cipher is "x" + the text) in credentials.safe.json.
  const oldAccount = `old${process.pid}`;
  const oldPassword = 'safe-Storage-Secret-77';

  beforeAll(async () => {
    await run(process.execPath, [join(root, 'build', 'build-main.mjs'), '--outdir', join(dir, 'node')], { cwd: root });
    mkdirSync(join(dir, 'node_modules', 'electron'), { recursive: true });
    copyFileSync(join(import.meta.dirname, 'fake-electron.cjs'), join(dir, 'node_modules', 'electron', 'index.js'));
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'credentials.safe.json'), JSON.stringify({ [oldAccount]: Buffer.from(`x${oldPassword}`).toString('base64') }), { mode: 0o600 });
    const { stdout, stderr } = await run(process.execPath, [join(import.meta.dirname, 'drive-main.cjs'), join(dir, 'node', 'main.cjs')], {
      cwd: root,
      env: { ...process.env, NODE_PATH: join(root, 'node_modules'), HOMING_DATA_DIR: dataDir },
      timeout: 60_000,
    });
    output = stdout + stderr;
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    result = JSON.parse(line?.slice('RESULT '.length) ?? '{}') as Record<string, unknown>;
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts without error and serves the page from app:// with the CSP', () => {
    expect(result.error).toBeUndefined();
    expect(result.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    // No renderer was built into this private folder: a 404, still with the policy header.
    expect(result.loaded).toMatchObject({ url: 'app://homing/index.html', csp: expect.stringContaining("default-src 'none'") });
  });

  it('opens one window with the secure webPreferences and the bundled preload', () => {
    expect(result.windowCount).toBe(1);
    expect(result.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String((result.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
  });

  it('serves the real service through the gate, and refuses sub-frames and path methods', () => {
    expect(result.listAccounts).toEqual({ ok: true, value: [] });
    expect(result.fromSubFrame).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(result.pathMethod).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(result.importDialog).toEqual({ ok: true, value: { done: false } });
  });

  it('hardens the webContents: new windows denied (links to the browser), navigation and webviews blocked, permissions refused', () => {
    expect(result.windowOpen).toEqual({ action: 'deny' });
    expect(result.openedExternally).toBe('https://example.org/');
    expect(result.navigationPrevented).toBe(true);
    expect(result.webviewPrevented).toBe(true);
    expect(result.mediaAllowed).toBe(false);
    expect(result.geolocationGranted).toBe(false);
  });

  it('sends menu actions to the window and shows the unread count in the tray', () => {
    expect(result.menuEvent).toEqual({ channel: 'homing:event', message: { event: 'menuActionRequested', payload: { action: 'check-mail' } } });
    expect(result.trayTooltip).toMatch(/^Homing — /);
  });

  it('moves the passwords of the old safeStorage store into the OS keychain at start, then removes the file', async () => {
    expect(existsSync(join(dataDir, 'credentials.safe.json'))).toBe(false);
    expect(await keychainLookup(oldAccount)).toBe(oldPassword);
    expect(findSecrets([oldPassword], { dirs: [dataDir], texts: { output } })).toEqual([]);
  });

  it('takes a homing command over its command socket while it runs: the window hears the change', () => {
    expect(result.socketWhileRunning).toBe(true);
    expect(result.handedOver).toEqual({ status: 0, stdout: '', stderr: 'imported 1, already present 0, unparsable (kept raw) 0\n' });
    expect(result.windowHeard).toContain('messagesChanged');
  });

  it('quits cleanly: the first quit is held until the worker closed and released the data directory', () => {
    expect(result.lockWhileRunning).toBe(true);
    expect(result.quits).toBe(2);
    expect(result.lockAfterQuit).toBe(false);
    expect(result.socketAfterQuit).toBe(false);
    expect(result.windowStateSaved).toBe(true);
  });
});
