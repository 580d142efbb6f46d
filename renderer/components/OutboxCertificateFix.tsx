import { useState } from 'react';
import type { Account } from '../../shared/contract/accounts';
import type { OutboxItem } from '../../shared/contract/outgoing';
import type { ErrorData } from '../../shared/errors';
import { sameHost } from '../../shared/host-names';
import { api } from '../api/client';
import { fixOf } from '../mail/certificate-fix';
import { errorData, errorSentence } from '../mail/error-words';
import { CertificateDetails } from './CertificateDetails';
import { Icon } from './Icon';
import { PasswordFix } from './PasswordFix';

export interface OutboxCertificateFixProps {
  item: OutboxItem;
  /** The item's account, as it is now (its outgoing server may have been changed since the try). */
  account: Account | undefined;
}

/**
 * A message waiting on its outgoing server's certificate (self-signed, or changed since it was trusted):
 * the certificate as the setup dialog shows it, and "Trust this certificate" in place. The password is
 * typed again when the server logs in (a stored password goes only to the certificate it was saved for),
 * the outgoing server is tested with the pin, and only then is the pin saved, for the outgoing server
 * alone, and the message sent at once.
 */
export function OutboxCertificateFix({ item, account }: OutboxCertificateFixProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ErrorData | null>(null);
  const fix = item.lastError ? fixOf(item.lastError) : null;
  const smtp = account?.smtp ?? null;
  const where = item.lastError?.detail?.host;
  // Only a failure of the outgoing server the account still has: one fixed or changed since is not offered.
  if (fix?.kind !== 'trust-certificate' || !account || !smtp || (typeof where === 'string' && !sameHost(where, smtp.host))) return null;
  if (smtp.trustedFingerprint === fix.certificate.fingerprint256) return null;
  const fingerprint = fix.certificate.fingerprint256;

  const trust = async (password: string | null) => {
    setBusy(true);
    setProblem(null);
    try {
      const server = { host: smtp.host, port: smtp.port, security: smtp.security, username: smtp.username };
      const result = await api.testOutgoingServer({ accountId: account.id, server, ...(password !== null ? { password } : {}), trustedFingerprint: fingerprint });
      if (!result.ok) {
        setProblem(result.error);
        return;
      }
      // The typed password is the outgoing server's own, or the account's when the outgoing server uses that one.
      const patch =
        password === null
          ? { smtp: { trustedFingerprint: fingerprint } }
          : smtp.passwordSource === 'own'
            ? { smtp: { trustedFingerprint: fingerprint, password } }
            : { smtp: { trustedFingerprint: fingerprint }, password };
      await api.updateAccount({ id: account.id, patch });
      await api.flushOutbox({ ids: [item.id] });
    } catch (error) {
      setProblem(errorData(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="fix outbox-fix">
      <p>
        {fix.changed
          ? 'Trust the new certificate only if your provider announced it and its fingerprint matches theirs.'
          : 'If you know this server (your own, or your host’s self-signed certificate), you can trust exactly this certificate for sending from this account. Homing will refuse any other.'}
      </p>
      <CertificateDetails certificate={fix.certificate} />
      {problem && (
        <p className="form-problem boxed" role="alert">
          {errorSentence(problem)}
        </p>
      )}
      {asking ? (
        <PasswordFix forWhom={`${smtp.username ?? account.email} on ${smtp.host}`} action="Trust and send" busy={busy} autoFocus onSubmit={(password) => void trust(password)} />
      ) : (
        <div className="fix-actions">
          <button type="button" className="button small" disabled={busy} onClick={() => (smtp.username !== null ? setAsking(true) : void trust(null))}>
            <Icon name="shield" size={14} /> {fix.changed ? 'Trust the new certificate' : 'Trust this certificate'}
          </button>
        </div>
      )}
    </div>
  );
}
