import type { Pop3Command } from '../command';
import { replyError } from '../pop3-errors';

/**
 * QUIT (RFC 1939 §6). From TRANSACTION the session enters UPDATE: the server removes the DELE'd messages
 * and only then answers, so `+OK` means they are gone; `-ERR` (e.g. "some deleted messages not removed")
 * is an error. From AUTHORIZATION it just ends the session.
 */
export const quit: Pop3Command<void, void> = {
  name: 'QUIT',
  states: ['AUTHORIZATION', 'TRANSACTION'],
  async run(io) {
    if (io.session.state === 'TRANSACTION') io.session.to('UPDATE');
    io.expectClose();
    const status = await io.send('QUIT', { timeoutMs: io.timeouts.quitMs });
    if (status.kind !== 'ok') throw replyError(status, io.context('QUIT'));
  },
};
