import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, lstatSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { eventNames, type MailService, type Unsubscribe } from '../../shared/contract';
import { dispatch } from '../../shared/dispatch';
import { type ErrorData, toErrorData } from '../../shared/errors';
import { thisHost } from '../store/data-dir';
import { APP_VERSION } from '../version';
import { encodeFrame, FrameReader } from './frames';
import { HELLO_MAX_BYTES, HELLO_TIMEOUT_MS, MAX_CONNECTIONS, MAX_FRAME_BYTES, MAX_UNREAD_BYTES, STOP_ANSWER_WAIT_MS } from './limits';
import {
  chooseSocketPlace,
  clearStaleSocket,
  removeFallback,
  removeSocketFile,
  removeSocketRecord,
  type SocketPlace,
  writeSocketRecord,
} from './socket-record';
import { clientMessageSchema, helloSchema, type ServerMessage } from './socket-protocol';

/** What serves: the service of a process that may hold the writer lock (a MailServiceHandle is one). */
export interface CommandSocketHost {
  readonly service: MailService;
  /** Settles once this process holds the writer lock; the socket is served from then on. */
  readonly writerLocked: Promise<void>;
}

export interface CommandSocketOptions {
  dataDir: string;
  /**
   * A reason the socket could not be served. Never fatal: the process goes on working, and `homing`
   * says DATA_DIR_LOCKED as it did before there was a socket.
   */
  onNote(text: string): void;
  /** This process quits once its own command is done (a `homing` run), said in the record (socket-record.ts). */
  oneShot?: boolean;
}

export interface CommandSocket {
  /** The address once served; null when it was not (closed first, or listening failed: see onNote). */
  readonly ready: Promise<string | null>;
  /**
   * Stops serving and removes the socket and its record. Hands over cleanly: calls that arrive from then on
   * are answered WRITER_STOPPING (not carried out: the client runs them on the next writer, once this
   * process's lock is free); `closeService` (the service's close, which releases the lock) runs while the
   * calls already taken finish and are answered; then each client gets a `bye` (WRITER_STOPPING), and the
   * socket and its record go. So a client knows, of every call it sent, whether it was carried out, unless
   * this process is killed. With `finishCalls`, the calls other processes handed over are first carried out
   * to the end (see CloseOptions).
   */
  close(closeService?: () => Promise<unknown>, options?: CloseOptions): Promise<void>;
}

export interface CloseOptions {
  /**
   * Serve on until no handed-over call is running, and only then stop taking calls: for a holder whose own
   * work is done (a one-shot `homing sync` or `homing import`), so that what the app's user asked of it (a
   * sync of an account just added, a send) is finished rather than cancelled by the service's close. Calls
   * that arrive meanwhile are carried out too. Not for a process the user asked to stop (the app quitting,
   * a watch interrupted): that stops at once.
   */
  finishCalls?: boolean;
}

/**
 * Serves the service to other `homing` processes of the same user while this process holds the data
 * directory's writer lock: the one module the app's shell, dev:web and `homing sync --watch` call.
 *
 * A client must first present the token of the socket record (RECORD_FILE_NAME, 0600 in the 0700 data
 * directory): whoever can read it is the user (or an administrator), the same trust as running `homing`
 * directly. Node offers no peer credentials (SO_PEERCRED, getpeereid, GetNamedPipeClientProcessId) and
 * leaves a Windows pipe with its default ACL (read access for Everyone), so the token is the one check
 * that works on every system; the holder writes nothing to a connection before it. Every call then
 * passes the same `dispatch` gate as IPC, with the methods that name files allowed: the client is the
 * user's own shell, whose paths they typed (the CLI resolves them before they travel).
 */
