import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeServer } from '../../../../electron/accounts/probe/probe';
import { testConnection } from '../../../../electron/accounts/connection-test';
import { createResolvers } from '../../../../electron/accounts/resolvers';

/** A scripted fake server: says what the test tells it to, for replies no real server sends. */
async function scripted(onConnection: (socket: Socket) => void): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { port: (server.address() as { port: number }).port, server };
}
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

const probe = (port: number, protocol: 'imap' | 'pop3', security: 'tls' | 'starttls' | 'none' = 'starttls') =>
  probeServer({ protocol, host: '127.0.0.1', port, security, trustedFingerprint: null, timeouts: { greetingMs: 3_000, replyMs: 5_000, connectMs: 5_000, tlsMs: 5_000 } });

describe('probing a server (scripted fake servers)', () => {
  it('scripted fake server: refuses STARTTLS when the server injects data after its go-ahead', async () => {
    const { port } = await scripted((socket) => {
      socket.write('* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n');
      socket.on('data', (line: string) => {
        // The go-ahead and a forged line in one packet: read as if it came over TLS, that would be the attack.
        if (/STARTTLS/.test(line)) socket.write('P2 OK Begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n');
      });
    });
    await expect(probe(port, 'imap')).rejects.toMatchObject({ code: 'TLS_FAILED', message: expect.stringMatching(/before the TLS handshake/) });
  });

  it('scripted fake server: names SMTP when the port belongs to the mail sending service', async () => {
    const { port } = await scripted((socket) => socket.write('220 smtp.example.test ESMTP Postfix\r\n'));
    await expect(probe(port, 'imap')).rejects.toMatchObject({ code: 'PROTOCOL_ERROR', detail: { heard: 'SMTP (sending mail)', fix: 'check-port' } });
  });

  it('scripted fake server: reports a BYE greeting in the server’s words', async () => {
    const { port } = await scripted((socket) => socket.end('* BYE Too many connections from your IP\r\n'));
    await expect(probe(port, 'imap')).rejects.toMatchObject({ code: 'SERVER_ERROR', message: expect.stringMatching(/Too many connections/) });
  });

  it('scripted fake server: gives up on an endless line', async () => {
    const { port } = await scripted((socket) => {
      const chunk = 'x'.repeat(16 * 1024);
      for (let i = 0; i < 6; i++) socket.write(chunk);
    });
    await expect(probe(port, 'pop3', 'none')).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  });

  it('scripted fake server: a silent port that does not speak TLS either is a TIMEOUT, not a wrong port', async () => {
    const { port } = await scripted(() => undefined);
    await expect(probe(port, 'imap')).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('scripted fake server: without STARTTLS on offer, no password is sent and the error says why', async () => {
    const { port } = await scripted((socket) => {
      socket.write('+OK POP3 ready\r\n');
      socket.on('data', () => socket.write('+OK\r\nUSER\r\nUIDL\r\n.\r\n'));
    });
    await expect(probe(port, 'pop3')).rejects.toMatchObject({ code: 'AUTH_PLAINTEXT_REFUSED', detail: { fix: 'use-encryption' } });
  });

  it('scripted fake server: a password a server echoes back never reaches the result', async () => {
    const password = 'echoed-secret-123';
    const { port } = await scripted((socket) => {
      socket.write('+OK ready\r\n');
      socket.on('data', () => socket.write('+OK\r\nUSER\r\n.\r\n'));
    });
    const result = await testConnection(
      { server: { protocol: 'pop3', host: '127.0.0.1', port, security: 'none', username: 'u' }, password, trustedFingerprint: null },
      {
        resolvers: createResolvers(),
        timeouts: { greetingMs: 3_000 },
        logins: {
          pop3: async () => {
            throw Object.assign(new Error(`-ERR unknown command PASS ${password}`), { code: 'EPROTO' });
          },
        },
      },
    );
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(password);
    expect(JSON.stringify(result)).toContain('[password]');
  });
});
