import type { CertificateInfo } from '../../shared/contract/accounts';
import type { ErrorData } from '../../shared/errors';

/** What the connection test suggests doing about a failure (ErrorData.detail.fix, set by the accounts service). */
export type Fix =
  | { kind: 'use-certificate-hostname'; names: string[]; certificate: CertificateInfo | null }
  | { kind: 'trust-certificate'; certificate: CertificateInfo }
  | null;

function asCertificate(value: unknown): CertificateInfo | null {
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Record<string, unknown>;
  if (typeof c.fingerprint256 !== 'string') return null;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    subject: str(c.subject),
    issuer: str(c.issuer),
    validFrom: str(c.validFrom),
    validTo: str(c.validTo),
    fingerprint256: c.fingerprint256,
    altNames: Array.isArray(c.altNames) ? c.altNames.filter((n): n is string => typeof n === 'string') : [],
  };
}

/** Reads the fix from an error's detail defensively: the detail is data from the other side. */
export function fixOf(error: ErrorData): Fix {
  const detail = error.detail ?? {};
  const certificate = asCertificate(detail.certificate);
  if (detail.fix === 'use-certificate-hostname') {
    const raw = Array.isArray(detail.coveredNames) ? detail.coveredNames : (certificate?.altNames ?? []);
    // Wildcards (*.host.example) cannot be typed in as a server name; IP addresses and names can.
    const names = raw.filter((n): n is string => typeof n === 'string' && !n.includes('*'));
    return { kind: 'use-certificate-hostname', names, certificate };
  }
  if (detail.fix === 'trust-certificate' && certificate) return { kind: 'trust-certificate', certificate };
  return null;
}
