/**
 * `homing`, every command: the same core as the app, headless, through the mail service. Bundled as
 * homing-cli.cjs and started by the `homing` executable (entry.ts) for every command line that its
 * reading commands do not answer alone.
 */
import { createCliContext } from './cli-context';
import { commands } from './commands';
import { runCommand } from './run';

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runCommand(argv, env, { commands, createContext: createCliContext });
}
