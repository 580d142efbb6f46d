/* global require, process, console, setTimeout */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: the bundled main.cjs require()s it */
// Runs the bundled main.cjs (argv[2]) against fake-electron.cjs, pokes at what it wired, quits, and prints
// one line: RESULT <json>. Used by main-wiring.test.ts in a child process (main.ts ends the process).
const { execFile } = require('node:child_process');
const { existsSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

require(process.argv[2]);
const fake = globalThis.__fakeElectron;
// The stand-in main.cjs loaded (beside it), not the real package in the project's node_modules.
const { app, powerMonitor } = require(require.resolve('electron', { paths: [dirname(process.argv[2])] }));
const result = {};
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

(async () => {
  for (let i = 0; i < 200 && !fake.loaded; i++) await wait(50);
  result.loaded = fake.loaded;
  result.schemes = fake.schemes;
  const window = fake.windows[0];
  result.windowCount = fake.windows.length;
  result.webPreferences = window.options.webPreferences;
  const invoke = fake.ipcHandlers['homing:invoke'];
  const from = (frame) => ({ senderFrame: frame, sender: { id: window.webContents.id, mainFrame: window.webContents.mainFrame } });
  const main = window.webContents.mainFrame;
  result.listAccounts = await invoke(from(main), { method: 'listAccounts', args: {} });
  result.fromSubFrame = await invoke(from({ url: 'app://homing/frame' }), { method: 'listAccounts', args: {} });
  result.pathMethod = await invoke(from(main), { method: 'importMail', args: { path: '/etc', folderPath: 'x' } });
  result.importDialog = await invoke(from(main), { method: 'importMailWithDialog', args: {} });
  result.windowOpen = window.webContents.openHandler({ url: 'https://example.org/' });
  result.openedExternally = fake.opened;
  let prevented = false;
  window.webContents.emit('will-navigate', { url: 'https://example.org/', preventDefault: () => (prevented = true) });
  result.navigationPrevented = prevented;
  let attachPrevented = false;
  window.webContents.emit('will-attach-webview', { preventDefault: () => (attachPrevented = true) });
  result.webviewPrevented = attachPrevented;
  result.mediaAllowed = fake.permissionCheck(null, 'media', 'app://homing', { requestingUrl: 'app://homing/index.html', isMainFrame: true });
  await new Promise((resolve) => fake.permissionRequest(null, 'geolocation', (granted) => resolve((result.geolocationGranted = granted)), { requestingUrl: 'app://homing/index.html', isMainFrame: true }));
  const messageMenu = fake.menu.find((item) => item.label === '&Message');
  messageMenu.submenu.find((item) => item.label === 'Check for New Mail').click();
  result.menuEvent = fake.sent.at(-1);
  result.trayTooltip = fake.trays[0]?.tooltip;
  powerMonitor.emit('suspend');
  powerMonitor.emit('resume');
  await wait(300);
  const dataDir = process.env.HOMING_DATA_DIR;
  result.lockWhileRunning = existsSync(join(dataDir, 'homing.lock'));
  // A homing command while the app runs: handed to it over the command socket main.ts serves (asynchronously:
  // this process is the app, and must go on serving while the command runs).
  result.socketWhileRunning = existsSync(join(dataDir, 'homing.socket.json'));
  const eml = join(dirname(dataDir), 'handed-over.eml');
  writeFileSync(eml, 'From: a@example.org\r\nSubject: Handed over\r\nMessage-ID: <handed@example.org>\r\n\r\nBody.\r\n');
  const sentBefore = fake.sent.length;
  result.handedOver = await new Promise((resolve) =>
    execFile(process.execPath, [join(dirname(process.argv[2]), 'homing.cjs'), 'import', eml, '--folder', 'Handed'], (error, stdout, stderr) =>
      resolve({ status: error ? error.code : 0, stdout, stderr }),
    ),
  );
  result.windowHeard = fake.sent.slice(sentBefore).map((s) => s.message && s.message.event);
  fake.onQuit = () => {
    result.quits = fake.quits;
    result.lockAfterQuit = existsSync(join(dataDir, 'homing.lock'));
    result.socketAfterQuit = existsSync(join(dataDir, 'homing.socket.json')) || existsSync(join(dataDir, 'homing.sock'));
    result.windowStateSaved = existsSync(join(dataDir, 'window-state.json'));
    console.log(`RESULT ${JSON.stringify(result)}`);
    process.exit(0);
  };
  app.quit();
})().catch((error) => {
  console.log(`RESULT ${JSON.stringify({ error: String(error && error.stack) })}`);
  process.exit(1);
});
