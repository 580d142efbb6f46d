import type { Pop3Command } from '../command';
import { replyError } from '../pop3-errors';
import { assertMaySendSecret, type Credentials } from './credentials';

/** USER name, then PASS password (RFC 1939 §7). */
export const userPass: Pop3Command<Credentials, void> = {
  name: 'USER',
  states: ['AUTHORIZATION'],
  async run(io, { username, password }) {
    assertMaySendSecret(io, 'USER/PASS');
    const user = await io.send(`USER ${username}`, { timeoutMs: io.timeouts.authMs });
    if (user.kind !== 'ok') throw replyError(user, io.context(`USER ${username}`));
    const pass = await io.send(`PASS ${password}`, { shown: 'PASS ***', timeoutMs: io.timeouts.authMs });
    if (pass.kind !== 'ok') throw replyError(pass, io.context('PASS ***'));
    io.session.to('TRANSACTION');
  },
};
