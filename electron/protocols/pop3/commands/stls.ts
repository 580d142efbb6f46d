import { HomingError } from '../../../../shared/errors';
import type { Pop3Command } from '../command';
import { capa } from './capa';

/**
 * STLS (RFC 2595 §4): upgrade the plain connection to TLS before logging in. A server that does not offer
 * it is refused with AUTH_PLAINTEXT_REFUSED: falling back to plain text would send the password in the clear.
 */
export const stls: Pop3Command<void, void> = {
  name: 'STLS',
  states: ['AUTHORIZATION'],
  async run(io) {
    if (io.encrypted) return;
    const refuse = (said: string | null) =>
      new HomingError(
        'AUTH_PLAINTEXT_REFUSED',
        `${io.host}:${io.port} does not offer STLS${said ? ` (it said: ${said})` : ''}, so the password would travel unencrypted and was not sent. ` +
          'Use SSL/TLS (usually port 995), or ask your provider.',
        { host: io.host, port: io.port, security: io.security, response: said },
      );
    // A server without CAPA may still know STLS: only a CAPA list without it is a clear no.
    if (io.capabilities.known && !io.capabilities.has('STLS')) throw refuse(null);
    const status = await io.send('STLS');
    if (status.kind !== 'ok') throw refuse(status.text);
    await io.upgradeToTls();
    // RFC 2595 §4: capabilities learnt before TLS must be forgotten and asked for again.
    await capa.run(io, undefined);
  },
};
