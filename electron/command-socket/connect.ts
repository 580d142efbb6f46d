import { lstatSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { Unsubscribe } from '../../shared/contract';
import { type Envelope, type ErrorData, toErrorData } from '../../shared/errors';
import { thisHost } from '../store/data-dir';
import { APP_VERSION } from '../version';
import { encodeFrame, FrameReader } from './frames';
import { MAX_FRAME_BYTES, NEW_WRITER_GRACE_MS, RECORD_WAIT_MS, WELCOME_TIMEOUT_MS } from './limits';
import { readSocketRecord, type SocketRecord } from './socket-record';
import { type ClientMessage, type Hello, type ServerMessage, serverMessageSchema } from './socket-protocol';

/** A connection to the process holding the writer lock, after its welcome. */
export interface WriterConnection {
  readonly pid: number;
  invoke(method: string, args: unknown): Promise<Envelope<unknown>>;
  /** Every event of the holder's service; the first listener subscribes the connection. */
  subscribe(listener: (event: string, payload: unknown) => void): Unsubscribe;
  /**
   * Settles with why the connection ended: WRITER_STOPPING when the holder said bye after answering
   * every call it carried out (a call still unanswered then was not carried out), WRITER_LOST when it
   * went without a word, CANCELLED when close() ended it.
   */
  readonly ended: Promise<ErrorData>;
  close(): void;
}

/** The lock's owner as DATA_DIR_LOCKED reports it (`detail` of the error). */
export interface LockHolder {
  pid: number;
  /** When it took the lock (ISO time), if known. */
  since?: string;
}

export type WriterLink = { connection: WriterConnection } | { refusal: string };

/**
 * Connects to the command socket of the process holding the writer lock, if it serves one: the socket
 * record must name that very process, on this computer, at this version of Homing. Every Homing process
 * serves it from the moment it holds the lock, `homing` runs too (a pass from cron, an import); one that
 * just took the lock and has not written its record yet is looked for again for a few seconds. A holder
 * that serves no socket (an older version) gives a refusal, in words for the DATA_DIR_LOCKED message.
 */
export async function connectToWriter(dataDir: string, holder: LockHolder, now: () => number = Date.now): Promise<WriterLink> {
  const record = await recordOf(dataDir, holder, now);
  if (!record) {
    return { refusal: 'It does not take commands from homing (it serves no command socket: a Homing older than this one, or not the app).' };
  }
  if (record.host !== thisHost()) return { refusal: `It runs on another computer (${record.host}).` };
  if (record.version !== APP_VERSION) {
    return { refusal: `It is Homing ${record.version} and this homing is ${APP_VERSION}: commands are handed only to the same version.` };
  }
  const notOurs = process.platform === 'win32' ? null : foreignSocket(record.address);
  if (notOurs) return { refusal: `Its command socket ${record.address} ${notOurs}, so nothing is sent to it.` };
  let socket: Socket;
  try {
    socket = await open(record.address);
  } catch (error) {
    return { refusal: `Its command socket does not answer (${(error as NodeJS.ErrnoException).code ?? 'error'}).` };
  }
  return greet(socket, record);
}

/** The record of this holder, waiting a little for one that has just taken the lock. */
async function recordOf(dataDir: string, holder: LockHolder, now: () => number): Promise<SocketRecord | null> {
  const since = holder.since ? Date.parse(holder.since) : Number.NaN;
  const deadline = Number.isFinite(since) && now() - since < NEW_WRITER_GRACE_MS ? now() + RECORD_WAIT_MS : 0;
  for (;;) {
    const record = readSocketRecord(dataDir);
    if (record && record.pid === holder.pid) return record;
    if (now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Why the socket at `address` may not be this user's process (null when it is theirs alone): calls carry
 * passwords (account add, edit), so they go only to a socket owned by this user, in a folder nobody else
 * can write to. The record lives in the 0700 data directory, but the socket may be in a fallback folder
 * under the temporary folder, which a cleaner can remove and another user then make again by that name.
 */
function foreignSocket(address: string): string | null {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  try {
    const socket = lstatSync(address);
    if (!socket.isSocket()) return 'is not a socket';
    if (socket.uid !== uid) return `belongs to another user (uid ${socket.uid})`;
    const folder = lstatSync(dirname(address));
    if (folder.uid !== uid) return `is in a folder of another user (uid ${folder.uid})`;
    if ((folder.mode & 0o022) !== 0) return 'is in a folder others can write to';
    return null;
  } catch (error) {
    return `cannot be looked at (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

function open(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path: address });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Says hello with the record's token and waits for the welcome; then the connection is ready for calls. */
function greet(socket: Socket, record: SocketRecord): Promise<WriterLink> {
  const reader = new FrameReader(MAX_FRAME_BYTES);
  const waiting = new Map<number, (envelope: Envelope<unknown>) => void>();
  const listeners = new Set<(event: string, payload: unknown) => void>();
  let nextId = 1;
  let subscribed = false;
  /** Why the connection ended, for calls still waiting and calls made after. */
  let lost: ErrorData | null = null;
  let settleEnded: (error: ErrorData) => void = () => undefined;
  const ended = new Promise<ErrorData>((resolve) => (settleEnded = resolve));

  const write = (message: ClientMessage | Hello) => {
    socket.cork();
    for (const part of encodeFrame(message, MAX_FRAME_BYTES)) socket.write(part);
    socket.uncork();
  };
  const end = (error: ErrorData) => {
    lost ??= error;
    for (const answer of waiting.values()) answer({ ok: false, error: lost });
    waiting.clear();
    socket.destroy();
    settleEnded(lost);
  };

  const connection: WriterConnection = {
    pid: record.pid,
    ended,
    invoke(method, args) {
      if (lost) return Promise.resolve({ ok: false, error: lost });
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        try {
          write({ type: 'call', id, method, args });
        } catch (error) {
          waiting.delete(id);
          resolve({ ok: false, error: toErrorData(error) }); // over the frame limit
        }
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!subscribed && !lost) {
        subscribed = true;
        write({ type: 'subscribe' });
      }
      return () => listeners.delete(listener);
    },
    close() {
      end({ code: 'CANCELLED', message: 'The connection to the Homing process was closed.' });
    },
  };

  return new Promise<WriterLink>((resolve) => {
    let welcomed = false;
    const timer = setTimeout(() => {
      resolve({ refusal: `It did not answer on its command socket within ${WELCOME_TIMEOUT_MS / 1000} s.` });
      end({ code: 'TIMEOUT', message: 'No welcome from the Homing process.' });
    }, WELCOME_TIMEOUT_MS);

    const handle = (message: ServerMessage) => {
      if (!welcomed) {
        clearTimeout(timer);
        if (message.type === 'welcome') {
          welcomed = true;
          resolve({ connection });
        } else {
          const reason = message.type === 'bye' ? message.error.message : 'it answered out of turn';
          resolve({ refusal: `It refused this homing on its command socket: ${reason}` });
          end({ code: 'FORBIDDEN_SENDER', message: reason });
        }
        return;
      }
      if (message.type === 'result') {
        const answer = waiting.get(message.id);
        waiting.delete(message.id);
        const envelope: Envelope<unknown> = message.envelope.ok ? { ok: true, value: message.envelope.value } : message.envelope;
        answer?.(envelope);
      } else if (message.type === 'event') {
        for (const listener of listeners) listener(message.event, message.payload);
      } else if (message.type === 'bye') {
        end(message.error);
      }
    };

    socket.on('error', () => undefined); // the close that follows says it
    socket.once('close', () => {
      if (!welcomed) {
        clearTimeout(timer);
        resolve({ refusal: 'It closed its command socket before answering.' });
      }
      end({
        code: 'WRITER_LOST',
        message: `The Homing process (pid ${record.pid}) that this command was handed to stopped before it answered; the change may or may not have been made.`,
      });
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
        for (let frame = reader.next(); frame; frame = reader.next()) {
          const parsed = serverMessageSchema.safeParse(frame.value);
          if (!parsed.success) throw new Error('not a command socket message');
          handle(parsed.data);
        }
      } catch (error) {
        end({ code: 'WRITER_LOST', message: `The Homing process (pid ${record.pid}) answered with a malformed frame: ${(error as Error).message}` });
      }
    });
    write({ type: 'hello', token: record.token, version: APP_VERSION });
  });
}
