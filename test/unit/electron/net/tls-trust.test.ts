import { mkdtemp, readFile } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, rootCertificates, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HomingError } from '../../../../shared/errors';
import {
  classifyCertificateFailure,
  coversHost,
  formatFingerprint,
  tlsOptions,
  type TrustPolicy,
  verifyPeer,
} from '../../../../electron/net/tls-trust';
import { makeCertificate, type TestCertificate } from '../../../servers/certificate';
import { createTestCa, type TestCa } from '../../../servers/test-ca';

/** Every test name is 127.0.0.1: nothing is looked up anywhere. */
const loopback: LookupFunction = (_host, options, callback) => {
  if (options.all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

/** Real TLS servers on 127.0.0.1, one per certificate, each greeting like an IMAP server. */
async function serve(cert: TestCertificate): Promise<{ port: number; server: Server }> {
  const server = createServer({ cert: cert.pem, key: await readFile(cert.keyPath, 'utf8') }, (socket) => {
    socket.on('error', () => undefined);
    socket.end('* OK hello\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server };
}

/** A handshake under `policy`, judged by verifyPeer exactly as the protocol clients do. */
function handshake(port: number, policy: TrustPolicy): Promise<HomingError | null> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: policy.host, port, lookup: loopback, ...tlsOptions(policy) });
    socket.once('secureConnect', () => {
      const verdict = verifyPeer(socket, policy);
      socket.destroy();
      resolve(verdict);
    });
    socket.once('error', reject);
  });
}

