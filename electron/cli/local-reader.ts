import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MailClient } from '../../shared/client';
import { LEGACY_PASSWORD_FILE } from '../accounts/password-file-names';
import { openReadOnlyQueries } from '../service/read-only-queries';
import { HandOver } from './hand-over';
import { readArgs } from './read-args';

/** The queries the reading commands (folders, list, search, show) use. */
export type ReadQueries = Pick<MailClient, 'listFolders' | 'listMessages' | 'search' | 'getMessage' | 'getMessageSource'>;

export interface LocalReader {
  readonly queries: ReadQueries;
  close(): void;
}

/**
 * The reading commands answered by the service's own query handlers on a read-only connection
 * (electron/service/read-only-queries.ts), without the service around them: its contract (zod and every
 * schema), the keychain, the worker and the command socket take longer to load than the query takes, and
 * a reading command needs none of them. Null when the service would do more: the store must be created
 * or migrated first, or an old password file waits to be moved into the keychain (the service tells the
 * user about it at every command).
 *
 * Arguments are checked as the contract checks them (read-args.ts, held to the contract by a test).
 * Arguments that fail, and a whole source whose body must be downloaded first, throw HandOver: the
 * service then answers the same command line, with its own error or download.
 */
export function openLocalReader(dataDir: string, note: (text: string) => void): LocalReader | null {
  if (existsSync(join(dataDir, LEGACY_PASSWORD_FILE))) return null;
  const store = openReadOnlyQueries(dataDir, note);
  if (!store) return null;
  const { handlers } = store;
  const queries: ReadQueries = {
    async listFolders(args) {
      const checked = readArgs.listFolders(args);
      return checked ? handlers.listFolders(checked) : handOver();
    },
    async listMessages(args) {
      const checked = readArgs.listMessages(args);
      return checked ? handlers.listMessages(checked) : handOver();
    },
    async search(args) {
      const checked = readArgs.search(args);
      return checked ? handlers.search(checked) : handOver();
    },
    async getMessage(args) {
      const checked = readArgs.getMessage(args);
      return checked ? handlers.getMessage(checked) : handOver();
    },
    async getMessageSource(args) {
      const checked = readArgs.getMessageSource(args);
      // A whole source of a message stored without its body is downloaded by the writer first.
      if (!checked || (checked.part === 'whole' && store.bodyStatus(checked.id) !== 'full')) return handOver();
      return handlers.getMessageSource(checked);
    },
  };
  return { queries, close: () => store.close() };
}

function handOver(): never {
  throw new HandOver('the contract checks these arguments, or the writer downloads the body first');
}
