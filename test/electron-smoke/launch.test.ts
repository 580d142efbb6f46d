import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_STATE_HEADINGS } from '../../electron/shell/smoke-check';
import { electronBinary } from './electron-binary';

/**
 * The real app in real Electron: launched through Playwright's Electron driver, it must open one window
 * on app://, show the empty state read from the real service and worker, keep Node out of the page, and
 * quit cleanly. Electron's binary cannot be downloaded on our own machines, so there this suite reports
 * itself skipped; the release workflow downloads it (`npx install-electron`) and sets
 * HOMING_REQUIRE_ELECTRON=1, which turns a missing binary into a failure instead.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const binary = electronBinary();

describe.runIf(!binary && process.env.HOMING_REQUIRE_ELECTRON === '1')('Electron', () => {
  it('is installed where the release workflow needs it', () => {
    expect.fail('No Electron binary in node_modules/electron (run `npx install-electron`).');
  });
});

describe.skipIf(!binary)('the app in Electron', () => {
  let app: ElectronApplication | undefined;
  let dataDir = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'homing-electron-'));
    // The same steps as `npm start`: bundles, the renderer, and better-sqlite3 built for Electron's ABI
    // (build/electron-native.mjs needs npm's node-gyp: run this suite through `npm run test:electron`).
    await run(process.execPath, [join(root, 'build', 'build-main.mjs')], { cwd: root });
    await run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root });
    await run(process.execPath, [join(root, 'build', 'electron-native.mjs')], { cwd: root });
    app = await _electron.launch({
      executablePath: binary as string,
      args: [root],
      env: { ...process.env, HOMING_DATA_DIR: dataDir, ELECTRON_ENABLE_LOGGING: '1' },
      timeout: 120_000,
    });
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens one sandboxed window on app:// that shows the empty state', async () => {
    const window = await (app as ElectronApplication).firstWindow();
    const emptyState = window.getByRole('heading', { name: new RegExp(EMPTY_STATE_HEADINGS.join('|')) });
    await expect.poll(() => emptyState.count(), { timeout: 60_000 }).toBe(1);
    expect((app as ElectronApplication).windows()).toHaveLength(1);
    expect(await window.evaluate(() => location.origin)).toBe('app://homing');
    // No Node in the page: the preload exposes two functions and nothing else.
    expect(await window.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual([
      'undefined',
      'undefined',
    ]);
    expect(await window.evaluate(() => Object.keys((globalThis as { homing?: object }).homing ?? {}).sort())).toEqual(['invoke', 'on']);
  });

  it('quits cleanly, closing the sync worker and releasing the data directory', async () => {
    const exited = new Promise<void>((resolve) => (app as ElectronApplication).process().once('exit', () => resolve()));
    await (app as ElectronApplication).evaluate(({ app: electronApp }) => electronApp.quit());
    await exited;
    app = undefined;
    // The writer's lock is released only after the worker closed the database (a clean shutdown).
    expect(existsSync(join(dataDir, 'homing.lock'))).toBe(false);
  });
});
