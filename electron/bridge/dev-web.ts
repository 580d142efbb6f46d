/**
 * `npm run dev:web`: the real backend and the real renderer in any browser, over the loopback bridge.
 * Prints one line, `homing dev-web: URL`, then serves until interrupted. Used by the e2e tests.
 * Like the app, it keeps every account watched (the app's own supervisor: a dead worker is restarted).
 * `HOMING_WATCH_TIMING` (JSON, electron/sync/watch-policy.ts) shortens the watch timings for tests.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeLeftBehind, migrateOldPasswords } from '../accounts/password-migration';
import { KeychainVault } from '../accounts/vault-keychain';
import { connectToWriter } from '../command-socket/connect';
import { serveCommandSocket } from '../command-socket/serve';
import { type MailServiceHandle, type MailServiceOptions, openMailService } from '../service/mail-service';
import { systemClock } from '../shell/clock';
import { superviseWatching } from '../shell/keep-watching';
import { defaultDataDir } from '../store/data-dir';
import { startBridge } from './ws-bridge';

async function run(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    // --allow-path-methods: serve import/export (which name files) over the bridge; tests only.
    options: { 'data-dir': { type: 'string' }, port: { type: 'string' }, 'allow-path-methods': { type: 'boolean' } },
  });
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const vault = new KeychainVault();
  for (const outcome of await migrateOldPasswords(dataDir, vault)) {
    const line = describeLeftBehind(outcome);
    if (line) process.stderr.write(`homing dev-web: warning: ${line}\n`);
  }
  let handle: MailServiceHandle | null = null;
  const supervisor = superviseWatching(() => handle, systemClock, (event) => {
    if (event.type === 'worker-died' || event.type === 'start-failed') process.stderr.write(`homing dev-web: sync ${event.type}\n`);
  });
  const timing = process.env.HOMING_WATCH_TIMING;
  handle = await openMailService({
    dataDir,
    vault,
    workerPath: join(__dirname, 'worker.cjs'),
    startWriter: true,
    // Another Homing holding the data directory (`homing sync --watch`) is followed, as by the app.
    reachHolder: (holder) => connectToWriter(dataDir, holder),
    onWorkerExit: (error) => supervisor.workerExited(error),
    ...(timing ? { watchTiming: JSON.parse(timing) as MailServiceOptions['watchTiming'] } : {}),
  });
  const opened = handle;
  // `homing` commands run while this holds the data directory are handed to it, as to the app.
  const commandSocket = serveCommandSocket(opened, { dataDir, onNote: (text) => process.stderr.write(`homing dev-web: note: ${text}\n`) });
  // Served before the URL is printed when this process writes; a follower serves it once it takes over.
  if ((await opened.service.getAppInfo({})).writable) await commandSocket.ready;
  supervisor.start();
  const bridge = await startBridge({
    service: opened.service,
    staticDir: join(__dirname, '..', 'renderer'),
    ...(values.port ? { port: Number(values.port) } : {}),
    allowPathMethods: values['allow-path-methods'] === true,
  });
  process.stdout.write(`homing dev-web: ${bridge.url}\n`);
  const stop = async () => {
    supervisor.stop();
    await bridge.close();
    await commandSocket.close(() => opened.close());
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

run().catch((error: unknown) => {
  process.stderr.write(`homing dev-web: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
