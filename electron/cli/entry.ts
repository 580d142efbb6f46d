/**
 * The `homing` program, bundled as homing-read.cjs and loaded by the executable (launcher.ts). Every
 * command line goes to the whole CLI (main.ts, bundled as homing-cli.cjs) except the reading commands,
 * which run here first on a read-only connection of their own (local-context.ts): this bundle is a
 * fraction of the whole CLI's size and loads neither the mail service nor its contract, and a process
 * start is most of what such a command costs. When one of them needs the service after all (the store
 * must be created or migrated first, an old password file waits to move into the keychain, arguments the
 * contract may refuse, a body to download), it hands over before writing anything and the whole CLI runs
 * the same command line.
 */
import { join } from 'node:path';
import { folders } from './commands/folders';
import { list } from './commands/list';
import { search } from './commands/search';
import { show } from './commands/show';
import { HandOver } from './hand-over';
import { createLocalContext } from './local-context';
import type * as WholeCli from './main';
import { runAsProgram, runCommand, type CliSetup } from './run';

const reading: CliSetup = { commands: [folders, list, search, show], createContext: createLocalContext };

/** The command's first word, past the global options, as runCommand reads them. */
function commandWord(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--data-dir') i++;
    else if (!arg.startsWith('--data-dir=')) return arg;
  }
  return undefined;
}

/** What this bundle answers alone: the reading commands, and the version (runCommand prints it). */
function answersAlone(word: string | undefined): boolean {
  return word === '--version' || word === '-V' || reading.commands.some((c) => c.name === word);
}

export async function entry(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (answersAlone(commandWord(argv))) {
    try {
      return await runCommand(argv, env, reading);
    } catch (error) {
      if (!(error instanceof HandOver)) throw error;
    }
  }
  // Beside this file in dist/node/ (build/build-main.mjs); required by its path, so it stays a file of its own.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when needed, and synchronously
  const whole = require(join(__dirname, 'homing-cli.cjs')) as typeof WholeCli;
  return whole.main(argv, env);
}

/** Runs the command line of this process (launcher.ts calls it once the compile cache is on). */
export function runProgram(): void {
  runAsProgram(entry);
}

if (require.main === module) runProgram();
