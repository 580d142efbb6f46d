import { join } from 'node:path';
import { createClient, type MailClient } from '../../shared/client';
import { eventNames } from '../../shared/contract';
import { dispatch } from '../../shared/dispatch';
import { describeLeftBehind, migrateOldPasswords } from '../accounts/password-migration';
import { KeychainVault } from '../accounts/vault-keychain';
import { openMailService, type MailServiceHandle } from '../service/mail-service';
import { jsonText } from './terminal-text';

/** What every CLI command gets: the data directory, output streams, and the service opened on demand. */
export interface CliContext {
  readonly dataDir: string;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** The service through the same validating gate as IPC, so defaults and checks apply alike. */
  service(): Promise<MailClient>;
  close(): Promise<void>;
}

export function createCliContext(dataDir: string, io: Pick<CliContext, 'stdout' | 'stderr' | 'env'>): CliContext {
  let handle: Promise<MailServiceHandle> | null = null;
  let client: MailClient | null = null;
  return {
    dataDir,
    ...io,
    async service() {
      handle ??= (async () => {
        const vault = new KeychainVault();
        // Passwords an older version left in credentials.json move into the keychain; those that cannot
        // (no keychain answers) are named on stderr at every command until they can, never used silently.
        for (const outcome of await migrateOldPasswords(dataDir, vault)) {
          const line = describeLeftBehind(outcome);
          if (line) io.stderr.write(`homing: warning: ${line}\n`);
        }
        // The CLI bundle sits beside the worker bundle in dist/node/.
        return openMailService({ dataDir, vault, workerPath: join(__dirname, 'worker.cjs') });
      })();
      const { service } = await handle;
      client ??= createClient({
        // The user typed the paths on this command line: import and export are theirs to call.
        invoke: (method, args) => dispatch(service, method, args, { allowPathMethods: true }),
        subscribe: (listener) => {
          const stops = eventNames.map((event) => service.on(event, (payload) => listener(event, payload)));
          return () => stops.forEach((stop) => stop());
        },
      });
      return client;
    },
    async close() {
      if (handle) await (await handle.catch(() => null))?.close();
    },
  };
}

/** Writes JSON the way scripts like it: one document, two-space indent, trailing newline, every control escaped. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${jsonText(value, 2)}\n`);
}
