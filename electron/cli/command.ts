import type { CliContext } from './cli-context';

/** One CLI command. `run` returns the exit status; errors are thrown as HomingErrors and printed by main. */
export interface CliCommand {
  /** Words that select the command, e.g. `account list`. */
  readonly name: string;
  /** One line: arguments and options. */
  readonly usage: string;
  readonly summary: string;
  run(ctx: CliContext, argv: string[]): Promise<number>;
}
