import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { TestCertificate } from './certificate';

/**
 * What the scripted fake does that Postfix will not do on demand. Tests that use it say "fake" in their
 * names. Everything else about sending is tested against the real Postfix (postfix.ts).
 * - `drop-after-dot`: reads the whole message and its final dot, then cuts the connection without a reply;
 * - `drop-mid-data`: cuts the connection in the middle of the message, before the final dot;
 * - `greeting-421`: answers the connection with 421 (busy, try later);
 * - `rcpt-452`: answers every RCPT with 452 (insufficient storage: a 4xx, try later);
 * - `data-552`: takes the message and answers the final dot with 552 (too large, for good);
 * - `reject-one-rcpt`: refuses `refused@…` with 550 and takes the others;
 * - `files-own-copy`: takes the message and, before it answers 250, files it in the sender's Sent folder
 *   itself (as Gmail, Exchange and some hosting filters do), through `fileCopy`;
 * - `no-starttls`: a plain port that does not offer STARTTLS;
 * - `silent`: accepts the TCP connection and never says anything;
 * - `hang-at-auth`, `hang-at-mail`, `hang-after-dot`: answers the greeting and EHLO (and AUTH, and MAIL),
 *   then never answers AUTH / MAIL FROM / the final dot (a server that goes quiet mid-session);
 * - `drop-at-auth`: cuts the connection when it gets AUTH, without a reply.
 */
export type FakePersonality =
  | 'accept'
  | 'drop-after-dot'
  | 'drop-mid-data'
  | 'greeting-421'
  | 'rcpt-452'
  | 'data-552'
  | 'reject-one-rcpt'
  | 'files-own-copy'
  | 'no-starttls'
  | 'silent'
  | 'hang-at-auth'
  | 'hang-at-mail'
  | 'hang-after-dot'
  | 'drop-at-auth';

export interface FakeSmtpOptions {
  personality: FakePersonality;
  /** Implicit TLS with this certificate (the client pins it); `no-starttls` and `silent` are plain. */
  certificate: TestCertificate;
  /** `files-own-copy`: puts the message in the sender's Sent folder (an IMAP APPEND on the test Dovecot). */
  fileCopy?: (raw: Buffer) => Promise<void>;
}

export interface FakeSmtpServer {
  readonly port: number;
  /** Messages whose final dot the fake received, in order (whatever it answered). */
  readonly received: Buffer[];
  close(): Promise<void>;
}

export async function startFakeSmtp(options: FakeSmtpOptions): Promise<FakeSmtpServer> {
  const received: Buffer[] = [];
  if (options.personality === 'silent') return silentServer(received);
  const { personality } = options;
  const tls = personality !== 'no-starttls';
  const server = new SMTPServer({
    secure: tls,
    ...(tls ? { key: await readFile(options.certificate.keyPath), cert: await readFile(options.certificate.certPath) } : {}),
    name: 'fake.example.test',
    hideSTARTTLS: personality === 'no-starttls',
    authOptional: personality === 'no-starttls',
    allowInsecureAuth: false,
    size: 50 * 1024 * 1024,
    logger: false,
    onConnect(_session, callback) {
      if (personality === 'greeting-421') return callback(Object.assign(new Error('fake: too busy, try later'), { responseCode: 421 }));
      callback();
    },
    onAuth(auth, session, callback) {
      if (personality === 'hang-at-auth') return;
      if (personality === 'drop-at-auth') return void socketOf(server, session)?.destroy();
      if (auth.username === 'alice' && auth.password === 'alice-secret') return callback(null, { user: 'alice' });
      callback(Object.assign(new Error('fake: authentication failed'), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, callback) {
      if (personality === 'hang-at-mail') return;
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (personality === 'rcpt-452') return callback(Object.assign(new Error('fake: insufficient system storage'), { responseCode: 452 }));
      if (personality === 'reject-one-rcpt' && address.address.startsWith('refused@')) {
        return callback(Object.assign(new Error(`fake: <${address.address}>: recipient address rejected: no such user`), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let cut = false;
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (personality === 'drop-mid-data' && !cut) {
          cut = true;
          socketOf(server, session)?.destroy();
        }
      });
      stream.on('end', () => {
        if (cut) return;
        const raw = Buffer.concat(chunks);
        received.push(raw);
        if (personality === 'drop-after-dot') {
          socketOf(server, session)?.destroy();
          return;
        }
        if (personality === 'hang-after-dot') return;
        if (personality === 'data-552') return callback(Object.assign(new Error('fake: message exceeds fixed maximum message size'), { responseCode: 552 }));
        if (personality === 'files-own-copy' && options.fileCopy) {
          options.fileCopy(raw).then(
            () => callback(null, 'fake: queued as FAKE1'),
            (error: Error) => callback(error),
          );
          return;
        }
        callback(null, 'fake: queued as FAKE1');
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The fake's socket of a session (smtp-server keeps them on its connections), to cut it. */
function socketOf(server: SMTPServer, session: SMTPServerSession): Socket | null {
  for (const connection of server.connections) {
    if (connection.id === session.id) return connection._socket;
  }
  return null;
}

async function silentServer(received: Buffer[]): Promise<FakeSmtpServer> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
