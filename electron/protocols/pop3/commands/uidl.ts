import { EachLineSink } from '../body-sinks';
import type { Pop3Io } from '../command';
import type { Pop3Command } from '../command';
import { POP3_LIMITS } from '../limits';
import { malformedReply, replyError } from '../pop3-errors';

export interface UidlEntry {
  msgno: number;
  /** The server's unique-id: stable across sessions, never reused in the maildrop (RFC 1939 §7). */
  uidl: string;
}

/**
 * RFC 1939 §7 says a unique-id is 1 to 70 characters from 0x21 to 0x7E. Some servers send longer ones;
 * anything without spaces and control characters up to this length is accepted as it is.
 */
const MAX_UIDL_LENGTH = 512;

/**
 * UIDL (RFC 1939 §7): `msgno unique-id` per message, each handed to `onEntry` as it arrives (a big
 * maildrop's listing is never held whole). -ERR means the server has no UIDL. A malformed line fails
 * the command once the response has ended; entries before it were handed out already.
 */
export const uidlEach: Pop3Command<(entry: UidlEntry) => void, void> = {
  name: 'UIDL',
  states: ['TRANSACTION'],
  async run(io, onEntry) {
    const sink = new EachLineSink((line) => onEntry(parseLine(io, line)));
    const status = await io.send('UIDL', {
      multiline: true,
      consumer: sink,
      maxBodyBytes: POP3_LIMITS.listingBytes,
      timeoutMs: io.timeouts.transferIdleMs,
      pipelinable: true,
    });
    if (status.kind !== 'ok') throw replyError(status, io.context('UIDL'));
    sink.finish();
  },
};

/** UIDL, the whole listing at once (small maildrops, tests). */
export const uidl: Pop3Command<void, UidlEntry[]> = {
  name: 'UIDL',
  states: ['TRANSACTION'],
  async run(io) {
    const entries: UidlEntry[] = [];
    await uidlEach.run(io, (entry) => entries.push(entry));
    return entries;
  },
};

function parseLine(io: Pop3Io, line: string): UidlEntry {
  const match = /^(\d+)\s+(\S+)\s*$/.exec(line);
  if (!match || match[2]!.length > MAX_UIDL_LENGTH || hasControlCharacter(match[2]!)) throw malformedReply(io.context('UIDL'), 'a line is not "number unique-id"', line);
  return { msgno: Number(match[1]), uidl: match[2]! };
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
