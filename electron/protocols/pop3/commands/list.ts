import { EachLineSink } from '../body-sinks';
import type { Pop3Command } from '../command';
import { POP3_LIMITS } from '../limits';
import { malformedReply, replyError } from '../pop3-errors';

export interface ListEntry {
  msgno: number;
  /** Octets as the server counts them (RFC 1939 §5: with CRLF line endings, before stuffing); 0 when it gave none we can read. */
  size: number;
}

/** LIST (RFC 1939 §5): the scan listing of every message not marked deleted, each entry handed to `onEntry` as it arrives. */
export const listEach: Pop3Command<(entry: ListEntry) => void, void> = {
  name: 'LIST',
  states: ['TRANSACTION'],
  async run(io, onEntry) {
    const sink = new EachLineSink((line) => {
      // A size that is not a number (or none) is unknown, 0: a broken size must not fail the whole listing
      // (and with it every pass); the message number is what the download needs.
      const match = /^(\d+)(?:\s+(\d+))?/.exec(line);
      if (!match) throw malformedReply(io.context('LIST'), 'a line is not "number size"', line);
      onEntry({ msgno: Number(match[1]), size: match[2] === undefined ? 0 : Number(match[2]) });
    });
    const status = await io.send('LIST', {
      multiline: true,
      consumer: sink,
      maxBodyBytes: POP3_LIMITS.listingBytes,
      timeoutMs: io.timeouts.transferIdleMs,
      pipelinable: true,
    });
    if (status.kind !== 'ok') throw replyError(status, io.context('LIST'));
    sink.finish();
  },
};

/** LIST, the whole scan listing at once. */
export const list: Pop3Command<void, ListEntry[]> = {
  name: 'LIST',
  states: ['TRANSACTION'],
  async run(io) {
    const entries: ListEntry[] = [];
    await listEach.run(io, (entry) => entries.push(entry));
    return entries;
  },
};
