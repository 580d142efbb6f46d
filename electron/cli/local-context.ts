import type { CliContext } from './cli-context';
import { HandOver } from './hand-over';
import { type LocalReader, openLocalReader } from './local-reader';

/**
 * The context of a reading command run by the `homing` executable itself (entry.ts): reader() is the
 * store's read-only connection; anything that needs the mail service hands the command line over to it.
 */
export function createLocalContext(dataDir: string, io: Pick<CliContext, 'stdout' | 'stderr' | 'env'>): CliContext {
  let reader: LocalReader | null | undefined;
  const note = (text: string) => io.stderr.write(`homing: note: ${text}\n`);
  const opened = (): LocalReader => {
    if (reader === undefined) reader = openLocalReader(dataDir, note);
    if (!reader) throw new HandOver('the store must be opened by the mail service');
    return reader;
  };
  return {
    dataDir,
    ...io,
    async service() {
      throw new HandOver('the command needs the mail service');
    },
    async reader() {
      return opened().queries;
    },
    async storedSources() {
      return opened().sources;
    },
    async becomeWriter() {
      throw new HandOver('the command writes');
    },
    async close() {
      reader?.close();
    },
  };
}
