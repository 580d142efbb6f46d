import type { MessageSource } from '../../../mime/message-source';
import { MessageSink } from '../body-sinks';
import type { Pop3Command } from '../command';
import { POP3_LIMITS } from '../limits';
import { replyError } from '../pop3-errors';

export interface RetrArgs {
  msgno: number;
  /** Where a message larger than the spill limit is streamed to. */
  tempDir: string;
}

/**
 * RETR (RFC 1939 §5): the whole message, streamed to memory or, past POP3_LIMITS.spillToFileBytes, to a
 * temp file. The result exists only once the terminating line was read: a cut connection rejects and
 * leaves nothing behind, so a half message can never be stored.
 */
export const retr: Pop3Command<RetrArgs, MessageSource> = {
  name: 'RETR',
  states: ['TRANSACTION'],
  async run(io, { msgno, tempDir }) {
    const sink = new MessageSink({ spillBytes: POP3_LIMITS.spillToFileBytes, tempDir });
    const status = await io.send(`RETR ${msgno}`, {
      multiline: true,
      consumer: sink,
      maxBodyBytes: POP3_LIMITS.messageBytes,
      timeoutMs: io.timeouts.transferIdleMs,
      pipelinable: true,
    });
    if (status.kind !== 'ok') throw replyError(status, io.context(`RETR ${msgno}`));
    return sink.source;
  },
};
