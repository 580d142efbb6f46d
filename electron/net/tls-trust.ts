import { createHash, X509Certificate } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { CertificateInfo } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';

/** How one account trusts its server: normal verification against `host`, or an exact pinned certificate. */
export interface TrustPolicy {
  /** The name the certificate must cover (the account's host). */
  host: string;
  /** Lowercase hex SHA-256 of the one certificate the user chose to trust, or null. */
  trustedFingerprint: string | null;
}

/**
 * Options for `tls.connect` / `tls.connect({socket})` under a TrustPolicy. Verification is never switched
 * off: we take the handshake result ourselves (`rejectUnauthorized: false`) so that a failure can be
 * explained (which names the certificate covers, its fingerprint, its dates), and `verifyPeer()` must be
 * called on `secureConnect` before a single byte is written. Every TLS connection Homing makes goes
 * through these two functions.
 */
export function tlsOptions(policy: TrustPolicy) {
  return {
    servername: isIpAddress(policy.host) ? undefined : policy.host,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2' as const,
  };
}

/**
 * Decides whether the peer of a finished handshake may be talked to. Returns a coded error (the caller
 * destroys the socket) or null. With a pinned fingerprint only that exact certificate passes, whatever its
 * issuer, names or dates; without one the system's verification must have succeeded.
 */
export function verifyPeer(socket: TLSSocket, policy: TrustPolicy): HomingError | null {
  const peer = socket.getPeerCertificate(true);
  if (!peer || !peer.raw) return new HomingError('TLS_FAILED', 'The server sent no certificate.');
  const info = describeCertificate(peer);
  if (policy.trustedFingerprint) {
    if (info.fingerprint256 === policy.trustedFingerprint.toLowerCase()) return null;
    return new HomingError(
      'TLS_CERT_CHANGED',
      `The server's certificate changed. You trusted ${formatFingerprint(policy.trustedFingerprint)}; the server now shows ${formatFingerprint(info.fingerprint256)}. ` +
        'If you did not expect a change, someone may be intercepting the connection.',
      { certificate: info, trustedFingerprint: policy.trustedFingerprint.toLowerCase(), fix: 'trust-certificate' },
    );
  }
  if (socket.authorized) return null;
  return classifyCertificateFailure(String(socket.authorizationError ?? ''), info, policy.host);
}

/** Turns an OpenSSL/Node verification code into our words, with what a person can do about it. */
export function classifyCertificateFailure(reason: string, certificate: CertificateInfo, host: string): HomingError {
  if (reason === 'ERR_TLS_CERT_ALTNAME_INVALID' || /altname|does not match|Hostname\/IP/i.test(reason)) {
    const names = certificate.altNames.length > 0 ? certificate.altNames : [certificate.subject];
    return new HomingError(
      'TLS_CERT_HOSTNAME',
      `The server's certificate is for ${names.join(', ')}, not for ${host}. Many hosting providers use their own server's name: connect to ${names[0]} instead.`,
      { certificate, host, coveredNames: names, fix: 'use-certificate-hostname', reason },
    );
  }
  if (reason === 'CERT_HAS_EXPIRED' || reason === 'CERT_NOT_YET_VALID') {
    return new HomingError(
      'TLS_CERT_EXPIRED',
      `The server's certificate is valid from ${certificate.validFrom} to ${certificate.validTo}, which does not include today. Ask your provider to renew it, or trust exactly this certificate.`,
      { certificate, host, fix: 'trust-certificate', reason },
    );
  }
  return new HomingError(
    'TLS_CERT_UNTRUSTED',
    `The server's certificate (issued by ${certificate.issuer}) is not signed by an authority this computer trusts. Check its fingerprint with your provider, then trust exactly this certificate.`,
    { certificate, host, fix: 'trust-certificate', reason },
  );
}

export function describeCertificate(peer: PeerCertificate): CertificateInfo {
  const x509 = new X509Certificate(peer.raw);
  return {
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    fingerprint256: createHash('sha256').update(peer.raw).digest('hex'),
    altNames: parseAltNames(x509.subjectAltName),
  };
}

function parseAltNames(san: string | undefined): string[] {
  if (!san) return [];
  return san
    .split(/,\s*/)
    .map((entry) => entry.replace(/^(DNS|IP Address):/, '').trim())
    .filter(Boolean);
}

const oneLine = (dn: string) => dn.split('\n').filter(Boolean).join(', ');

/** `AB:CD:…` for people comparing fingerprints by eye. */
export function formatFingerprint(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

export function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}
