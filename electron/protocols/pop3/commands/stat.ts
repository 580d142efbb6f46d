import type { Pop3Command } from '../command';
import { malformedReply, replyError } from '../pop3-errors';

export interface StatResult {
  count: number;
  /** Size of the maildrop in octets, as the server counts them. */
  size: number;
}

/** STAT (RFC 1939 §5): `+OK count size`. */
export const stat: Pop3Command<void, StatResult> = {
  name: 'STAT',
  states: ['TRANSACTION'],
  async run(io) {
    const status = await io.send('STAT');
    if (status.kind !== 'ok') throw replyError(status, io.context('STAT'));
    const match = /^(\d+)\s+(\d+)/.exec(status.text);
    if (!match) throw malformedReply(io.context('STAT'), 'expected a message count and size', status.text);
    return { count: Number(match[1]), size: Number(match[2]) };
  },
};
