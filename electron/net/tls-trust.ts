import { createHash, X509Certificate } from 'node:crypto';
import { isIP, type LookupFunction } from 'node:net';
import { checkServerIdentity, type PeerCertificate, rootCertificates, type TLSSocket } from 'node:tls';
import type { CertificateInfo } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';

/**
 * Optional per-connection overrides of how the network is reached. Production code leaves them out; tests
 * use them to map test names to 127.0.0.1 (`lookup`) and to trust a test CA (`ca`), so nothing ever leaves
 * the machine. Protocol clients pass `lookup` to every `net.connect`/`tls.connect` and `ca` into their
 * TrustPolicy.
 */
export interface NetworkOverrides {
  /** Host name → address, in `net.connect`'s `lookup` form (undefined: the system's resolver). */
  lookup?: LookupFunction;
  /** PEM certificates trusted as authorities in addition to the built-in ones. */
  ca?: readonly string[];
}

/** How one account trusts its server: normal verification against `host`, or an exact pinned certificate. */
export interface TrustPolicy {
  /** The name the certificate must cover (the account's host). */
  host: string;
  /** Lowercase hex SHA-256 of the one certificate the user chose to trust, or null. */
  trustedFingerprint: string | null;
  /** Extra certificate authorities (tests; see NetworkOverrides). Never a way around verification. */
  ca?: readonly string[];
}

/**
 * Options for `tls.connect` / `tls.connect({socket})` under a TrustPolicy. Verification is never switched
 * off: we take the handshake result ourselves (`rejectUnauthorized: false`) so that a failure can be
 * explained (which names the certificate covers, its fingerprint, its dates), and `verifyPeer()` must be
 * called on `secureConnect` before a single byte is written. Every TLS connection Homing makes goes
 * through these two functions.
 */
export function tlsOptions(policy: TrustPolicy) {
  const host = normaliseHost(policy.host);
  return {
    // SNI must be a name (RFC 6066 section 3: literal IP addresses are not permitted).
    servername: isIpAddress(host) ? undefined : host,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2' as const,
    // Node's `ca` replaces the built-in roots, so extra authorities are added to them, never instead of them.
    ...(policy.ca && policy.ca.length > 0 ? { ca: [...rootCertificates, ...policy.ca] } : {}),
  };
}

/**
 * Decides whether the peer of a finished handshake may be talked to. Returns a coded error (the caller
 * destroys the socket) or null. With a pinned fingerprint that exact certificate passes, whatever its
 * issuer, names or dates; with or without one, a chain that verifies for `policy.host` passes.
 */
export function verifyPeer(socket: TLSSocket, policy: TrustPolicy): HomingError | null {
  let peer: PeerCertificate | null;
  try {
    peer = socket.getPeerCertificate(true);
  } catch {
    peer = null;
  }
  if (!peer || !peer.raw) return new HomingError('TLS_FAILED', `${policy.host} sent no certificate.`, { host: policy.host, fix: 'check-settings' });
  const info = describeCertificate(peer);
  if (policy.trustedFingerprint) {
    const trusted = policy.trustedFingerprint.replace(/:/g, '').toLowerCase();
    if (info.fingerprint256 === trusted) return null;
    // A pin trusts a certificate that does not verify (the self-signed one a hosting server starts with).
    // A server that now shows one that verifies for the account's host (cPanel's AutoSSL replacing it,
    // and every renewal after) passes as it would with no pin: it is no sign of interception, and stopping
    // the account's mail until the user trusts each renewal by hand would be the only effect.
    if (socket.authorized && coversHost(info, policy.host)) return null;
    return new HomingError(
      'TLS_CERT_CHANGED',
      `The server’s certificate changed. You trusted ${formatFingerprint(trusted)}; the server now shows ${formatFingerprint(info.fingerprint256)}. ` +
        'If your provider did not announce a new certificate, someone may be intercepting the connection.',
      {
        certificate: info,
        host: policy.host,
        trustedFingerprint: trusted,
        previousFingerprint: trusted,
        newFingerprint: info.fingerprint256,
        fix: 'trust-certificate',
        hint: 'Compare the new fingerprint with the one your provider publishes; trust it only if they match.',
      },
    );
  }
  if (socket.authorized) {
    // Node checks the names only when it has one to check (SNI or `host`); check again so that no path
    // (a socket upgraded without `host`, say) accepts a certificate for another name.
    if (!coversHost(info, policy.host)) return classifyCertificateFailure('ERR_TLS_CERT_ALTNAME_INVALID', info, policy.host);
    return null;
  }
  return classifyCertificateFailure(String(socket.authorizationError ?? ''), info, policy.host);
}

/** OpenSSL/Node verification results that mean "no authority this computer trusts signed it". */
const UNTRUSTED_REASONS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'CERT_REVOKED',
]);

