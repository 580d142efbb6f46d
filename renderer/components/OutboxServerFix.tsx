import { useId, useState } from 'react';
import type { Account, AccountPatch, OutgoingServerPatch, Security } from '../../shared/contract/accounts';
import type { OutboxItem } from '../../shared/contract/outgoing';
import type { ErrorData } from '../../shared/errors';
import { api } from '../api/client';
import { securityLabels } from '../mail/account-form';
import { errorData, errorSentence } from '../mail/error-words';
import { changeNeedsPassword, outboxServerFix, pinFor, type ServerChange } from '../mail/outbox-server-fix';
import { PasswordFix } from './PasswordFix';

export interface OutboxServerFixProps {
  item: OutboxItem;
  /** The item's account, as it is now (its outgoing server may have been changed since the try). */
  account: Account | undefined;
}

/**
 * A message waiting on its outgoing server's settings, fixed where it waits: the password typed again, or
 * the server moved to the name its certificate covers, to a port that answers, or to the security its port
 * speaks (mail/outbox-server-fix.ts says which is offered). The password is asked for when the change needs
 * it (a stored password goes only to the server it was saved for); the changed server is tested first and
 * only then saved, through the same updateAccount every settings change takes, and the message sent.
 */
export function OutboxServerFix({ item, account }: OutboxServerFixProps) {
  const smtp = account?.smtp ?? null;
  const fix = outboxServerFix(item, smtp);
  const [pending, setPending] = useState<ServerChange | 'password' | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ErrorData | null>(null);
  const [port, setPort] = useState('');
  const [security, setSecurity] = useState<Security | null>(null);
  const id = useId();
  if (!fix || !account || !smtp) return null;
  const typedSecurity = security ?? smtp.security;

  /** Tests the outgoing server as it would be, then saves it and sends the message at once. */
  const apply = async (change: ServerChange | null, password: string | null) => {
    setBusy(true);
    setProblem(null);
    try {
      const target = change ?? { host: smtp.host, port: smtp.port, security: smtp.security };
      const trustedFingerprint = change ? pinFor(smtp, change) : smtp.trustedFingerprint;
      const result = await api.testOutgoingServer({
        accountId: account.id,
        server: { ...target, username: smtp.username },
        ...(password !== null ? { password } : {}),
        trustedFingerprint,
      });
      if (!result.ok) {
        // The service's own word that the password must come with this change (the window only guessed).
        if (result.error.code === 'PASSWORD_REQUIRED' && password === null) setPending(change ?? 'password');
        else setProblem(result.error);
        return;
      }
      const server: OutgoingServerPatch = change ? { host: change.host, port: change.port, security: change.security } : {};
      await api.updateAccount({ id: account.id, patch: await withPassword(account, server, password) });
      await api.flushOutbox({ ids: [item.id] });
      setPending(null);
    } catch (error) {
      setProblem(errorData(error));
    } finally {
      setBusy(false);
    }
  };

  const choose = (change: ServerChange) => {
    setProblem(null);
    if (changeNeedsPassword(smtp, change)) setPending(change);
    else void apply(change, null);
  };

  const typedPort = Number(port);
  const portValid = Number.isInteger(typedPort) && typedPort >= 1 && typedPort <= 65535;
  const forWhom = `${smtp.username ?? account.email} on ${pending !== null && pending !== 'password' ? pending.host : smtp.host}`;

  return (
    <div className="fix outbox-fix" data-testid="outbox-server-fix">
      <p>{fix.sentence}</p>
      {problem && (
        <p className="form-problem boxed" role="alert">
          {errorSentence(problem)}
        </p>
      )}
      {fix.kind === 'password' || pending !== null ? (
        <>
          <PasswordFix
            forWhom={forWhom}
            action="Save and send"
            busy={busy}
            autoFocus={pending !== null}
            onSubmit={(password) => void apply(pending === null || pending === 'password' ? null : pending, password)}
          />
          {pending !== null && pending !== 'password' && (
            <div className="fix-actions">
              <button type="button" className="button small" disabled={busy} onClick={() => (setPending(null), setProblem(null))}>
                Choose another setting
              </button>
            </div>
          )}
        </>
      ) : (
        <>
          {fix.choices.length > 0 && (
            <div className="fix-actions">
              {fix.choices.map((choice) => (
                <button key={choice.label} type="button" className="button small" disabled={busy} onClick={() => choose(choice.change)}>
                  {choice.label}
                </button>
              ))}
            </div>
          )}
          {fix.port && (
            <div className="inline-fields fix-actions">
              <label htmlFor={`${id}-port`}>Port</label>
              <input id={`${id}-port`} className="text-input port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value.replace(/\D/g, ''))} />
              <label htmlFor={`${id}-security`} className="inline-label">
                Security
              </label>
              <select id={`${id}-security`} className="select" value={typedSecurity} onChange={(e) => setSecurity(e.target.value as Security)}>
                {(Object.keys(securityLabels) as Security[]).map((s) => (
                  <option key={s} value={s}>
                    {securityLabels[s]}
                  </option>
                ))}
              </select>
              <button type="button" className="button small" disabled={busy || !portValid} onClick={() => choose({ host: smtp.host, port: typedPort, security: typedSecurity })}>
                Use this port
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}

/**
 * The patch that saves `server` with the typed password in its place: the outgoing server's own password
 * when it has one; otherwise the account's, unless the incoming server refuses it (then the two servers
 * have different passwords, and the typed one becomes the outgoing server's own, the incoming one kept).
 */
async function withPassword(account: Account, server: OutgoingServerPatch, password: string | null): Promise<AccountPatch> {
  if (password === null) return { smtp: server };
  if (account.smtp?.passwordSource === 'own') return { smtp: { ...server, password } };
  const incoming = await api.testConnection({ accountId: account.id, password }).catch(() => null);
  if (incoming && !incoming.ok && incoming.error.code === 'AUTH_FAILED') return { smtp: { ...server, password } };
  return { smtp: server, password };
}
