import type { MessageSource } from '../../../mime/message-source';
import { MessageSink, TopLinesSink } from '../body-sinks';
import type { Pop3Command } from '../command';
import { POP3_LIMITS } from '../limits';
import { replyError } from '../pop3-errors';

export interface TopArgs {
  msgno: number;
  /** Body lines to include after the header block. */
  lines: number;
  tempDir: string;
}

/** TOP msg n (RFC 1939 §7): the header block, the blank line, and the first n lines of the body. */
export const top: Pop3Command<TopArgs, MessageSource> = {
  name: 'TOP',
  states: ['TRANSACTION'],
  async run(io, { msgno, lines, tempDir }) {
    const sink = new MessageSink({ spillBytes: POP3_LIMITS.spillToFileBytes, tempDir });
    const status = await io.send(`TOP ${msgno} ${lines}`, {
      multiline: true,
      // Only what TOP asked for is kept (TopLinesSink), so a server that sends more costs only the wire.
      consumer: new TopLinesSink(sink, lines, POP3_LIMITS.topBytes),
      maxBodyBytes: POP3_LIMITS.messageBytes,
      timeoutMs: io.timeouts.transferIdleMs,
      pipelinable: true,
    });
    if (status.kind !== 'ok') throw replyError(status, io.context(`TOP ${msgno} ${lines}`));
    return sink.source;
  },
};
