import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Client, type Pop3ClientOptions } from '../../electron/protocols/pop3/pop3-client';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { startFaultProxy } from '../servers/fault-proxy';
import { homingFailure } from '../helpers/homing-failure';

/** Our POP3 client against the real Dovecot: TLS both ways, every login mechanism, the usual failures. */
describe('POP3 client against Dovecot', () => {
  let server: DovecotServer;
  const raw = 'From: Bob <bob@example.org>\r\nSubject: hello\r\nMessage-ID: <c1@test>\r\n\r\n.a line with a leading dot\r\nbye\r\n';

  beforeAll(async () => {
    // APOP needs the plaintext password on the server side: the harness stores {PLAIN} passwords.
    server = await startDovecot({ extraConfig: 'auth_mechanisms = plain login cram-md5 apop\npop3_lock_session = yes\nmail_max_lock_timeout = 1s\n' });
    await server.deliver('alice', raw);
    await server.deliver('alice', 'Subject: second\r\n\r\nsecond body\r\n');
  });
  afterAll(async () => {
    await server?.destroy();
  });

  const options = (over: Partial<Pop3ClientOptions> = {}): Pop3ClientOptions => ({
    host: '127.0.0.1',
    port: server.ports.pop3s,
    security: 'tls',
    trustedFingerprint: server.certificate.fingerprint256,
    ...over,
  });


  it.each([
    ['POP3 with STLS', 'starttls'],
    ['POP3S (implicit TLS)', 'tls'],
  ] as const)('logs in over %s and reads the maildrop byte for byte', async (_name, security) => {
    const client = await Pop3Client.connect(options({ security, port: security === 'tls' ? server.ports.pop3s : server.ports.pop3 }));
    try {
      expect(client.encrypted).toBe(true);
      expect(client.capabilities.has('PIPELINING')).toBe(true);
      expect(client.capabilities.has('UIDL')).toBe(true);
      expect(await client.login('alice', 'alice-secret')).toBe('plain');
      expect((await client.stat()).count).toBe(2);
      const uidls = await client.uidl();
      expect(uidls.map((u) => u.msgno)).toEqual([1, 2]);
      expect(new Set(uidls.map((u) => u.uidl)).size).toBe(2);
      const list = await client.list();
      // Both were delivered in the same second: the server's order between them is its own.
      const tempDir = mkdtempSync(join(tmpdir(), 'homing-pop3-'));
      const texts = await Promise.all([1, 2].map(async (msgno) => {
        const source = await client.retr({ msgno, tempDir });
        return source.kind === 'buffer' ? source.bytes.toString() : '';
      }));
      const msgno = texts.indexOf(raw) + 1;
      expect(msgno).toBeGreaterThan(0);
      expect(list.find((l) => l.msgno === msgno)!.size).toBe(Buffer.byteLength(raw));
      await client.quit();
      expect(client.state).toBe('CLOSED');
    } finally {
      client.close();
    }
  });

  it.each(['plain', 'login', 'user', 'apop'] as const)('logs in with %s', async (mechanism) => {
    const client = await Pop3Client.connect(options());
    try {
      expect(await client.login('alice', 'alice-secret', mechanism)).toBe(mechanism);
      expect(client.state).toBe('TRANSACTION');
      await client.quit();
    } finally {
      client.close();
    }
  });

  it('says AUTH_FAILED with the server’s words for a wrong password, and never echoes the password', async () => {
    const client = await Pop3Client.connect(options());
    try {
      const error = await homingFailure(client.login('alice', 'not-the-password'));
      expect(error.code).toBe('AUTH_FAILED');
      expect(error.message).toMatch(/Authentication failed/i);
      expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain('not-the-password');
    } finally {
      client.close();
    }
  });

  it('refuses the self-signed certificate unless its fingerprint is pinned, before sending anything', async () => {
    const error = await homingFailure(Pop3Client.connect(options({ trustedFingerprint: null })));
    expect(error.code).toBe('TLS_CERT_UNTRUSTED');
    const stls = await homingFailure(Pop3Client.connect(options({ trustedFingerprint: null, security: 'starttls', port: server.ports.pop3 })));
    expect(stls.code).toBe('TLS_CERT_UNTRUSTED');
    const changed = await homingFailure(Pop3Client.connect(options({ trustedFingerprint: 'ab'.repeat(32) })));
    expect(changed.code).toBe('TLS_CERT_CHANGED');
  });

  it('explains a security setting that does not fit the port', async () => {
    const error = await homingFailure(Pop3Client.connect(options({ security: 'tls', port: server.ports.pop3 })));
    expect(error.code).toBe('TLS_WRONG_PORT');
  });

  it('says MAILBOX_LOCKED when another session holds the maildrop ([IN-USE])', async () => {
    const first = await Pop3Client.connect(options());
    const second = await Pop3Client.connect(options());
    try {
      await first.login('alice', 'alice-secret');
      const error = await homingFailure(second.login('alice', 'alice-secret'));
      expect(error.code).toBe('MAILBOX_LOCKED');
      expect(error.detail).toMatchObject({ responseCode: 'IN-USE', retryLater: true });
    } finally {
      first.close();
      second.close();
    }
  });

  it('a server that takes the connection and then hangs in the TLS handshake is a TIMEOUT that says so, not "did not accept a connection"', async () => {
    // Found with a watch on a Courier POP3S behind a stalling proxy: the account said the port did not
    // accept a connection, sending the user to check the host and port, while it had accepted it.
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.pop3s });
    try {
      proxy.inject({ kind: 'stall', afterBytes: 0 });
      const error = await homingFailure(Pop3Client.connect(options({ port: proxy.port, timeouts: { connectMs: 500 } })));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toBe(`127.0.0.1:${proxy.port} accepted the connection but did not complete the TLS handshake within 0.5 s (the server may be hung or overloaded, or the port may not be a TLS port).`);
    } finally {
      await proxy.close();
    }
  });
});
