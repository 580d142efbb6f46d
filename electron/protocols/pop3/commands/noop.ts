import type { Pop3Command } from '../command';
import { replyError } from '../pop3-errors';

/** NOOP (RFC 1939 §5): keeps a session alive; also a cheap "is the server still there". */
export const noop: Pop3Command<void, void> = {
  name: 'NOOP',
  states: ['TRANSACTION'],
  async run(io) {
    const status = await io.send('NOOP', { pipelinable: true });
    if (status.kind !== 'ok') throw replyError(status, io.context('NOOP'));
  },
};