export function serveCommandSocket(host: CommandSocketHost, options: CommandSocketOptions): CommandSocket {
  const token = randomBytes(32).toString('base64url');
  const connections = new Map<Socket, ServedConnection>();
  let server: Server | null = null;
  let place: SocketPlace | null = null;
  /** The inode of the socket file this process made: the name may be the next holder's by the time this one goes. */
  let ownSocket: number | null = null;
  let requestStop: () => void = () => undefined;
  let stopping = false;
  const stopRequested = new Promise<'stop'>((resolve) => (requestStop = () => resolve('stop')));

  const start = async (): Promise<string> => {
    const { dataDir } = options;
    const chosen = chooseSocketPlace(dataDir);
    place = chosen;
    if (process.platform !== 'win32') clearStaleSocket(dataDir, chosen.address);
    const listening = createServer({ allowHalfOpen: false }, (socket) => {
      if (connections.size >= MAX_CONNECTIONS) {
        socket.destroy();
        return;
      }
      const served = serveConnection(socket, host.service, token);
      connections.set(socket, served);
      socket.once('close', () => connections.delete(socket));
      if (stopping) served.stop();
    });
    server = listening;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(chosen.address, () => {
        listening.removeListener('error', reject);
        resolve();
      });
    });
    // The folder (the data directory, or the fallback's mkdtemp folder) is 0700 already; the socket is
    // made the owner's alone as well, in case the folder is ever opened up.
    if (process.platform !== 'win32') {
      chmodSync(chosen.address, 0o600);
      ownSocket = lstatSync(chosen.address).ino;
    }
    writeSocketRecord(dataDir, {
      pid: process.pid,
      host: thisHost(),
      version: APP_VERSION,
      address: chosen.address,
      ...(chosen.fallbackDir ? { fallbackDir: chosen.fallbackDir } : {}),
      token,
      ...(options.oneShot ? { oneShot: true } : {}),
    });
    return chosen.address;
  };

  const ready = (async () => {
    const first = await Promise.race([host.writerLocked.then(() => 'locked' as const), stopRequested]);
    if (first === 'stop') return null;
    try {
      return await start();
    } catch (error) {
      options.onNote(`homing commands cannot be handed to this process (the command socket could not be served): ${toErrorData(error).message}`);
      await teardown();
      return null;
    }
  })();

  async function teardown(): Promise<void> {
    removeSocketRecord(options.dataDir, token);
    for (const socket of connections.keys()) socket.destroy();
    const closing = server;
    server = null;
    if (closing?.listening) await new Promise<void>((resolve) => closing.close(() => resolve()));
    if (place && process.platform !== 'win32') {
      try {
        // The lock is free before the socket goes: the next holder may have replaced the file already.
        if (ownSocket !== null && sameInode(place.address, ownSocket)) removeSocketFile(place.address);
      } catch {
        // Something else took the name meanwhile: not ours to remove.
      }
      if (place.fallbackDir) removeFallback(place.address, place.fallbackDir);
    }
    place = null;
  }

  /** Settles when no connection has a call running; checked and left in the same tick, so none slips in after. */
  const idle = async () => {
    for (;;) {
      const busy = [...connections.values()].filter((served) => served.busy());
      if (busy.length === 0) return;
      await Promise.all(busy.map((served) => served.finished()));
    }
  };

  return {
    ready,
    async close(closeService, closeOptions = {}) {
      if (closeOptions.finishCalls) await idle();
      requestStop();
      stopping = true;
      // From here on every call is answered WRITER_STOPPING, on connections made before or during the stop.
      // The record stays until the lock is free: a client that reads it meanwhile connects and is told to
      // wait for the lock, where without it it took this process for one that takes no commands.
      for (const served of connections.values()) served.stop();
      await ready;
      await closeService?.().catch(() => undefined);
      // Bounded: with the service closed every call has settled; without it, a long one (a sync) is not waited for.
      const finished = Promise.all([...connections.values()].map((served) => served.finished()));
      await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, STOP_ANSWER_WAIT_MS).unref())]);
      // No newcomer after this: every connection there is gets its bye.
      server?.close();
      for (const served of connections.values()) served.bye(STOPPING);
      await teardown();
    },
  };
}

/**
 * One client: the hello first (small, within HELLO_TIMEOUT_MS, with the token), then calls and an
 * optional subscription to every event. A frame that is too large, not JSON or not a message closes
 * this connection only, after a `bye` saying why.
 */
/** What close() needs of one connection. */
interface ServedConnection {
  /** From now on a call is answered WRITER_STOPPING instead of being carried out. */
  stop(): void;
  /** Settles once every call carried out has been answered. */
  finished(): Promise<void>;
  /** A call is being carried out. */
  busy(): boolean;
  bye(error: ErrorData): void;
}

