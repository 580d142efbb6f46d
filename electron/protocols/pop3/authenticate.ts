import { HomingError } from '../../../shared/errors';
import type { Capabilities } from './capabilities';
import type { Pop3Command, Pop3Io } from './command';
import { apop } from './commands/apop';
import { authLogin } from './commands/auth-login';
import { authPlain } from './commands/auth-plain';
import type { Credentials } from './commands/credentials';
import { userPass } from './commands/user-pass';

export type Pop3Mechanism = 'plain' | 'login' | 'user' | 'apop';

const commands: Record<Pop3Mechanism, Pop3Command<Credentials, void>> = {
  plain: authPlain,
  login: authLogin,
  user: userPass,
  apop,
};

/**
 * The one mechanism to log in with. Only one is tried: after a rejected password, trying the next
 * mechanism would only count as more failed logins (and lock some hosting accounts out).
 * - Encrypted (the normal case): SASL PLAIN, then SASL LOGIN (RFC 5034), then USER/PASS, then APOP.
 * - Unencrypted (only when the user chose security `none`): APOP first when the greeting offers it,
 *   because it does not put the password itself on the wire.
 * - No CAPA (an RFC 1939-only server): USER/PASS, or APOP when the connection is plain and it is offered.
 */
export function chooseMechanism(capabilities: Capabilities, apopTimestamp: string | null, encrypted: boolean): Pop3Mechanism {
  if (!encrypted && apopTimestamp) return 'apop';
  const sasl = capabilities.saslMechanisms;
  if (sasl.includes('PLAIN')) return 'plain';
  if (sasl.includes('LOGIN')) return 'login';
  if (!capabilities.known || capabilities.has('USER')) return 'user';
  if (apopTimestamp) return 'apop';
  throw new HomingError(
    'SERVER_ERROR',
    `The server offers no way to log in that Homing supports (it offers: ${sasl.length > 0 ? `SASL ${sasl.join(' ')}` : 'nothing'}).`,
    { capabilities: capabilities.list() },
  );
}

/** Logs in (AUTHORIZATION → TRANSACTION) and says which mechanism was used. */
export async function login(io: Pop3Io, username: string, password: string, forced?: Pop3Mechanism): Promise<Pop3Mechanism> {
  const mechanism = forced ?? chooseMechanism(io.capabilities, io.apopTimestamp, io.encrypted);
  const command = commands[mechanism];
  io.session.require(command.name, command.states);
  await command.run(io, { username, password });
  return mechanism;
}
