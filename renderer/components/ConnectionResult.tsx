import type { ConnectionTestResult } from '../../shared/contract/accounts';
import { securityLabels, type ServerForm } from '../mail/account-form';
import { fixOf, hintOf } from '../mail/certificate-fix';
import { describeError } from '../mail/error-words';
import { CertificateDetails } from './CertificateDetails';
import { Icon } from './Icon';

export interface ConnectionResultProps {
  result: ConnectionTestResult;
  /** The settings that were tested; each fix is applied to them. */
  form: ServerForm;
  /**
   * Test again with a fix applied: another host name the certificate covers, the port and security the
   * server actually speaks, or (with `trustFingerprint`) this exact certificate pinned for the account.
   */
  onRetry(next: ServerForm, trustFingerprint?: string): void;
  busy: boolean;
}

/** The connection test's outcome in words, with the one-click fix the service suggested, if any. */
export function ConnectionResult({ result, form, onRetry, busy }: ConnectionResultProps) {
  if (result.ok) {
    return (
      <div className="connection-result ok" role="status" data-testid="connection-result">
        <Icon name="check" size={16} />
        <div>
          <strong>Connected.</strong> The server accepted your user name and password.
        </div>
      </div>
    );
  }
  const words = describeError(result.error);
  const fix = fixOf(result.error);
  const hint = hintOf(result.error);
  return (
    <div className="connection-result failed" role="alert" data-testid="connection-result">
      <Icon name="alert" size={16} />
      <div className="connection-result-body">
        <strong>{words.title}</strong>
        {words.detail && <p className="muted">{words.detail}</p>}
        {hint && !fix && <p className="hint">{hint}</p>}
        {fix?.kind === 'use-certificate-hostname' && (
          <div className="fix">
            {fix.names.length > 0 ? (
              <>
                <p>
                  Hosting providers often use one certificate for all their customers’ mail. Connecting by a name it covers checks it
                  normally.
                </p>
                <div className="fix-actions">
                  {fix.names.slice(0, 3).map((name) => (
                    <button key={name} type="button" className="button" disabled={busy} onClick={() => onRetry({ ...form, host: name })}>
                      Use {name} instead
                    </button>
                  ))}
                </div>
              </>
            ) : (
              <p>The certificate names no server you could use instead.</p>
            )}
          </div>
        )}
        {fix?.kind === 'trust-certificate' && (
          <div className="fix">
            <p>
              {fix.changed
                ? 'Trust the new certificate only if your provider announced it and its fingerprint matches theirs.'
                : 'If you know this server (your own, or your host’s self-signed certificate), you can trust exactly this certificate for this account. Homing will refuse any other.'}
            </p>
            <CertificateDetails certificate={fix.certificate} />
            <div className="fix-actions">
              <button type="button" className="button" disabled={busy} onClick={() => onRetry(form, fix.certificate.fingerprint256)}>
                <Icon name="shield" size={14} /> {fix.changed ? 'Trust the new certificate' : 'Trust this certificate'}
              </button>
            </div>
          </div>
        )}
        {fix?.kind === 'switch-security' && (
          <div className="fix-actions">
            <button type="button" className="button" disabled={busy} onClick={() => onRetry({ ...form, port: String(fix.port), security: fix.security })}>
              Use {securityLabels[fix.security]} on port {fix.port}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
