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

export function parsePort(value: string, usage: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HomingError('INVALID_ARGUMENT', `not a port: ${value}\nusage: homing ${usage}`);
  return port;
}
