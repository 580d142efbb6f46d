import { useState } from 'react';
import type { CertificateInfo } from '../../shared/contract/accounts';
import { formatFingerprint } from '../mail/account-form';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const showDate = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
};

/** What a person needs to decide whether to trust a certificate: who it names, who signed it, when, its fingerprint. */
export function CertificateDetails({ certificate }: { certificate: CertificateInfo }) {
  const [now] = useState(() => Date.now());
  const expired = Date.parse(certificate.validTo) < now;
  return (
    <dl className="certificate" data-testid="certificate-details">
      <dt>Issued to</dt>
      <dd>{certificate.subject}</dd>
      {certificate.altNames.length > 0 && (
        <>
          <dt>Names covered</dt>
          <dd>{certificate.altNames.join(', ')}</dd>
        </>
      )}
      <dt>Issued by</dt>
      <dd>{certificate.issuer}</dd>
      <dt>Valid</dt>
      <dd className={expired ? 'expired' : undefined}>
        {showDate(certificate.validFrom)} to {showDate(certificate.validTo)}
        {expired ? ' (expired)' : ''}
      </dd>
      <dt>SHA-256 fingerprint</dt>
      <dd>
        <code className="fingerprint" data-testid="certificate-fingerprint">
          {formatFingerprint(certificate.fingerprint256)}
        </code>
      </dd>
    </dl>
  );
}
