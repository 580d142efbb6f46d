import { useLayoutEffect, useRef } from 'react';
import type { ConnectionTestResult } from '../../shared/contract/accounts';
import { securityLabels, type ServerForm } from '../mail/account-form';
import { fixOf } from '../mail/certificate-fix';
import { asksForPassword, errorParts } from '../mail/error-words';
import { CertificateDetails } from './CertificateDetails';
import { Icon } from './Icon';
import { PasswordFix } from './PasswordFix';

/** What a fix changes: the incoming server's form, or the outgoing server's (which has no protocol). */
type FixableForm = Pick<ServerForm, 'host' | 'port' | 'security'>;

export interface ConnectionResultProps<F extends FixableForm = ServerForm> {
  result: ConnectionTestResult;
  /** The settings that were tested; each fix is applied to them. */
  form: F;
  /**
   * Test again with a fix applied: another host name the certificate covers, the port and security the
   * server actually speaks, or (with `trustFingerprint`) this exact certificate pinned for the account.
   */
  onRetry(next: F, trustFingerprint?: string): void;
  busy: boolean;
  /**
   * Offered when the failure is the password: "Enter password" in place, which retries with it. `forWhom`
   * names the account in the field's label.
   */
  password?: { forWhom: string; action: string; onSubmit(password: string): void };
}

/** The connection test's outcome in words, with the one-click fix the service suggested, if any. */
export function ConnectionResult<F extends FixableForm = ServerForm>({ result, form, onRetry, busy, password }: ConnectionResultProps<F>) {
  // A new result is brought into view and takes the focus: the dialog's footer must never hide it, and a
  // keyboard or screen-reader user lands on what to do next (the password field, when that is the fix).
  const boxRef = useRef<HTMLDivElement>(null);
  const offersPassword = !result.ok && password !== undefined && asksForPassword(result.error);
  useLayoutEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    box.scrollIntoView({ block: 'nearest' });
    if (!offersPassword) box.focus({ preventScroll: true });
  }, [result, offersPassword]);
  if (result.ok) {
    return (
      <div ref={boxRef} tabIndex={-1} className="connection-result ok" role="status" data-testid="connection-result">
        <Icon name="check" size={16} />
        <div>
          <strong>Connected.</strong> The server accepted your user name and password.
        </div>
      </div>
    );
  }
  const words = errorParts(result.error);
  const fix = fixOf(result.error);
  return (
    <div ref={boxRef} tabIndex={-1} className="connection-result failed" role="alert" data-testid="connection-result">
      <Icon name="alert" size={16} />
      <div className="connection-result-body">
        <strong>{words.title}</strong>
        {words.detail && <p className="muted">{words.detail}</p>}
        {words.hint && !fix && <p className="hint">{words.hint}</p>}
        {offersPassword && <PasswordFix forWhom={password.forWhom} action={password.action} busy={busy} autoFocus onSubmit={password.onSubmit} />}
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
