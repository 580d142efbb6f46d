import { HomingError } from '../../../shared/errors';

/**
 * The states of a POP3 session (RFC 1939 §3), plus the two ends around them:
 * - CONNECTING: the socket is being set up, the greeting has not been read.
 * - AUTHORIZATION: greeting read; CAPA, STLS, USER/PASS, AUTH, APOP allowed.
 * - TRANSACTION: logged in and the maildrop locked; STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP.
 * - UPDATE: QUIT was sent in TRANSACTION; the server applies the DELEs and closes (RFC 1939 §6).
 * - CLOSED: the connection is gone (after QUIT, an error, or close()); nothing may be sent.
 */
export type Pop3State = 'CONNECTING' | 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE' | 'CLOSED';

const allowed: Record<Pop3State, readonly Pop3State[]> = {
  CONNECTING: ['AUTHORIZATION', 'CLOSED'],
  AUTHORIZATION: ['TRANSACTION', 'CLOSED'],
  TRANSACTION: ['UPDATE', 'CLOSED'],
  UPDATE: ['CLOSED'],
  CLOSED: [],
};

/** Holds the session state and refuses transitions RFC 1939 does not have. */
export class SessionState {
  private current: Pop3State = 'CONNECTING';

  get state(): Pop3State {
    return this.current;
  }

  to(next: Pop3State): void {
    if (next === this.current) return;
    if (!allowed[this.current].includes(next)) {
      throw new HomingError('INTERNAL', `POP3 state ${this.current} cannot change to ${next}.`);
    }
    this.current = next;
  }

  /** Called at the top of every command: a command sent in the wrong state is a bug in Homing, not the server. */
  require(command: string, states: readonly Pop3State[]): void {
    if (this.current === 'CLOSED') {
      throw new HomingError('CONNECTION_LOST', `The POP3 connection is closed; ${command} was not sent.`);
    }
    if (!states.includes(this.current)) {
      throw new HomingError('INTERNAL', `POP3 ${command} is not allowed in the ${this.current} state (only in ${states.join(', ')}).`);
    }
  }
}
