import type { Pop3Command } from '../command';
import { replyError } from '../pop3-errors';

/**
 * DELE msg (RFC 1939 §5): marks a message deleted. The server removes it only when QUIT ends the
 * TRANSACTION state; a connection that drops before that deletes nothing.
 */
export const dele: Pop3Command<number, void> = {
  name: 'DELE',
  states: ['TRANSACTION'],
  async run(io, msgno) {
    const status = await io.send(`DELE ${msgno}`, { pipelinable: true });
    if (status.kind !== 'ok') throw replyError(status, io.context(`DELE ${msgno}`));
  },
};
