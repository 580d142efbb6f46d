import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { pop3Login } from '../servers/pop3-probe';

/** The harness itself: a private Dovecot that every later sync test relies on. */
describe('the Dovecot test harness', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot();
    await server.deliver('alice', 'From: Bob <bob@example.org>\r\nSubject: hello\r\nMessage-ID: <1@test>\r\n\r\nHi Alice\r\n', {
      flags: ['\\Flagged'],
    });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  const imap = (port: number, secure: boolean) =>
    new ImapFlow({
      host: '127.0.0.1',
      port,
      secure,
      doSTARTTLS: secure ? undefined : true,
      servername: 'localhost',
      tls: { ca: [server.certificate.pem] },
      auth: { user: 'alice', pass: 'alice-secret' },
      logger: false,
    });

  it.each([
    ['IMAP with STARTTLS', false],
    ['IMAPS (implicit TLS)', true],
  ])('logs in over %s, with CONDSTORE and QRESYNC', async (_name, secure) => {
    const client = imap(secure ? server.ports.imaps : server.ports.imap, secure);
    client.on('error', () => undefined);
    await client.connect();
    try {
      expect(client.secureConnection || client.capabilities.size > 0).toBe(true);
      expect(client.capabilities.has('CONDSTORE')).toBe(true);
      expect(client.capabilities.has('QRESYNC')).toBe(true);
      const status = await client.status('INBOX', { messages: true });
      expect(status && status.messages).toBe(1);
      const list = await client.list();
      expect(list.find((f) => f.specialUse === '\\Trash')?.path).toBe('Trash');
    } finally {
      await client.logout();
    }
  });

  it.each([
    ['POP3 with STLS', 'stls'],
    ['POP3S (implicit TLS)', 'implicit'],
  ] as const)('logs in over %s', async (_name, tls) => {
    const port = tls === 'implicit' ? server.ports.pop3s : server.ports.pop3;
    const result = await pop3Login({ port, tls, ca: server.certificate.pem, user: 'alice', password: 'alice-secret' });
    expect(result.stat).toMatch(/^\+OK 1 \d+/);
    expect(result.capabilities).toContain('UIDL');
  });

  it('refuses a wrong password', async () => {
    await expect(
      pop3Login({ port: server.ports.pop3s, tls: 'implicit', ca: server.certificate.pem, user: 'alice', password: 'wrong' }),
    ).rejects.toThrow(/PASS failed/);
  });

  it('goes down and comes back on the same ports', async () => {
    await server.stop();
    await expect(
      pop3Login({ port: server.ports.pop3s, tls: 'implicit', ca: server.certificate.pem, user: 'alice', password: 'alice-secret' }),
    ).rejects.toThrow();
    await server.start();
    const result = await pop3Login({ port: server.ports.pop3s, tls: 'implicit', ca: server.certificate.pem, user: 'alice', password: 'alice-secret' });
    expect(result.stat).toMatch(/^\+OK 1 /);
  });
});
