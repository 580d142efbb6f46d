/**
 * `homing`: the same core as the app, headless. Errors go to stderr as `homing: CODE: message` with a
 * non-zero exit status (2 for usage errors).
 */
import { toErrorData } from '../../shared/errors';
import { defaultDataDir } from '../store/data-dir';
import { APP_VERSION } from '../version';
import { createCliContext } from './cli-context';
import { commands } from './commands';

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
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
      io.stdout.write(help());
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
    io.stderr.write(help());
    return 2;
  }
  const command = findCommand(rest);
  if (!command) return usageError(io.stderr, `unknown command: ${rest.slice(0, 2).join(' ')} (see homing --help)`);
  const ctx = createCliContext(dataDir, io);
  try {
    return await command.run(ctx, rest.slice(command.name.split(' ').length));
  } catch (error) {
    const data = toErrorData(error);
    io.stderr.write(`homing: ${data.code}: ${data.message}\n`);
    return data.code === 'INVALID_ARGUMENT' ? 2 : 1;
  } finally {
    await ctx.close();
  }
}

function findCommand(words: string[]) {
  // Longest name first, so `account list` wins over a hypothetical `account`.
  return [...commands]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((word, i) => words[i] === word));
}

function usageError(stderr: NodeJS.WritableStream, message: string): number {
  stderr.write(`homing: INVALID_ARGUMENT: ${message}\n`);
  return 2;
}

function help(): string {
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

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`homing: INTERNAL: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
