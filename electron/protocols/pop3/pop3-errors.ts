import { HomingError } from '../../../shared/errors';
import type { StatusLine } from './response-reader';

/** Where a reply came from, for the error's detail (the command is already redacted). */
export interface ReplyContext {
  host: string;
  port: number;
  command: string;
}

/** Commands whose -ERR means "not logged in": RFC 1939 §7 (USER, PASS, APOP), RFC 5034 (AUTH). */
const LOGIN_COMMANDS = new Set(['USER', 'PASS', 'APOP', 'AUTH']);

/**
 * A `-ERR` reply as a coded error, classified by the extended response code (RFC 2449 §8, RFC 3206) and
 * never by its text: servers word their replies in every language.
 * - `[IN-USE]`: another session holds the maildrop lock → MAILBOX_LOCKED (try again later).
 * - `[LOGIN-DELAY]`: logged in too recently → SERVER_ERROR, retry later.
 * - `[SYS/TEMP]`: a temporary server problem → SERVER_ERROR, retry later.
 * - `[AUTH]`, or no code on USER/PASS/APOP/AUTH → AUTH_FAILED with the server's own words.
 * - `[SYS/PERM]` and anything else → SERVER_ERROR.
 */
export function replyError(status: StatusLine, context: ReplyContext): HomingError {
  const verb = context.command.split(' ')[0]!.toUpperCase();
  const said = status.text.trim() || '(no explanation)';
  const detail = {
    host: context.host,
    port: context.port,
    command: context.command,
    response: status.text.slice(0, 500),
    responseCode: status.code,
  };
  switch (status.code) {
    case 'IN-USE':
      return new HomingError('MAILBOX_LOCKED', `The mailbox is in use by another program (the server said: ${said}). Homing will try again later.`, {
        ...detail,
        retryLater: true,
      });
    case 'LOGIN-DELAY':
      return new HomingError('SERVER_ERROR', `The server allows logins only every so often (it said: ${said}). Homing will try again later.`, {
        ...detail,
        retryLater: true,
      });
    case 'SYS/TEMP':
      return new HomingError('SERVER_ERROR', `The server has a temporary problem (it said: ${said}). Homing will try again later.`, {
        ...detail,
        retryLater: true,
      });
    case 'AUTH':
      return new HomingError('AUTH_FAILED', `The server rejected the login: ${said}`, detail);
    case 'SYS/PERM':
      return new HomingError('SERVER_ERROR', `The server refused ${verb}: ${said}`, detail);
  }
  if (LOGIN_COMMANDS.has(verb)) return new HomingError('AUTH_FAILED', `The server rejected the login: ${said}`, detail);
  return new HomingError('SERVER_ERROR', `The server refused ${verb}: ${said}`, detail);
}

/** A reply that is valid POP3 but not what the command calls for (a listing line that does not parse…). */
export function malformedReply(context: ReplyContext, what: string, line: string): HomingError {
  return new HomingError('PROTOCOL_ERROR', `The server's answer to ${context.command.split(' ')[0]} could not be understood: ${what}.`, {
    host: context.host,
    port: context.port,
    command: context.command,
    response: line.slice(0, 500),
  });
}
