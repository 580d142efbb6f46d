import { createHash } from 'node:crypto';
import { HomingError } from '../../../../shared/errors';
import type { Pop3Command } from '../command';
import { replyError } from '../pop3-errors';
import { assertMaySendSecret, type Credentials } from './credentials';

/**
 * APOP name digest (RFC 1939 §7): MD5 of the greeting's timestamp followed by the password, so the
 * password itself never travels. MD5 is weak against an eavesdropper with a dictionary, which is why it
 * still goes through the encryption gate like the other mechanisms.
 */
export const apop: Pop3Command<Credentials, void> = {
  name: 'APOP',
  states: ['AUTHORIZATION'],
  async run(io, { username, password }) {
    const timestamp = io.apopTimestamp;
    if (!timestamp) throw new HomingError('SERVER_ERROR', `${io.host}:${io.port} does not offer APOP (no timestamp in its greeting).`);
    assertMaySendSecret(io, 'APOP');
    const digest = apopDigest(timestamp, password);
    const status = await io.send(`APOP ${username} ${digest}`, { shown: `APOP ${username} ***`, timeoutMs: io.timeouts.authMs });
    if (status.kind !== 'ok') throw replyError(status, io.context(`APOP ${username} ***`));
    io.session.to('TRANSACTION');
  },
};

export function apopDigest(timestamp: string, password: string): string {
  return createHash('md5').update(timestamp + password, 'utf8').digest('hex');
}
