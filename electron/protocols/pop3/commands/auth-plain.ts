import { HomingError } from '../../../../shared/errors';
import type { Pop3Command } from '../command';
import { replyError } from '../pop3-errors';
import { assertMaySendSecret, base64, type Credentials } from './credentials';

/** RFC 5034 §4: an AUTH command line with its initial response may be at most 255 octets with CRLF. */
const MAX_AUTH_LINE = 255;

/**
 * AUTH PLAIN (RFC 5034 with RFC 4616): `\0user\0password` in base64, as an initial response when it fits
 * on the command line, else after the server's empty challenge.
 */
export const authPlain: Pop3Command<Credentials, void> = {
  name: 'AUTH',
  states: ['AUTHORIZATION'],
  async run(io, { username, password }) {
    assertMaySendSecret(io, 'AUTH PLAIN');
    const response = base64(`\0${username}\0${password}`);
    const line = `AUTH PLAIN ${response}`;
    let status;
    if (line.length + 2 <= MAX_AUTH_LINE) {
      status = await io.send(line, { shown: 'AUTH PLAIN ***', timeoutMs: io.timeouts.authMs, continuation: true });
    } else {
      status = await io.send('AUTH PLAIN', { timeoutMs: io.timeouts.authMs, continuation: true });
      if (status.kind === 'continue') status = await io.send(response, { shown: 'AUTH PLAIN ***', timeoutMs: io.timeouts.authMs, continuation: true });
    }
    if (status.kind === 'continue') {
      // A challenge after the credentials is not PLAIN: cancel the exchange (RFC 5034 §4, "*").
      await io.send('*', { timeoutMs: io.timeouts.authMs });
      throw new HomingError('PROTOCOL_ERROR', `${io.host}:${io.port} asked for more after AUTH PLAIN; the login was cancelled.`);
    }
    if (status.kind !== 'ok') throw replyError(status, io.context('AUTH PLAIN ***'));
    io.session.to('TRANSACTION');
  },
};
