import { join } from 'node:path';
import { createServer, connect, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConnectionTestResult, ServerSettings } from '../../shared/contract/accounts';
import { testConnection } from '../../electron/accounts/connection-test';
import { createResolvers, type Resolvers } from '../../electron/accounts/resolvers';
import { formatFingerprint } from '../../electron/net/tls-trust';
import { Pop3Client } from '../../electron/protocols/pop3/pop3-client';
import { makeCertificate } from '../servers/certificate';
import { type DnsServer, startDnsServer } from '../servers/dns-server';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { freePort } from '../servers/free-port';

const PASSWORD = 'alice-secret';
const WRONG = 'Wr0ng-P4ssw0rd-never-logged';

/**
 * The connection test against a real Dovecot whose certificate is issued for its hosting provider's name
 * (`server42.hostingco.test`), reached as the user's `mail.example.test`, both mapped to 127.0.0.1 by a
 * loopback DNS server. Every failure must come back coded, in words, with a fix, and without a password.
 */
describe('connection test against Dovecot with a certificate for another name', () => {
  let dovecot: DovecotServer;
  let dns: DnsServer;
  let trusting: Resolvers;
  let untrusting: Resolvers;
  let forwarder: Server;
  let forwardedImap = 0;
  let forwardedPop3 = 0;
  const results: ConnectionTestResult[] = [];
  const logged: string[] = [];

  const run = async (resolvers: Resolvers, server: Partial<ServerSettings> & Pick<ServerSettings, 'port'>, options: { password?: string; pin?: string | null } = {}) => {
    const result = await testConnection(
      {
        server: { protocol: 'imap', host: 'mail.example.test', security: 'tls', username: 'alice', ...server },
        password: options.password ?? PASSWORD,
        trustedFingerprint: options.pin ?? null,
      },
      { resolvers, timeouts: { greetingMs: 5_000 } },
    );
    results.push(result);
    return result;
  };
  const failure = (result: ConnectionTestResult) => {
    if (result.ok) throw new Error(`expected a failure, got ok (${result.capabilities.join(' ')})`);
    return result.error;
  };

  beforeAll(async () => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    }
    dovecot = await startDovecot({ certificateNames: ['server42.hostingco.test'], extraConfig: 'pop3_lock_session = yes\n' });
    dns = await startDnsServer({
      'mail.example.test': { A: ['127.0.0.1'] },
      'server42.hostingco.test': { A: ['127.0.0.1'] },
    });
    // The self-signed certificate is trusted as an authority in these tests, so "full verification" is
    // exactly what a certificate from a public CA would get.
    trusting = createResolvers({ dnsServers: [dns.address], ca: [dovecot.certificate.pem] });
    untrusting = createResolvers({ dnsServers: [dns.address] });
    // Dovecot treats a connection from its own address as secure and allows plaintext passwords on it; a
    // hop from 127.0.0.2 makes it behave as it does for everyone else (LOGINDISABLED, no USER).
    const targets = new Map<number, number>();
    forwarder = createServer((client) => {
      const target = targets.get((client.address() as { port: number }).port)!;
      const upstream = connect({ host: '127.0.0.1', port: target, localAddress: '127.0.0.2' });
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    forwardedImap = await freePort();
    forwardedPop3 = await freePort();
    targets.set(forwardedImap, dovecot.ports.imap);
    targets.set(forwardedPop3, dovecot.ports.pop3);
    // One server, two listening ports.
    await new Promise<void>((resolve) => forwarder.listen(forwardedImap, '127.0.0.1', resolve));
    const second = createServer((client) => forwarder.emit('connection', client));
    await new Promise<void>((resolve) => second.listen(forwardedPop3, '127.0.0.1', resolve));
    forwarder.once('close', () => second.close());
  });

  afterAll(async () => {
    forwarder?.close();
    await dns?.close();
    const dovecotLog = (await dovecot?.log()) ?? '';
    await dovecot?.destroy();
    vi.restoreAllMocks();
    // Nothing Homing returned or logged, and nothing the server logged, contains a password.
    const everything = JSON.stringify(results) + logged.join('\n') + dovecotLog;
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(WRONG);
  });

  it('sees TLS_CERT_HOSTNAME with the names the certificate covers, and the offer to use that name', async () => {
    const error = failure(await run(trusting, { port: dovecot.ports.imaps }));
    expect(error.code).toBe('TLS_CERT_HOSTNAME');
    expect(error.message).toContain('server42.hostingco.test');
    expect(error.message).toContain('mail.example.test');
    expect(error.detail).toMatchObject({
      coveredNames: ['server42.hostingco.test'],
      suggestedHosts: ['server42.hostingco.test'],
      fix: 'use-certificate-hostname',
      certificate: { fingerprint256: dovecot.certificate.fingerprint256 },
    });
  });

  it.each([
    ['IMAP, SSL/TLS', 'imap', 'imaps', 'tls'],
    ['IMAP, STARTTLS', 'imap', 'imap', 'starttls'],
    ['POP3, SSL/TLS', 'pop3', 'pop3s', 'tls'],
    ['POP3, STARTTLS', 'pop3', 'pop3', 'starttls'],
  ] as const)('connects with full verification after switching to the covered name (%s)', async (_name, protocol, port, security) => {
    const result = await run(trusting, { protocol, host: 'server42.hostingco.test', port: dovecot.ports[port], security });
    expect(result).toMatchObject({ ok: true, certificate: { fingerprint256: dovecot.certificate.fingerprint256, altNames: ['server42.hostingco.test'] } });
    if (result.ok) expect(result.capabilities.join(' ')).toMatch(protocol === 'imap' ? /IMAP4rev1/i : /UIDL/);
  });

  it('explains an untrusted certificate with subject, issuer, dates and fingerprint; pinning it connects', async () => {
    const error = failure(await run(untrusting, { port: dovecot.ports.imaps }));
    expect(error.code).toBe('TLS_CERT_UNTRUSTED');
    expect(error.detail).toMatchObject({
      fix: 'trust-certificate',
      nameMatches: false,
      certificate: {
        subject: 'CN=server42.hostingco.test',
        issuer: 'CN=server42.hostingco.test',
        fingerprint256: dovecot.certificate.fingerprint256,
        validFrom: expect.any(String),
        validTo: expect.any(String),
      },
    });
    const pinned = await run(untrusting, { port: dovecot.ports.imaps }, { pin: dovecot.certificate.fingerprint256 });
    expect(pinned).toMatchObject({ ok: true });
    const pop3Pinned = await run(untrusting, { protocol: 'pop3', port: dovecot.ports.pop3, security: 'starttls' }, { pin: dovecot.certificate.fingerprint256 });
    expect(pop3Pinned).toMatchObject({ ok: true });
  });

  it('gives AUTH_FAILED for a wrong password, with the app-password hint (IMAP and POP3)', async () => {
    for (const [protocol, port] of [['imap', dovecot.ports.imaps], ['pop3', dovecot.ports.pop3s]] as const) {
      const error = failure(await run(trusting, { protocol, host: 'server42.hostingco.test', port }, { password: WRONG }));
      expect(error.code).toBe('AUTH_FAILED');
      expect(error.message).toMatch(/app password/);
      expect(error.detail).toMatchObject({ fix: 'check-password' });
    }
  });

  it('gives TLS_WRONG_PORT for SSL/TLS on a STARTTLS port and for STARTTLS on an SSL/TLS port, with the pairing to use', async () => {
    const tlsOnPlain = failure(await run(trusting, { host: 'server42.hostingco.test', port: dovecot.ports.imap, security: 'tls' }));
    expect(tlsOnPlain).toMatchObject({ code: 'TLS_WRONG_PORT', detail: { fix: 'switch-security', suggested: { port: dovecot.ports.imap, security: 'starttls' } } });
    const startTlsOnTls = failure(await run(trusting, { host: 'server42.hostingco.test', port: dovecot.ports.imaps, security: 'starttls' }));
    expect(startTlsOnTls).toMatchObject({ code: 'TLS_WRONG_PORT', detail: { fix: 'switch-security', suggested: { port: dovecot.ports.imaps, security: 'tls' } } });
    const pop3 = failure(await run(trusting, { protocol: 'pop3', host: 'server42.hostingco.test', port: dovecot.ports.pop3s, security: 'starttls' }));
    expect(pop3.code).toBe('TLS_WRONG_PORT');
    expect(startTlsOnTls.message).toMatch(/SSL\/TLS/);
  });

  it('names the other protocol when IMAP is tried on the POP3 port', async () => {
    const error = failure(await run(trusting, { host: 'server42.hostingco.test', port: dovecot.ports.pop3, security: 'starttls' }));
    expect(error).toMatchObject({ code: 'PROTOCOL_ERROR', detail: { fix: 'check-port', heard: 'POP3' } });
  });

  it('gives CONNECTION_REFUSED for a closed port and DNS_NOT_FOUND for an unknown host', async () => {
    const closed = failure(await run(trusting, { host: 'server42.hostingco.test', port: await freePort() }));
    expect(closed).toMatchObject({ code: 'CONNECTION_REFUSED', detail: { fix: 'check-port' } });
    expect(closed.message).toMatch(/refused the connection/);
    const unknown = failure(await run(trusting, { host: 'no-such-host.example.test', port: dovecot.ports.imaps }));
    expect(unknown).toMatchObject({ code: 'DNS_NOT_FOUND', detail: { fix: 'check-hostname' } });
    expect(unknown.message).toContain('no-such-host.example.test');
    expect(dns.queries).toContain('A no-such-host.example.test');
  });

  it('refuses to send a password unencrypted when the server does not take one (AUTH_PLAINTEXT_REFUSED)', async () => {
    for (const [protocol, port] of [['imap', forwardedImap], ['pop3', forwardedPop3]] as const) {
      const error = failure(await run(trusting, { protocol, host: 'server42.hostingco.test', port, security: 'none' }));
      expect(error).toMatchObject({ code: 'AUTH_PLAINTEXT_REFUSED', detail: { fix: 'use-encryption' } });
    }
  });

  it('gives MAILBOX_LOCKED while another POP3 session holds the mailbox', async () => {
    const holder = await Pop3Client.connect({ host: '127.0.0.1', port: dovecot.ports.pop3s, security: 'tls', trustedFingerprint: dovecot.certificate.fingerprint256 });
    try {
      await holder.login('alice', PASSWORD);
      const error = failure(await run(trusting, { protocol: 'pop3', host: 'server42.hostingco.test', port: dovecot.ports.pop3s }));
      expect(error).toMatchObject({ code: 'MAILBOX_LOCKED', detail: { fix: 'wait-and-retry' } });
      expect(error.message).toMatch(/in use by another mail program/);
    } finally {
      await holder.quit();
    }
  });

  it('refuses a pinned certificate that changed, showing the old and the new fingerprint', async () => {
    const old = dovecot.certificate.fingerprint256;
    // The provider renews its certificate: same names, new key.
    const renewed = await makeCertificate(join(dovecot.dir, 'ssl'), ['server42.hostingco.test']);
    expect(renewed.fingerprint256).not.toBe(old);
    await dovecot.stop();
    await dovecot.start();
    const error = failure(await run(untrusting, { port: dovecot.ports.imaps }, { pin: old }));
    expect(error.code).toBe('TLS_CERT_CHANGED');
    expect(error.detail).toMatchObject({ previousFingerprint: old, newFingerprint: renewed.fingerprint256, fix: 'trust-certificate' });
    expect(error.message).toContain(formatFingerprint(old));
    expect(error.message).toContain(formatFingerprint(renewed.fingerprint256));
    // Trusting the new one (after checking it) connects again.
    expect(await run(untrusting, { port: dovecot.ports.imaps }, { pin: renewed.fingerprint256 })).toMatchObject({ ok: true });
  });
});
