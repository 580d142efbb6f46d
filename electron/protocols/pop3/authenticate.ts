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
 * `withoutApop` leaves APOP out (it was refused for this user: see login()).
 */
export function chooseMechanism(capabilities: Capabilities, apopTimestamp: string | null, encrypted: boolean, withoutApop = false): Pop3Mechanism {
  if (withoutApop) apopTimestamp = null;
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

/**
 * Servers and users for which APOP was refused in this process (`host:port user`). A greeting's timestamp
 * says only that the server knows APOP, not that it can check this user with it: Dovecot with `apop` in
 * auth_mechanisms (cPanel can turn it on) puts one in every greeting, yet APOP needs the plaintext password
 * on the server, and hosts store passwords hashed, so APOP fails for every such user whatever the password.
 */
const apopRefused = new Set<string>();

/**
 * What the account's store knows of APOP for this user (pop3-session.ts): the in-process memory above is
 * lost at every run of `homing sync` and every start of the app, and each lost memory cost the host one
 * failed login more, which brute-force guards (cPanel's cPHulk, fail2ban) count toward a lockout.
 */
export interface ApopRecord {
  /** APOP was refused for this user, on this server, while another mechanism took the same password. */
  readonly refused: boolean;
  /** Called when that has just happened. */
  remember(): void;
}

/**
 * Logs in (AUTHORIZATION → TRANSACTION) and says which mechanism was used. An APOP the server refuses is
 * followed, on the same connection (RFC 1939 §7: a refused login stays in AUTHORIZATION), by the mechanism
 * the server would have got without the timestamp (SASL PLAIN/LOGIN or USER/PASS), as mutt does with
 * pop_auth_try_all; that user is then not tried with APOP again on this server while the process runs,
 * so a wrong password costs the server one failed login more once, not at every pass, and when the other
 * mechanism takes the password, not again for the account (`record`). Only a refusal
 * (AUTH_FAILED) leads on: a locked maildrop, a temporary failure or a lost connection are reported as they are.
 */
export async function login(io: Pop3Io, username: string, password: string, forced?: Pop3Mechanism, record?: ApopRecord): Promise<Pop3Mechanism> {
  const key = `${io.host}:${io.port} ${username}`;
  const mechanism = forced ?? chooseMechanism(io.capabilities, io.apopTimestamp, io.encrypted, apopRefused.has(key) || record?.refused === true);
  try {
    await run(io, mechanism, username, password);
    return mechanism;
  } catch (error) {
    if (forced || mechanism !== 'apop' || !(error instanceof HomingError) || error.code !== 'AUTH_FAILED') throw error;
    apopRefused.add(key);
    let next: Pop3Mechanism;
    try {
      next = chooseMechanism(io.capabilities, null, io.encrypted);
    } catch {
      throw error; // nothing else to try: the refusal stands
    }
    await run(io, next, username, password);
    // The same password taken another way: APOP cannot work for this user here. Remembered beyond the
    // process only then: after a wrong password it may be the password, and APOP is what keeps it off a
    // plain connection.
    record?.remember();
    return next;
  }
}

async function run(io: Pop3Io, mechanism: Pop3Mechanism, username: string, password: string): Promise<void> {
  const command = commands[mechanism];
  io.session.require(command.name, command.states);
  await command.run(io, { username, password });
}
