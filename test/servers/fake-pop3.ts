import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

/**
 * A scripted fake POP3 server, for what Dovecot will not do: dot-stuffed lines on demand, replies written
 * one byte per TCP segment, no UIDL, no CAPA, -ERR at any step, a connection dropped in the middle of a
 * RETR, a server that never answers. Plain TCP on 127.0.0.1 only (tests use security `none` with it, or
 * prove that a password is refused over it). Everything else is tested against the real Dovecot.
 */

export interface FakeMessage {
  uidl: string;
  raw: Buffer;
}

export type FakeReply = string | Buffer | 'drop' | 'silence';

export interface FakePop3Options {
  messages?: Array<string | Buffer | FakeMessage>;
  user?: string;
  password?: string;
  /** The greeting line; null = a silent server that accepts connections and never says a word. */
  greeting?: string | null;
  /** CAPA lines; null = the server answers CAPA with -ERR (RFC 1939 only). */
  capa?: string[] | null;
  /** Answer UIDL (default true); false = -ERR, as servers without UIDL do. */
  uidl?: boolean;
  /** Split every reply into writes of this many bytes, each sent on its own (1 = byte by byte). */
  chunkBytes?: number;
  /** Replace the answer to a command: raw bytes to send (CRLF included), 'drop' to cut, 'silence' to never answer. */
  override?: (verb: string, args: string[], session: FakeSession) => FakeReply | undefined;
  /** Cut the connection after this many bytes of the answer to RETR msgno (once per server unless `every`). */
  cutRetr?: { msgno: number; afterBytes: number; every?: boolean };
}

export interface FakeSession {
  state: 'AUTHORIZATION' | 'TRANSACTION';
  deleted: Set<number>;
  user: string | null;
}

