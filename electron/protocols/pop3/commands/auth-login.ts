import { HomingError } from '../../../../shared/errors';
import type { Pop3Command } from '../command';
import { replyError } from '../pop3-errors';
import type { StatusLine } from '../response-reader';
import { assertMaySendSecret, base64, type Credentials } from './credentials';

/**
 * AUTH LOGIN (RFC 5034 exchange; the LOGIN mechanism of draft-murchison-sasl-login): the server asks
 * for the user name, then the password, each sent base64-encoded on its own line.
 */
export const authLogin: Pop3Command<Credentials, void> = {
  name: 'AUTH',
  states: ['AUTHORIZATION'],
  async run(io, { username, password }) {
    assertMaySendSecret(io, 'AUTH LOGIN');
    const options = { timeoutMs: io.timeouts.authMs, continuation: true };
    const expectChallenge = async (status: StatusLine, step: string) => {
      if (status.kind === 'continue') return;
      if (status.kind === 'err') throw replyError(status, io.context('AUTH LOGIN'));
      throw new HomingError('PROTOCOL_ERROR', `${io.host}:${io.port} ended AUTH LOGIN before asking for the ${step}.`);
    };
    await expectChallenge(await io.send('AUTH LOGIN', options), 'user name');
    await expectChallenge(await io.send(base64(username), { ...options, shown: 'AUTH LOGIN (user name)' }), 'password');
    const status = await io.send(base64(password), { ...options, shown: 'AUTH LOGIN ***' });
    if (status.kind === 'continue') {
      await io.send('*', { timeoutMs: io.timeouts.authMs });
      throw new HomingError('PROTOCOL_ERROR', `${io.host}:${io.port} asked for more after the password in AUTH LOGIN; the login was cancelled.`);
    }
    if (status.kind !== 'ok') throw replyError(status, io.context('AUTH LOGIN ***'));
    io.session.to('TRANSACTION');
  },
};