const STOPPING: ErrorData = {
  code: 'WRITER_STOPPING',
  message: 'The Homing process that holds the mail folder is stopping and takes no more commands; this one was not carried out.',
};

function serveConnection(socket: Socket, service: MailService, token: string): ServedConnection {
  const reader = new FrameReader(HELLO_MAX_BYTES);
  let authenticated = false;
  let ending = false;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const stops: Unsubscribe[] = [];
  const helloTimer = setTimeout(() => bye({ code: 'TIMEOUT', message: 'No hello within the time allowed.' }), HELLO_TIMEOUT_MS);
  helloTimer.unref();

  const send = (message: ServerMessage): void => {
    if (ending || socket.destroyed) return;
    // A client that stopped reading (while events pile up) is dropped rather than held in memory.
    if (socket.writableLength > MAX_UNREAD_BYTES) {
      socket.destroy();
      return;
    }
    let frame: Buffer[];
    try {
      frame = encodeFrame(message, MAX_FRAME_BYTES);
    } catch (error) {
      if (message.type !== 'result') return;
      frame = encodeFrame({ type: 'result', id: message.id, envelope: { ok: false, error: toErrorData(error) } }, MAX_FRAME_BYTES);
    }
    socket.cork();
    for (const part of frame) socket.write(part);
    socket.uncork();
  };

  function bye(error: ErrorData): void {
    if (ending || socket.destroyed) return;
    send({ type: 'bye', error: { code: error.code, message: error.message } });
    ending = true;
    clearTimeout(helloTimer);
    // Ends once the bye is flushed; a peer that never reads it does not keep the socket.
    socket.end(() => socket.destroy());
    setTimeout(() => socket.destroy(), 1_000).unref();
  }

  const receive = (frame: unknown): void => {
    if (!authenticated) {
      const hello = helloSchema.safeParse(frame);
      if (!hello.success) return bye({ code: 'INVALID_ARGUMENT', message: 'The first frame must be the hello.' });
      if (!sameToken(hello.data.token, token)) return bye({ code: 'FORBIDDEN_SENDER', message: 'The token is not this Homing process’s.' });
      authenticated = true;
      clearTimeout(helloTimer);
      reader.maxBytes = MAX_FRAME_BYTES;
      return send({ type: 'welcome', pid: process.pid, version: APP_VERSION });
    }
    const parsed = clientMessageSchema.safeParse(frame);
    if (!parsed.success) return bye({ code: 'INVALID_ARGUMENT', message: 'Not a command socket message.' });
    const message = parsed.data;
    if (message.type === 'subscribe') {
      if (stops.length === 0) {
        for (const event of eventNames) stops.push(service.on(event, (payload) => send({ type: 'event', event, payload })));
      }
      return;
    }
    // The homing command line's user typed the paths and commands: import, export and password commands are
    // theirs to choose (see above).
    if (stopped) return send({ type: 'result', id: message.id, envelope: { ok: false, error: STOPPING } });
    const call = dispatch(service, message.method, message.args, { allowPathMethods: true, allowPasswordCommands: true }).then((envelope) =>
      send({ type: 'result', id: message.id, envelope }),
    );
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call));
  };

  socket.on('error', () => undefined); // a client gone mid-write (EPIPE, ECONNRESET): its close follows
  socket.once('close', () => {
    clearTimeout(helloTimer);
    stops.forEach((stop) => stop());
    stops.length = 0;
  });
  socket.on('data', (chunk: Buffer) => {
    if (ending) return;
    try {
      reader.push(chunk);
      for (let frame = reader.next(); frame && !ending; frame = reader.next()) receive(frame.value);
    } catch (error) {
      bye(toErrorData(error));
    }
  });
  return {
    stop: () => void (stopped = true),
    finished: async () => void (await Promise.allSettled([...inFlight])),
    busy: () => inFlight.size > 0,
    bye,
  };
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sameInode(path: string, ino: number): boolean {
  try {
    return lstatSync(path).ino === ino;
  } catch {
    return false;
  }
}