/** Turns an OpenSSL/Node verification code into our words, with what a person can do about it. */
export function classifyCertificateFailure(reason: string, certificate: CertificateInfo, host: string): HomingError {
  const names = coveredNames(certificate);
  const matches = coversHost(certificate, host);
  if (reason === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    // Valid, but for another name: the usual hosting-provider case (mail.theirdomain.com serving the
    // certificate of server42.hostingco.net). Connecting by the covered name verifies normally.
    const suggested = names.filter((name) => !name.startsWith('*.'));
    const list = names.length > 0 ? names.join(', ') : '(no names)';
    const instead = suggested.length > 0 ? ` Many hosting providers use their own server’s name: connect to ${suggested[0]} instead.` : '';
    return new HomingError('TLS_CERT_HOSTNAME', `The server’s certificate is for ${list}, not for ${host}.${instead}`, {
      certificate,
      host,
      coveredNames: names,
      suggestedHosts: suggested,
      fix: suggested.length > 0 ? 'use-certificate-hostname' : 'trust-certificate',
      hint:
        suggested.length > 0
          ? `Use ${suggested[0]} as the server name; the certificate is then checked normally.`
          : 'Check the fingerprint with your provider, then trust exactly this certificate.',
      reason,
    });
  }
  if (reason === 'CERT_HAS_EXPIRED' || reason === 'CERT_NOT_YET_VALID') {
    const when = reason === 'CERT_HAS_EXPIRED' ? `expired on ${certificate.validTo}` : `is only valid from ${certificate.validFrom}`;
    return new HomingError(
      'TLS_CERT_EXPIRED',
      `The server’s certificate ${when} (check this computer’s clock too). Ask your provider to renew it, or trust exactly this certificate.`,
      { certificate, host, coveredNames: names, nameMatches: matches, fix: 'trust-certificate', hint: 'Ask your provider to renew the certificate; until then you may trust exactly this one.', reason },
    );
  }
  const forOther = matches ? '' : ` It is also issued for ${names.join(', ') || 'another name'}, not for ${host}.`;
  const why = UNTRUSTED_REASONS.has(reason) || reason === '' ? '' : ` (${reason})`;
  return new HomingError(
    'TLS_CERT_UNTRUSTED',
    `The server’s certificate (issued by ${certificate.issuer}) is not signed by an authority this computer trusts${why}.${forOther} ` +
      'Check its fingerprint with your provider, then trust exactly this certificate.',
    { certificate, host, coveredNames: names, nameMatches: matches, fix: 'trust-certificate', hint: 'Compare the fingerprint with the one your provider publishes, then trust exactly this certificate.', reason },
  );
}

export function describeCertificate(peer: Pick<PeerCertificate, 'raw'>): CertificateInfo {
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

/** The names a person can read off the certificate: its subjectAltNames, or the CN when it has none. */
export function coveredNames(certificate: CertificateInfo): string[] {
  if (certificate.altNames.length > 0) return certificate.altNames;
  const cn = /(?:^|, )CN=([^,]+)/.exec(certificate.subject)?.[1];
  return cn ? [cn] : [];
}

/** Whether the certificate covers `host`, by the rules Node applies (RFC 6125: SANs, one-label wildcards). */
export function coversHost(certificate: CertificateInfo, host: string): boolean {
  const name = normaliseHost(host);
  const subjectaltname = certificate.altNames
    .map((entry) => (isIpAddress(entry) ? `IP Address:${entry}` : `DNS:${entry}`))
    .join(', ');
  const cn = /(?:^|, )CN=([^,]+)/.exec(certificate.subject)?.[1];
  const error = checkServerIdentity(name, {
    subject: cn ? { CN: cn } : {},
    subjectaltname,
  } as unknown as PeerCertificate);
  return error === undefined;
}

function parseAltNames(san: string | undefined): string[] {
  if (!san) return [];
  return san
    .split(/,\s*/)
    .filter((entry) => /^(DNS|IP Address):/.test(entry))
    .map((entry) => entry.replace(/^(DNS|IP Address):/, '').trim())
    .filter(Boolean);
}

const oneLine = (dn: string) => dn.split('\n').filter(Boolean).join(', ');

/** `AB:CD:…` for people comparing fingerprints by eye. */
export function formatFingerprint(hex: string): string {
  return hex.replace(/:/g, '').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

export function isIpAddress(host: string): boolean {
  return isIP(host.replace(/^\[|\]$/g, '')) !== 0;
}

/** Host names compare case-insensitively and without a trailing dot (`Mail.Example.org.`). */
function normaliseHost(host: string): string {
  return host.trim().replace(/\.$/, '').toLowerCase();
}
