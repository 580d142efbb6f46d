import type { CertificateInfo, Security } from '../../shared/contract/accounts';
import type { ErrorData } from '../../shared/errors';

/**
 * What the connection test suggests doing about a failure: ErrorData.detail.fix, set by the network layer
 * (shared/contract/accounts.ts lists them). Three come with a one-click action here; the rest are advice
 * (`detail.hint`, worded by error-words.ts errorParts).
 */
export type Fix =
  | { kind: 'use-certificate-hostname'; names: string[]; certificate: CertificateInfo | null }
  | { kind: 'trust-certificate'; certificate: CertificateInfo; changed: boolean }
  | { kind: 'switch-security'; port: number; security: Security }
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

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((n): n is string => typeof n === 'string') : []);

/** Reads the fix from an error's detail defensively: the detail is data from the other side. */
export function fixOf(error: ErrorData): Fix {
  const detail = error.detail ?? {};
  const certificate = asCertificate(detail.certificate);
  if (detail.fix === 'use-certificate-hostname') {
    const suggested = strings(detail.suggestedHosts);
    const raw = suggested.length > 0 ? suggested : strings(detail.coveredNames).length > 0 ? strings(detail.coveredNames) : (certificate?.altNames ?? []);
    // Wildcards (*.host.example) cannot be typed in as a server name; IP addresses and names can.
    const names = raw.filter((n) => !n.includes('*'));
    return { kind: 'use-certificate-hostname', names, certificate };
  }
  if (detail.fix === 'trust-certificate' && certificate) return { kind: 'trust-certificate', certificate, changed: error.code === 'TLS_CERT_CHANGED' };
  if (detail.fix === 'switch-security' && typeof detail.suggested === 'object' && detail.suggested !== null) {
    const s = detail.suggested as { port?: unknown; security?: unknown };
    if (typeof s.port === 'number' && (s.security === 'tls' || s.security === 'starttls' || s.security === 'none')) {
      return { kind: 'switch-security', port: s.port, security: s.security };
    }
  }
  return null;
}

/**
 * ConnectionResult's `onRetry` for a form kept beside its trusted certificate: applies the fix to the form,
 * pins the certificate when the fix was to trust it, and tests again with the certificate now in force.
 */
export function retryWithFix<F>(
  setForm: (form: F) => void,
  setTrusted: (fingerprint: string) => void,
  trusted: string | null,
  testAgain: (form: F, fingerprint: string | null) => void,
): (next: F, trustFingerprint?: string) => void {
  return (next, trustFingerprint) => {
    setForm(next);
    if (trustFingerprint) setTrusted(trustFingerprint);
    testAgain(next, trustFingerprint ?? trusted);
  };
}
