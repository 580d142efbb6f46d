import { join } from 'node:path';
import { createClient, type MailClient } from '../../shared/client';
import { eventNames } from '../../shared/contract';
import { dispatch } from '../../shared/dispatch';
import { HomingError } from '../../shared/errors';
import { describeLeftBehind, migrateOldPasswords } from '../accounts/password-migration';
import { KeychainVault } from '../accounts/vault-keychain';
import { type CommandSocket, serveCommandSocket } from '../command-socket/serve';
import { readSocketRecord } from '../command-socket/socket-record';
import { openMailService, type MailServiceHandle } from '../service/mail-service';
import { openReadOnlyQueries, type ReadOnlyQueries } from '../service/read-only-queries';
import type { ReadQueries, StoredSources } from './local-reader';
import { type ForwardingTransport, forwardingTransport } from './writer-forwarding';

/** What every CLI command gets: the data directory, output streams, and the service opened on demand. */
export interface CliContext {
  readonly dataDir: string;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /**
   * The service through the same validating gate as IPC, so defaults and checks apply alike. Commands
   * are handed to the process holding the data directory when it serves the command socket
   * (writer-forwarding.ts).
   */
  service(): Promise<MailClient>;
  /**
   * What the reading commands ask. Here the service; the `homing` executable's own reading path
   * (local-context.ts) answers it from a read-only connection without loading the service.
   */
  reader(): Promise<ReadQueries>;
  /**
   * Stored sources read chunk by chunk from a read-only connection of this process, also when the
   * commands go to another process holding the directory (it is the same store on this computer); null
   * when the store cannot be read that way, and the caller asks reader() for the bytes instead.
   */
  storedSources(): Promise<StoredSources | null>;
  /**
   * Makes this process the data directory's writer now, for as long as it runs (`sync --watch`). Never
   * forwarded: while another process holds the directory it fails with DATA_DIR_LOCKED. Call before service().
   */
  becomeWriter(): Promise<void>;
  close(): Promise<void>;
}

export function createCliContext(dataDir: string, io: Pick<CliContext, 'stdout' | 'stderr' | 'env'>): CliContext {
  let handle: Promise<MailServiceHandle> | null = null;
  let client: MailClient | null = null;
  let transport: ForwardingTransport | null = null;
  let socket: CommandSocket | null = null;
  let startWriter = false;
  let sources: ReadOnlyQueries | null | undefined;
  const note = (text: string) => io.stderr.write(`homing: note: ${text}\n`);

  let vault: Promise<KeychainVault> | null = null;
  const openVault = () =>
    (vault ??= (async () => {
      const opened = new KeychainVault();
      // Passwords an older version left in credentials.json move into the keychain; those that cannot
      // (no keychain answers) are named on stderr at every command until they can, never used silently.
      for (const outcome of await migrateOldPasswords(dataDir, opened)) {
        const line = describeLeftBehind(outcome);
        if (line) io.stderr.write(`homing: warning: ${line}\n`);
      }
      return opened;
    })());

  const open = () =>
    (handle ??= (async () => {
      // The CLI bundle sits beside the worker bundle in dist/node/.
      const opened = await openMailService({ dataDir, vault: await openVault(), workerPath: join(__dirname, 'worker.cjs'), startWriter, onNote: note });
      // Whenever this process takes the writer lock (a pass from cron, an import, any command run while
      // nothing else holds the directory), it takes other processes' commands meanwhile, so that the app's
      // window and other homing runs are not refused while it writes. Served only from the lock on.
      socket = serveCommandSocket(opened, { dataDir, onNote: note, oneShot: !startWriter });
      return opened;
    })());

  const context: CliContext = {
    dataDir,
    ...io,
    async service() {
      const { service } = await open();
      transport ??= forwardingTransport(dataDir, {
        // The user typed the paths on this command line: import and export are theirs to call.
        invoke: (method, args) => dispatch(service, method, args, { allowPathMethods: true, allowPasswordCommands: true }),
        subscribe: (listener) => {
          const stops = eventNames.map((event) => service.on(event, (payload) => listener(event, payload)));
          return () => stops.forEach((stop) => stop());
        },
      });
      client ??= createClient(transport);
      return client;
    },
    reader() {
      return context.service();
    },
    async storedSources() {
      // After the service: it creates or migrates the store, which a read-only connection cannot.
      await context.service();
      if (sources === undefined) sources = openReadOnlyQueries(dataDir, note);
      return sources;
    },
    async becomeWriter() {
      if (handle) throw new Error('becomeWriter() must come before service()');
      startWriter = true;
      for (let told = false; ; told = true) {
        try {
          await open();
          return await socket?.ready.then(() => undefined);
        } catch (error) {
          // A one-shot homing run (a pass from cron) ends by itself: waited for, then this becomes the writer.
          const oneShot = oneShotHolder(dataDir, error);
          if (oneShot === null) throw lockedForWatch(error);
          if (!told) note(`waiting for homing (pid ${oneShot}), which is writing ${dataDir}, to finish`);
          handle = null;
          await new Promise((resolve) => setTimeout(resolve, ONE_SHOT_POLL_MS));
        }
      }
    },
    async close() {
      sources?.close();
      transport?.close();
      // Calls other processes handed to this one are carried out first when this command's own work is done
      // (a one-shot holder); a watch the user stopped stops now. Then new calls are refused WRITER_STOPPING
      // (their senders run them on the next writer), the service closes and frees the lock, and the socket goes.
      const opened = handle ? await handle.catch(() => null) : null;
      if (socket) await socket.close(async () => opened?.close(), { finishCalls: !startWriter });
      else await opened?.close();
    },
  };
  return context;
}

/** How often `homing sync --watch` looks whether the one-shot run holding the directory has finished. */
const ONE_SHOT_POLL_MS = 1_000;

/** The pid of the one-shot homing run that holds the lock (its socket record says so), or null. */
function oneShotHolder(dataDir: string, error: unknown): number | null {
  if (!(error instanceof HomingError) || error.code !== 'DATA_DIR_LOCKED') return null;
  const pid = error.detail?.pid;
  if (typeof pid !== 'number') return null;
  const record = readSocketRecord(dataDir);
  return record !== null && record.pid === pid && record.oneShot === true ? pid : null;
}

/** DATA_DIR_LOCKED for `sync --watch`, saying why it cannot be handed over; any other error as it is. */
function lockedForWatch(error: unknown): unknown {
  if (!(error instanceof HomingError) || error.code !== 'DATA_DIR_LOCKED') return error;
  return new HomingError(
    'DATA_DIR_LOCKED',
    `${error.message} This command keeps the accounts current itself and needs to be the only writer; the process holding the directory does that already.`,
    error.detail,
  );
}
