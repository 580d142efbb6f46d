import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MailClient } from '../../shared/client';
import type { MethodArgs, MethodArgsInput, MethodResult } from '../../shared/contract';
import { LEGACY_PASSWORD_FILE } from '../accounts/password-file-names';
import { openReadOnlyQueries, type ReadOnlyQueries, type ReadOnlyQueryName } from '../service/read-only-queries';
import { HandOver } from './hand-over';
import { readArgs } from './read-args';

/** The queries the reading commands (folders, list, search, show) use. */
export type ReadQueries = Pick<MailClient, ReadOnlyQueryName>;

/** A message's stored bytes read straight from the store, chunk by chunk (`homing show --raw`). */
export type StoredSources = Pick<ReadOnlyQueries, 'bodyStatus' | 'storedChunks'>;

export interface LocalReader {
  readonly queries: ReadQueries;
  readonly sources: StoredSources;
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
  /** One reading command's query: checked here, answered by the service's handler, or handed over. */
  const answer =
    <Q extends ReadOnlyQueryName>(name: Q, mustHandOver: (checked: MethodArgs<Q>) => boolean = () => false) =>
    async (args: MethodArgsInput<Q>): Promise<MethodResult<Q>> => {
      const checked = checkers[name](args);
      return checked && !mustHandOver(checked) ? handlers[name](checked) : handOver();
    };
  const queries: ReadQueries = {
    listFolders: answer('listFolders'),
    listMessages: answer('listMessages'),
    search: answer('search'),
    getMessage: answer('getMessage'),
    // A whole source of a message stored without its body is downloaded by the writer first.
    getMessageSource: answer('getMessageSource', (checked) => checked.part === 'whole' && store.bodyStatus(checked.id) !== 'full'),
  };
  return { queries, sources: store, close: () => store.close() };
}

/** read-args.ts's checkers, typed per query so that one generic `answer` can call any of them. */
const checkers: { [Q in ReadOnlyQueryName]: (args: MethodArgsInput<Q>) => MethodArgs<Q> | null } = readArgs;

function handOver(): never {
  throw new HandOver('the contract checks these arguments, or the writer downloads the body first');
}
