import { toErrorData } from '../../shared/errors';
import { defaultDataDir } from '../store/data-dir';
import { APP_VERSION } from '../version';
import type { CliContext } from './cli-context';
import type { CliCommand } from './command';
import { HandOver } from './hand-over';
import { watchOutput } from './output-watch';
import { blockText, inlineText } from './terminal-text';

/** The commands a program runs, and the context each gets. */
export interface CliSetup {
  readonly commands: readonly CliCommand[];
  createContext(dataDir: string, io: Pick<CliContext, 'stdout' | 'stderr' | 'env'>): CliContext;
}

/**
 * Runs one command line: the global options, the command, its errors as `homing: CODE: message`, the exit
 * status (2 for usage errors). A HandOver is not an error: it is thrown on to the caller (entry.ts).
 */
export async function runCommand(argv: string[], env: NodeJS.ProcessEnv, setup: CliSetup): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr, env };
  let dataDir = env.HOMING_DATA_DIR || defaultDataDir(env);
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (rest.length === 0 && (arg === '--version' || arg === '-V')) {
      io.stdout.write(`homing ${APP_VERSION}\n`);
      return 0;
    }
    if (rest.length === 0 && (arg === '--help' || arg === '-h' || arg === 'help')) {
      io.stdout.write(help(setup.commands));
      return 0;
    }
    if (arg === '--data-dir' || arg.startsWith('--data-dir=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!value) return usageError(io.stderr, '--data-dir needs a directory');
      dataDir = value;
      continue;
    }
    rest.push(arg);
  }
  if (rest.length === 0) {
    io.stderr.write(help(setup.commands));
    return 2;
  }
  const command = findCommand(setup.commands, rest);
  // `homing account add --help`: what a user types to learn one command; `homing account` alone lists the group.
  const group = command ? [command] : setup.commands.filter((c) => c.name.split(' ')[0] === rest[0]);
  if (asksForHelp(rest)) {
    if (group.length === 0) return usageError(io.stderr, `unknown command: ${rest[0]} (see homing --help)`);
    io.stdout.write(usageOf(group));
    return 0;
  }
  if (!command) {
    if (group.length > 0) {
      io.stderr.write(usageOf(group));
      return 2;
    }
    return usageError(io.stderr, `unknown command: ${rest.slice(0, 2).join(' ')} (see homing --help)`);
  }
  const ctx = setup.createContext(dataDir, io);
  const output = watchOutput(io.stdout);
  try {
    const run = command.run(ctx, rest.slice(command.name.split(' ').length));
    // When the output's reader goes first, the command is left behind: closing the service below makes
    // its next call fail, and that failure has nobody left to tell.
    run.catch(() => undefined);
    const outcome = await Promise.race([run.then((status) => ({ kind: 'done' as const, status })), output.ended]);
    if (outcome.kind === 'done') return outcome.status;
    if (outcome.kind === 'reader-gone') return 0; // `homing list | head`: the reader has all it wanted
    io.stderr.write(`homing: IO_ERROR: the output could not be written (${outcome.code})\n`);
    return 1;
  } catch (error) {
    if (error instanceof HandOver) throw error;
    const data = toErrorData(error);
    // A server's reply can be part of the message: escaped, as mail is.
    io.stderr.write(`homing: ${data.code}: ${blockText(data.message)}\n`);
    // 'Invalid arguments for tagMessages' alone does not say which one: the contract's words for each do.
    for (const issue of argumentIssues(data.detail)) io.stderr.write(`  ${inlineText(issue)}\n`);
    if (data.code === 'DATA_DIR_LOCKED') {
      io.stderr.write(`${typeof data.detail?.storeVersion === 'number' ? OLDER_STORE_HELD_ADVICE : DATA_DIR_LOCKED_ADVICE}\n`);
    }
    // The keychain's own words (VAULT_*): our message names the likely cause, its text tells the rest
    // (which D-Bus error, which platform failure), and nobody can ask for it after the command ended.
    const keychain = data.detail?.keychain;
    if (typeof keychain === 'string' && keychain.trim()) io.stderr.write(`homing: the keychain said: ${inlineText(keychain.trim())}\n`);
    return data.code === 'INVALID_ARGUMENT' ? 2 : 1;
  } finally {
    output.dispose();
    await ctx.close();
  }
}

/**
 * What to do when the data directory's writer is another process that does not take commands from
 * homing (one that serves the command socket gets them handed over instead: README, "The app and the
 * command line at the same time"), or when this command must be the writer itself (`sync --watch`).
 */
export const DATA_DIR_LOCKED_ADVICE =
  'what to do: reading commands (list, search, show, folders, export) work while it runs. Quit the other Homing ' +
  '(the app, dev:web or homing sync --watch), or wait for the other homing command to finish, then run this again.';

/** DATA_DIR_LOCKED when the holder is an older Homing whose store this one must update first: nothing works until it quits. */
export const OLDER_STORE_HELD_ADVICE =
  'what to do: quit the Homing that is running (the app, dev:web or homing sync --watch; started again after this update, ' +
  'it updates the store itself), then run this again.';

/** The contract's refusals of a command's arguments (shared/dispatch.ts's detail), one line each: `limit: Too big: …`. */
function argumentIssues(detail: Record<string, unknown> | undefined): string[] {
  const issues = detail?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.slice(0, 10).flatMap((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') return [];
    return [typeof path === 'string' && path ? `${path}: ${message}` : message];
  });
}

function findCommand(commands: readonly CliCommand[], words: string[]) {
  // Longest name first, so `account list` wins over a hypothetical `account`.
  return [...commands]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((word, i) => words[i] === word));
}

/** `--help` or `-h` among the command's words, before a `--` that ends the options. */
function asksForHelp(words: string[]): boolean {
  const end = words.indexOf('--');
  return (end === -1 ? words : words.slice(0, end)).some((word) => word === '--help' || word === '-h');
}

function usageOf(commands: readonly CliCommand[]): string {
  return commands.map((c) => `usage: homing ${c.usage}\n    ${c.summary}\n`).join('');
}

function usageError(stderr: NodeJS.WritableStream, message: string): number {
  stderr.write(`homing: INVALID_ARGUMENT: ${message}\n`);
  return 2;
}

function help(commands: readonly CliCommand[]): string {
  const lines = commands.map((c) => `  ${c.usage}\n      ${c.summary}`);
  return [
    `homing ${APP_VERSION}: your mail, on your computer`,
    '',
    'usage: homing [--data-dir DIR] COMMAND   (or HOMING_DATA_DIR; default: the app’s own data directory)',
    '',
    ...lines,
    '',
  ].join('\n');
}

/** Runs `run` as this process's program: its status becomes the exit status. */
export function runAsProgram(run: (argv: string[]) => Promise<number>): void {
  // stdout errors are watched while a command runs (output-watch.ts); a write after that, or to a closed
  // stderr (`homing sync 2>&1 | head`), has nowhere to be reported and must not end in a stack trace.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  run(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`homing: INTERNAL: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
