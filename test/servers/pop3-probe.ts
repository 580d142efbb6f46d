import { connect as tcp, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

/**
 * The least POP3 needed to prove the harness's endpoints work: greeting, optional STLS, USER/PASS, STAT.
 * Test code only; Homing's real client is electron/sync/pop3/.
 */
export async function pop3Login(options: {
  port: number;
  tls: 'implicit' | 'stls';
  ca: string;
  user: string;
  password: string;
}): Promise<{ stat: string; capabilities: string[] }> {
  let socket: Socket | TLSSocket =
    options.tls === 'implicit'
      ? tlsConnect({ host: '127.0.0.1', port: options.port, ca: options.ca, servername: 'localhost' })
      : tcp(options.port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  let failure: Error | null = null;
  let waiter: (() => void) | null = null;
  const attach = (s: Socket | TLSSocket) =>
    s
      .on('data', (chunk: string) => {
        buffer += chunk;
        waiter?.();
      })
      .on('error', (error) => {
        failure = error;
        waiter?.();
      })
      .on('close', () => {
        failure ??= new Error('connection closed');
        waiter?.();
      });
  attach(socket);
  const readLine = async (): Promise<string> => {
    while (!buffer.includes('\r\n')) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (waiter = resolve));
    }
    const line = buffer.slice(0, buffer.indexOf('\r\n'));
    buffer = buffer.slice(buffer.indexOf('\r\n') + 2);
    return line;
  };
  const readMulti = async (): Promise<string[]> => {
    const lines: string[] = [];
    for (let line = await readLine(); line !== '.'; line = await readLine()) lines.push(line);
    return lines;
  };
  const command = async (line: string) => {
    socket.write(`${line}\r\n`);
    const reply = await readLine();
    if (!reply.startsWith('+OK')) throw new Error(`${line.split(' ')[0]} failed: ${reply}`);
    return reply;
  };

  try {
    const greeting = await readLine();
    if (!greeting.startsWith('+OK')) throw new Error(`bad greeting: ${greeting}`);
    await command('CAPA');
    let capabilities = await readMulti();
    if (options.tls === 'stls') {
      if (!capabilities.includes('STLS')) throw new Error('no STLS offered');
      await command('STLS');
      const plain = socket as Socket;
      plain.removeAllListeners('data').removeAllListeners('close');
      socket = tlsConnect({ socket: plain, ca: options.ca, servername: 'localhost' });
      socket.setEncoding('utf8');
      attach(socket);
      await new Promise<void>((resolve, reject) => (socket as TLSSocket).once('secureConnect', resolve).once('error', reject));
      await command('CAPA');
      capabilities = await readMulti();
    }
    await command(`USER ${options.user}`);
    await command(`PASS ${options.password}`);
    const stat = await command('STAT');
    await command('QUIT');
    return { stat, capabilities };
  } finally {
    socket.destroy();
  }
}
