import { formatFingerprint } from '../mail/account-form';
import { Icon } from './Icon';

export interface TrustedCertificateNoteProps {
  fingerprint: string;
  onStopTrusting(): void;
}

/** The one certificate a server's connection is pinned to, with the way to stop trusting it. */
export function TrustedCertificateNote({ fingerprint, onStopTrusting }: TrustedCertificateNoteProps) {
  return (
    <div className="trusted-certificate">
      <Icon name="shield" size={14} />
      <div>
        Trusting only the certificate with fingerprint <code className="fingerprint">{formatFingerprint(fingerprint)}</code>
      </div>
      <button type="button" className="button small" onClick={onStopTrusting}>
        Stop trusting
      </button>
    </div>
  );
}