export interface FakePop3Server {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The maildrop as it is now (messages DELE'd in a session that ended with QUIT are gone). */
  readonly messages: FakeMessage[];
  /** Every command line received, in order, across sessions (passwords included: it is a test server). */
  readonly commands: string[];
  /**
   * Every command line with the number of replies this connection had fully written when it arrived:
   * a command that arrived before the reply to an earlier one was written was pipelined by the client.
   */
  readonly arrivals: Array<{ line: string; repliesWritten: number; index: number }>;
  /** Connections accepted so far. */
  sessions(): number;
  close(): Promise<void>;
}

export const FAKE_APOP_TIMESTAMP = '<1896.697170952@fake.example>';

export async function startFakePop3(options: FakePop3Options = {}): Promise<FakePop3Server> {
  const user = options.user ?? 'alice';
  const password = options.password ?? 'secret';
  const messages: FakeMessage[] = (options.messages ?? []).map((m, i) =>
    typeof m === 'string' || Buffer.isBuffer(m) ? { uidl: `uid-${i + 1}`, raw: Buffer.from(m) } : m,
  );
  const commands: string[] = [];
  const arrivals: FakePop3Server['arrivals'] = [];
  const sockets = new Set<Socket>();
  let sessions = 0;
  let cutDone = false;

  const server: Server = createServer((socket) => {
    sessions += 1;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const session: FakeSession = { state: 'AUTHORIZATION', deleted: new Set(), user: null };
    let writing: Promise<void> = Promise.resolve();
    let repliesWritten = 0;
    let received = 0;
    let sasl: ((line: string) => Promise<void>) | null = null;

    const write = (data: string | Buffer) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
      writing = writing.then(() => writeChunked(socket, bytes, options.chunkBytes));
      return writing;
    };
    const line = (text: string) => write(`${text}\r\n`);
    const live = () => messages.filter((_, i) => !session.deleted.has(i + 1));
    const message = (arg: string | undefined): FakeMessage | null => {
      const n = Number(arg);
      if (!Number.isInteger(n) || n < 1 || n > messages.length || session.deleted.has(n)) return null;
      return messages[n - 1]!;
    };

    const handle = async (text: string): Promise<void> => {
      commands.push(text);
      if (sasl) {
        const step = sasl;
        sasl = null;
        return step(text);
      }
      const [rawVerb = '', ...args] = text.split(' ');
      const verb = rawVerb.toUpperCase();
      const scripted = options.override?.(verb, args, session);
      if (scripted === 'drop') {
        await writing;
        socket.destroy();
        return;
      }
      if (scripted === 'silence') return;
      if (scripted !== undefined) {
        await write(scripted);
        return;
      }
      const loggedIn = () => {
        session.state = 'TRANSACTION';
        return line('+OK maildrop locked and ready');
      };
      switch (verb) {
        case 'CAPA':
          if (options.capa === null) return line('-ERR unknown command');
          return write(`+OK Capability list follows\r\n${(options.capa ?? defaultCapa(options)).map((c) => `${c}\r\n`).join('')}.\r\n`);
        case 'USER':
          session.user = args.join(' ');
          return line('+OK');
        case 'PASS':
          if (session.user === user && args.join(' ') === password) return loggedIn();
          return line('-ERR [AUTH] Authentication failed.');
        case 'APOP': {
          const digest = createHash('md5').update(FAKE_APOP_TIMESTAMP + password).digest('hex');
          if (args[0] === user && args[1] === digest) return loggedIn();
          return line('-ERR [AUTH] Authentication failed.');
        }
        case 'AUTH': {
          const mechanism = (args[0] ?? '').toUpperCase();
          const checkPlain = (b64: string) => {
            const [, authcid, pass] = Buffer.from(b64, 'base64').toString('utf8').split('\0');
            return authcid === user && pass === password ? loggedIn() : line('-ERR [AUTH] Authentication failed.');
          };
          if (mechanism === 'PLAIN') {
            if (args[1]) return checkPlain(args[1]);
            sasl = async (response) => checkPlain(response);
            return line('+ ');
          }
          if (mechanism === 'LOGIN') {
            sasl = async (name) => {
              sasl = async (pass) =>
                Buffer.from(name, 'base64').toString('utf8') === user && Buffer.from(pass, 'base64').toString('utf8') === password
                  ? loggedIn()
                  : line('-ERR [AUTH] Authentication failed.');
              return line('+ UGFzc3dvcmQ6');
            };
            return line('+ VXNlcm5hbWU6');
          }
          return line('-ERR unsupported mechanism');
        }
        case 'STLS':
          return line('-ERR TLS not available on this fake server');
        case 'QUIT':
          if (session.state === 'TRANSACTION') {
            // UPDATE state: remove what was DELE'd, highest number first so indexes stay valid.
            for (const n of [...session.deleted].sort((a, b) => b - a)) messages.splice(n - 1, 1);
          }
          await line('+OK bye');
          socket.end();
          return;
      }
      if (session.state !== 'TRANSACTION') return line('-ERR not logged in');
      switch (verb) {
        case 'STAT':
          return line(`+OK ${live().length} ${live().reduce((sum, m) => sum + m.raw.length, 0)}`);
        case 'LIST':
          if (args[0]) {
            const m = message(args[0]);
            return m ? line(`+OK ${args[0]} ${m.raw.length}`) : line('-ERR no such message');
          }
          return write(`+OK\r\n${messages.map((m, i) => (session.deleted.has(i + 1) ? '' : `${i + 1} ${m.raw.length}\r\n`)).join('')}.\r\n`);
        case 'UIDL':
          if (options.uidl === false) return line('-ERR UIDL not supported');
          if (args[0]) {
            const m = message(args[0]);
            return m ? line(`+OK ${args[0]} ${m.uidl}`) : line('-ERR no such message');
          }
          return write(`+OK\r\n${messages.map((m, i) => (session.deleted.has(i + 1) ? '' : `${i + 1} ${m.uidl}\r\n`)).join('')}.\r\n`);
        case 'RETR':
        case 'TOP': {
          const m = message(args[0]);
          if (!m) return line('-ERR no such message');
          const raw = verb === 'TOP' ? topOf(m.raw, Number(args[1] ?? 0)) : m.raw;
          const answer = Buffer.concat([Buffer.from('+OK message follows\r\n'), dotStuff(raw), Buffer.from('.\r\n')]);
          const cut = options.cutRetr;
          if (verb === 'RETR' && cut && cut.msgno === Number(args[0]) && (cut.every || !cutDone)) {
            cutDone = true;
            await write(answer.subarray(0, cut.afterBytes));
            await writing;
            socket.destroy();
            return;
          }
          return write(answer);
        }
        case 'DELE':
          if (!message(args[0])) return line('-ERR no such message');
          session.deleted.add(Number(args[0]));
          return line('+OK message deleted');
        case 'RSET':
          session.deleted.clear();
          return line('+OK');
        case 'NOOP':
          return line('+OK');
      }
      return line('-ERR unknown command');
    };

    // Commands are handled one after the other, in the order they arrived (pipelined or not).
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let queue: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      pending += decoder.write(chunk);
      let nl: number;
      while ((nl = pending.indexOf('\r\n')) !== -1) {
        const text = pending.slice(0, nl);
        pending = pending.slice(nl + 2);
        arrivals.push({ line: text, repliesWritten, index: received++ });
        queue = queue
          .then(() => handle(text))
          .then(() => writing)
          .then(() => {
            repliesWritten += 1;
          })
          .catch(() => undefined);
      }
    });
    if (options.greeting !== null) void line(options.greeting ?? `+OK fake POP3 server ready ${FAKE_APOP_TIMESTAMP}`);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake POP3 server has no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    messages,
    commands,
    arrivals,
    sessions: () => sessions,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function defaultCapa(options: FakePop3Options): string[] {
  return ['TOP', 'USER', 'SASL PLAIN LOGIN', 'RESP-CODES', ...(options.uidl === false ? [] : ['UIDL'])];
}

/** RFC 1939 §3: a line that starts with "." gets one more. The message must end with CRLF (added if not). */
export function dotStuff(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const stuffed = text.replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(stuffed.endsWith('\r\n') ? stuffed : `${stuffed}\r\n`, 'latin1');
}

/** The header block, the blank line, and the first `lines` body lines (RFC 1939 §7 TOP). */
function topOf(raw: Buffer, lines: number): Buffer {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  if (split === -1) return raw;
  const body = text.slice(split + 4).split('\r\n');
  const kept = body.slice(0, lines);
  return Buffer.from(`${text.slice(0, split + 4)}${kept.join('\r\n')}${kept.length > 0 ? '\r\n' : ''}`, 'latin1');
}

async function writeChunked(socket: Socket, bytes: Buffer, chunkBytes: number | undefined): Promise<void> {
  if (socket.destroyed) return;
  if (!chunkBytes) {
    socket.write(bytes);
    return;
  }
  for (let i = 0; i < bytes.length && !socket.destroyed; i += chunkBytes) {
    socket.write(bytes.subarray(i, i + chunkBytes));
    // Let the write reach the network before the next one, so each piece arrives in its own read.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
