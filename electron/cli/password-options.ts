import type { PasswordSource } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';
import { splitCommandLine } from '../accounts/command-line';
import type { CliContext } from './cli-context';

/** The options of `account add` and `account edit` that say what the password is and where it lives. */
export const passwordOptions = {
  'password-env': { type: 'string' },
  'password-command': { type: 'string' },
  'insecure-store-in-file': { type: 'boolean' },
  keychain: { type: 'boolean' },
} as const;

export const PASSWORD_USAGE = "(--password-env VAR [--insecure-store-in-file] | --password-command 'pass show mail/me')";

interface PasswordValues {
  'password-env'?: string;
  'password-command'?: string;
  'insecure-store-in-file'?: boolean;
  keychain?: boolean;
}

/**
 * What the options say: the password (from an environment variable, never the command line, where `ps`
 * shows it) and, when one was named, where it lives from now on. `--keychain` only moves an account back.
 */
export function passwordChoice(ctx: CliContext, values: PasswordValues): { password?: string; source?: PasswordSource } {
  const places = [values['password-command'] !== undefined, values['insecure-store-in-file'] === true, values.keychain === true].filter(Boolean).length;
  if (places > 1) throw new HomingError('INVALID_ARGUMENT', 'choose one of --password-command, --insecure-store-in-file and --keychain');
  const command = values['password-command'];
  if (command !== undefined) {
    if (values['password-env']) throw new HomingError('INVALID_ARGUMENT', '--password-command prints the password itself: leave out --password-env');
    splitCommandLine(command); // a usage error now rather than at the first sync
    return { source: { kind: 'command', command } };
  }
  const choice: { password?: string; source?: PasswordSource } = {};
  if (values['password-env']) choice.password = passwordFrom(ctx, values['password-env']);
  if (values['insecure-store-in-file']) choice.source = { kind: 'file' };
  if (values.keychain) choice.source = { kind: 'keychain' };
  return choice;
}

function passwordFrom(ctx: CliContext, variable: string): string {
  const password = ctx.env[variable];
  if (!password) throw new HomingError('INVALID_ARGUMENT', `the environment variable ${variable} is empty or not set`);
  return password;
}
