import { createHash } from 'node:crypto';
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
 * anything without spaces and control characters up to this length is kept as it is (others: unusualUidl).
 */
const MAX_UIDL_LENGTH = 512;

/**
 * UIDL (RFC 1939 §7): `msgno unique-id` per message, each handed to `onEntry` as it arrives (a big
 * maildrop's listing is never held whole). -ERR means the server has no UIDL. A malformed line fails
 * the command once the response has ended (entries before it were handed out already): only a line
 * without a message number is; an unusual unique-id gets a key of its own (unusualUidl).
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
  const match = /^(\d+)(?:[ \t]+(.*?))?[ \t]*$/s.exec(line);
  if (!match) throw malformedReply(io.context('UIDL'), 'a line is not "number unique-id"', line);
  const id = match[2] ?? '';
  return { msgno: Number(match[1]), uidl: conforming(id) ? id : unusualUidl(id) };
}

/** One token (no blanks), no control characters, at most MAX_UIDL_LENGTH. */
function conforming(id: string): boolean {
  return id.length > 0 && id.length <= MAX_UIDL_LENGTH && !/\s/.test(id) && !hasControlCharacter(id);
}

/**
 * The key of a unique-id RFC 1939 does not allow: blanks, control characters, empty or longer than
 * MAX_UIDL_LENGTH. Refusing the line failed the whole listing, at every pass, so not one message more
 * was ever downloaded. It is as stable as the server's text, so its SHA-256 stands for it, behind a
 * prefix with a blank that no conforming unique-id can have (nor the "sha256 " of mail without one): an
 * id the server gives several messages (empty ones, say) is a duplicate, handled as any other.
 */
export function unusualUidl(id: string): string {
  return `uidl-sha256 ${createHash('sha256').update(id, 'utf8').digest('hex')}`;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
