import { createServer as createTcpServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectImap, type ImapConnectOptions } from '../../electron/protocols/imap/imap-connection';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';
import { eventually } from '../helpers/imap-sync';
import { homingFailure } from '../helpers/homing-failure';


describe('connectImap against a real Dovecot', () => {
  let server: DovecotServer;
  let proxy: FaultProxy;
  const base = (): ImapConnectOptions => ({
    host: '127.0.0.1',
    port: server.ports.imaps,
    security: 'tls',
    username: 'alice',
    password: 'alice-secret',
    trustedFingerprint: server.certificate.fingerprint256,
  });

  beforeAll(async () => {
    server = await startDovecot();
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  it.each([
    ['implicit TLS', 'tls' as const],
    ['STARTTLS', 'starttls' as const],
  ])('logs in over %s with a pinned certificate and reports it', async (_name, security) => {
    const connection = await connectImap({ ...base(), security, port: security === 'tls' ? server.ports.imaps : server.ports.imap });
    try {
      expect(connection.has('IDLE')).toBe(true);
      expect(connection.qresync).toBe(true);
      expect(connection.certificate?.fingerprint256).toBe(server.certificate.fingerprint256);
      expect(connection.certificate?.altNames).toContain('localhost');
    } finally {
      await connection.logout();
    }
    expect(await connection.closed).toBeNull();
  });

  it.each([
    ['implicit TLS', 'tls' as const],
    ['STARTTLS', 'starttls' as const],
  ])('refuses a self-signed certificate over %s with TLS_CERT_UNTRUSTED and its details, before LOGIN', async (_name, security) => {
    const logBefore = (await server.log()).length;
    const error = await homingFailure(
      connectImap({ ...base(), security, port: security === 'tls' ? server.ports.imaps : server.ports.imap, trustedFingerprint: null }),
    );
    expect(error.code).toBe('TLS_CERT_UNTRUSTED');
    expect(error.detail?.certificate).toMatchObject({ fingerprint256: server.certificate.fingerprint256 });
    // Dovecot logs how each connection ended: in the TLS handshake, with no login attempt (once it has noticed).
    const log = await eventually(async () => (await server.log()).slice(logBefore), (text) => /no auth attempts/.test(text));
    expect(log).toMatch(/no auth attempts/);
    expect(log).not.toMatch(/user=<alice>/);
  });

  it('reports TLS_CERT_CHANGED when the pinned fingerprint does not match', async () => {
    const error = await homingFailure(connectImap({ ...base(), trustedFingerprint: 'ab'.repeat(32) }));
    expect(error.code).toBe('TLS_CERT_CHANGED');
    expect(error.detail?.trustedFingerprint).toBe('ab'.repeat(32));
  });

  it('reports AUTH_FAILED with the server text for a wrong password, never the password', async () => {
    const error = await homingFailure(connectImap({ ...base(), password: 'wrong-password-123' }));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toMatch(/AUTHENTICATIONFAILED|Authentication failed/i);
    expect(JSON.stringify({ m: error.message, d: error.detail })).not.toContain('wrong-password-123');
  });

  it('reports CONNECTION_REFUSED for a closed port', async () => {
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const error = await homingFailure(connectImap({ ...base(), port }));
    expect(error.code).toBe('CONNECTION_REFUSED');
  });

  it('reports TLS_WRONG_PORT when implicit TLS meets the plain port', async () => {
    const error = await homingFailure(connectImap({ ...base(), port: server.ports.imap, timeouts: { connectMs: 5000 } }));
    expect(error.code).toBe('TLS_WRONG_PORT');
  });

  it('gives TIMEOUT, not a hang, when the server stops answering mid-session (fault proxy stall)', async () => {
    // Long enough for Dovecot's auth penalty after the wrong-password test (2 s per failure from this address).
    const connection = await connectImap({ ...base(), port: proxy.port, timeouts: { socketMs: 5000 } });
    try {
      proxy.stallOpen();
      const error = await homingFailure(connection.client.mailboxOpen('INBOX').catch((e: unknown) => Promise.reject(connection.mapError(e))));
      expect(error.code).toBe('TIMEOUT');
      expect((await connection.closed)?.code).toBe('TIMEOUT');
    } finally {
      connection.close();
    }
  });

  it('gives TIMEOUT when a TLS port accepts and never greets (scripted fake server)', async () => {
    const tlsServer = createTlsServer({ key: await readFile(server.certificate.keyPath), cert: server.certificate.pem }, () => {
      // handshake completes, no greeting
    });
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    try {
      const port = (tlsServer.address() as { port: number }).port;
      const error = await homingFailure(connectImap({ ...base(), port, timeouts: { greetingMs: 800 } }));
      expect(error.code).toBe('TIMEOUT');
    } finally {
      await new Promise((r) => tlsServer.close(r));
    }
  });
});
