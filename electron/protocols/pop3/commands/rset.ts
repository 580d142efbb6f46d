import type { Pop3Command } from '../command';
import { replyError } from '../pop3-errors';

/** RSET (RFC 1939 §5): unmarks every message marked deleted in this session. */
export const rset: Pop3Command<void, void> = {
  name: 'RSET',
  states: ['TRANSACTION'],
  async run(io) {
    const status = await io.send('RSET');
    if (status.kind !== 'ok') throw replyError(status, io.context('RSET'));
  },
};