describe('TLS trust: verification, explained failures, pinning', () => {
  let ca: TestCa;
  const servers: Server[] = [];
  const ports: Record<string, number> = {};
  const certs: Record<string, TestCertificate> = {};

  beforeAll(async () => {
    ca = await createTestCa();
    certs.good = await ca.issue(['mail.example.test', 'imap.example.test']);
    certs.other = await ca.issue(['server42.hostingco.test']);
    certs.wildcard = await ca.issue(['*.hostingco.test']);
    certs.expired = await ca.issue(['old.example.test'], { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    certs.selfSigned = await makeCertificate(await mkdtemp(join(tmpdir(), 'homing-self-')), ['server42.hostingco.test']);
    for (const [name, cert] of Object.entries(certs)) {
      const { port, server } = await serve(cert);
      ports[name] = port;
      servers.push(server);
    }
  });
  afterAll(() => {
    for (const server of servers) server.close();
  });

  const policy = (host: string, extra: Partial<TrustPolicy> = {}): TrustPolicy => ({ host, trustedFingerprint: null, ca: [ca.pem], ...extra });

  it('accepts a certificate from a trusted authority that covers the name', async () => {
    expect(await handshake(ports.good!, policy('mail.example.test'))).toBeNull();
    expect(await handshake(ports.good!, policy('IMAP.Example.Test.'))).toBeNull();
  });

  it('explains a valid certificate for another name, lists the names it covers, and offers that name', async () => {
    const error = await handshake(ports.other!, policy('mail.example.test'));
    expect(error?.code).toBe('TLS_CERT_HOSTNAME');
    expect(error?.message).toContain('server42.hostingco.test');
    expect(error?.message).toContain('mail.example.test');
    expect(error?.detail).toMatchObject({
      coveredNames: ['server42.hostingco.test'],
      suggestedHosts: ['server42.hostingco.test'],
      fix: 'use-certificate-hostname',
      certificate: { fingerprint256: certs.other!.fingerprint256, issuer: expect.stringContaining('Homing Test CA') },
    });
    // "Use that hostname instead": the same server, verified normally.
    expect(await handshake(ports.other!, policy('server42.hostingco.test'))).toBeNull();
  });

  it('never suggests a wildcard as a host name', async () => {
    const error = await handshake(ports.wildcard!, policy('mail.example.test'));
    expect(error?.code).toBe('TLS_CERT_HOSTNAME');
    expect(error?.detail).toMatchObject({ coveredNames: ['*.hostingco.test'], suggestedHosts: [], fix: 'trust-certificate' });
    expect(await handshake(ports.wildcard!, policy('server7.hostingco.test'))).toBeNull();
  });

  it('explains an expired certificate with its dates', async () => {
    const error = await handshake(ports.expired!, policy('old.example.test'));
    expect(error?.code).toBe('TLS_CERT_EXPIRED');
    expect(error?.message).toContain('2021-01-01');
    expect(error?.detail).toMatchObject({ fix: 'trust-certificate', certificate: { validTo: '2021-01-01T00:00:00.000Z' } });
  });

  it('explains a certificate from an authority this computer does not trust', async () => {
    const error = await handshake(ports.good!, { host: 'mail.example.test', trustedFingerprint: null });
    expect(error?.code).toBe('TLS_CERT_UNTRUSTED');
    expect(error?.message).toContain('Homing Test CA');
    expect(error?.detail).toMatchObject({ fix: 'trust-certificate', nameMatches: true });
  });

  it('says when an untrusted self-signed certificate is for another name as well', async () => {
    const error = await handshake(ports.selfSigned!, { host: 'mail.example.test', trustedFingerprint: null });
    expect(error?.code).toBe('TLS_CERT_UNTRUSTED');
    expect(error?.detail).toMatchObject({ nameMatches: false, coveredNames: ['server42.hostingco.test'], reason: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(error?.message).toContain('server42.hostingco.test');
  });

  it('accepts exactly the pinned certificate, whatever its issuer, names or dates', async () => {
    for (const name of ['selfSigned', 'expired', 'other'] as const) {
      const pinned = { host: 'mail.example.test', trustedFingerprint: certs[name]!.fingerprint256 };
      expect(await handshake(ports[name]!, pinned)).toBeNull();
    }
    // Pins are compared without colons and case.
    const pretty = formatFingerprint(certs.selfSigned!.fingerprint256);
    expect(await handshake(ports.selfSigned!, { host: 'x.test', trustedFingerprint: pretty })).toBeNull();
  });

  it('refuses a pinned certificate that changed to one that does not verify, with the old and new fingerprints side by side', async () => {
    const error = await handshake(ports.selfSigned!, { host: 'mail.example.test', trustedFingerprint: certs.good!.fingerprint256, ca: [ca.pem] });
    expect(error?.code).toBe('TLS_CERT_CHANGED');
    expect(error?.detail).toMatchObject({
      previousFingerprint: certs.good!.fingerprint256,
      newFingerprint: certs.selfSigned!.fingerprint256,
      fix: 'trust-certificate',
    });
    expect(error?.message).toContain(formatFingerprint(certs.good!.fingerprint256));
    expect(error?.message).toContain(formatFingerprint(certs.selfSigned!.fingerprint256));
    // Valid, but for another name, or expired: still a changed pin.
    for (const name of ['other', 'expired'] as const) {
      const changed = await handshake(ports[name]!, { host: 'mail.example.test', trustedFingerprint: certs.selfSigned!.fingerprint256, ca: [ca.pem] });
      expect(changed?.code, name).toBe('TLS_CERT_CHANGED');
    }
  });

  it('accepts a certificate that verifies for the host in place of a pinned one (a self-signed certificate replaced by a real one)', async () => {
    const pinned = { host: 'mail.example.test', trustedFingerprint: certs.selfSigned!.fingerprint256, ca: [ca.pem] };
    expect(await handshake(ports.good!, pinned)).toBeNull();
    expect(await handshake(ports.good!, { ...pinned, host: 'imap.example.test' })).toBeNull();
  });

  it('builds TLS options that never switch verification off', () => {
    expect(tlsOptions({ host: '127.0.0.1', trustedFingerprint: null })).toEqual({ servername: undefined, rejectUnauthorized: false, minVersion: 'TLSv1.2' });
    expect(tlsOptions({ host: '::1', trustedFingerprint: null }).servername).toBeUndefined();
    const withCa = tlsOptions({ host: 'Mail.Example.Test.', trustedFingerprint: null, ca: ['PEM'] });
    expect(withCa.servername).toBe('mail.example.test');
    // Extra authorities are added to the built-in ones, never instead of them.
    expect(withCa.ca).toHaveLength(rootCertificates.length + 1);
  });

  it('classifies verification codes it was not shown by a server', () => {
    const info = { subject: 'CN=a.test', issuer: 'CN=x', validFrom: '', validTo: '', fingerprint256: 'ab', altNames: [] };
    expect(classifyCertificateFailure('CERT_NOT_YET_VALID', info, 'a.test').code).toBe('TLS_CERT_EXPIRED');
    expect(classifyCertificateFailure('CERT_REVOKED', info, 'a.test').code).toBe('TLS_CERT_UNTRUSTED');
    // Without SANs the CN is what the certificate covers.
    expect(classifyCertificateFailure('ERR_TLS_CERT_ALTNAME_INVALID', info, 'b.test').detail).toMatchObject({ coveredNames: ['a.test'] });
    expect(coversHost({ ...info, altNames: ['*.a.test'] }, 'x.a.test')).toBe(true);
    expect(coversHost({ ...info, altNames: ['*.a.test'] }, 'y.x.a.test')).toBe(false);
    expect(coversHost({ ...info, altNames: ['127.0.0.1'] }, '127.0.0.1')).toBe(true);
  });
});
