import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HomingError } from '../../shared/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with usage errors turned into INVALID_ARGUMENT (exit status 2). */
export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new HomingError('INVALID_ARGUMENT', `${(error as Error).message}\nusage: homing ${usage}`);
  }
}

export function requireOption(value: string | undefined, name: string, usage: string): string {
  if (value === undefined || value === '') throw new HomingError('INVALID_ARGUMENT', `--${name} is required\nusage: homing ${usage}`);
  return value;
}

export function parseIds(words: string[], usage: string): number[] {
  if (words.length === 0) throw new HomingError('INVALID_ARGUMENT', `at least one message id is required\nusage: homing ${usage}`);
  return words.map((word) => {
    const id = Number(word);
    if (!Number.isSafeInteger(id) || id <= 0) throw new HomingError('INVALID_ARGUMENT', `not a message id: ${word}`);
    return id;
  });
}

/**
 * The one message id a command acts on. A second id is refused rather than dropped: `homing outbox retry 3 4`
 * must not quietly retry 3 alone and exit 0.
 */
export function parseOneId(words: string[], usage: string): number {
  if (words.length === 0) throw new HomingError('INVALID_ARGUMENT', `a message id is required\nusage: homing ${usage}`);
  if (words.length > 1) throw new HomingError('INVALID_ARGUMENT', `one message id at a time (got ${words.length}: ${words.join(' ')})\nusage: homing ${usage}`);
  return parseIds(words, usage)[0]!;
}

export function parsePort(value: string, usage: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HomingError('INVALID_ARGUMENT', `not a port: ${value}\nusage: homing ${usage}`);
  return port;
}

/**
 * What a provider's settings page calls these values, for the advice when one of them is given instead:
 * cPanel and Plesk say "SSL/TLS", and some list the protocols as IMAPS/POP3S (the encrypted ports).
 */
const choiceHints: Record<string, string> = {
  ssl: 'SSL/TLS is tls',
  'ssl/tls': 'SSL/TLS is tls',
  'tls/ssl': 'SSL/TLS is tls',
  imaps: 'IMAPS is imap with --security tls',
  pop3s: 'POP3S is pop3 with --security tls',
  pop: 'POP is pop3',
  smtps: 'SMTPS is --smtp-security tls',
};

/**
 * One of a fixed set of words (`--security tls|starttls|none`), or a usage error naming them; given before
 * anything connects, rather than the service's generic refusal of invalid arguments.
 */
export function parseChoice<T extends string>(value: string, name: string, choices: readonly T[], usage: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  const hint = choiceHints[value.toLowerCase()];
  const words = choices.length === 2 ? choices.join(' or ') : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
  throw new HomingError('INVALID_ARGUMENT', `--${name} must be ${words} (got ${value}${hint ? `; ${hint}` : ''})\nusage: homing ${usage}`);
}
