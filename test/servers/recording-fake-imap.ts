import { createServer, type Server, type Socket } from 'node:net';
import { freePort } from './free-port';

export interface RecordingFakeImap {
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Every byte clients sent, as latin1 text. */
  received(): string;
  close(): Promise<void>;
}

/**
 * A fake IMAP server on loopback that takes any login and records every byte it is sent: it stands in
 * for a server the caller named, to see whether the stored password would reach it (a real server cannot
 * show what it was sent).
 */
export async function startRecordingFakeImap(): Promise<RecordingFakeImap> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN] fake ready\r\n');
    let buffered = '';
    let pendingTag: string | null = null;
    socket.on('data', (data: Buffer) => {
      chunks.push(data);
      buffered += data.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (pendingTag) {
          socket.write(`${pendingTag} OK [CAPABILITY IMAP4rev1] logged in\r\n`);
          pendingTag = null;
          continue;
        }
        const [tag, command = ''] = line.split(' ');
        const verb = command.toUpperCase();
        if (verb === 'CAPABILITY') socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN\r\n${tag} OK done\r\n`);
        else if (verb === 'AUTHENTICATE' && line.split(' ').length === 3) {
          pendingTag = tag!;
          socket.write('+ \r\n');
        } else if (verb === 'LOGOUT') socket.end(`* BYE fake\r\n${tag} OK bye\r\n`);
        else socket.write(`${tag} OK done\r\n`);
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    get connections() {
      return connections;
    },
    received: () => Buffer.concat(chunks).toString('latin1'),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every form a password takes on the wire: as it is (LOGIN, USER/PASS), and inside SASL PLAIN's base64. */
export function carriesPassword(received: string, password: string, username: string): boolean {
  return received.includes(password) || received.includes(Buffer.from(`\u0000${username}\u0000${password}`).toString('base64'));
}
