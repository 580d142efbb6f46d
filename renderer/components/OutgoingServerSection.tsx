import { type KeyboardEvent, useState } from 'react';
import type { Account, ConnectionTestResult, OutgoingServerPatch, OutgoingServerSettings, Security } from '../../shared/contract/accounts';
import { api } from '../api/client';
import { securityLabels } from '../mail/account-form';
import { retryWithFix } from '../mail/certificate-fix';
import { errorData } from '../mail/error-words';
import { ConnectionResult } from './ConnectionResult';
import { HostPortSecurityFields } from './HostPortSecurityFields';
import { type SettingsMessage, storeAccountPatch } from './store-account-patch';
import { TrustedCertificateNote } from './TrustedCertificateNote';

export interface OutgoingServerSectionProps {
  account: Account;
  onSaved(account: Account): void;
}

interface OutgoingForm {
  host: string;
  port: string;
  security: Security;
  /** Empty: the server is used without logging in. */
  username: string;
}

const formOf = (account: Account): OutgoingForm => ({
  host: account.smtp?.host ?? '',
  // RFC 8314: implicit TLS on 465 first.
  port: String(account.smtp?.port ?? 465),
  security: account.smtp?.security ?? 'tls',
  username: account.smtp ? (account.smtp.username ?? '') : (account.username ?? ''),
});

function toSettings(form: OutgoingForm): { ok: true; server: OutgoingServerSettings } | { ok: false; problem: string } {
  const host = form.host.trim();
  if (!host) return { ok: false, problem: 'Enter the outgoing server’s name, for example smtp.example.org.' };
  if (/\s|\/|:\/\//.test(host)) return { ok: false, problem: 'The server name is just a name like smtp.example.org, without spaces or “://”.' };
  const port = Number(form.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, problem: 'The port is a number between 1 and 65535 (465 or 587 for most providers).' };
  return { ok: true, server: { host, port, security: form.security, username: form.username.trim() || null } };
}

/**
 * The account's outgoing (SMTP submission) server in the settings dialog: its name, port, security, user
 * name and password (left empty: the incoming one), tested like the incoming server (a certificate can be
 * trusted exactly as there) and saved only once the test passes, so a mistyped setting never replaces a
 * working one.
 */
export function OutgoingServerSection({ account, onSaved }: OutgoingServerSectionProps) {
  const [form, setForm] = useState<OutgoingForm>(() => formOf(account));
  const [password, setPassword] = useState('');
  const [trusted, setTrusted] = useState<string | null>(account.smtp?.trustedFingerprint ?? null);
  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  const [busy, setBusy] = useState<null | 'testing' | 'saving'>(null);
  const [message, setMessage] = useState<SettingsMessage | null>(null);
  // Closed, the section is one line: the fields appear when the user asks to change the server.
  const [open, setOpen] = useState(false);
  const id = (name: string) => `edit-smtp-${name}`;
  const set = (change: Partial<OutgoingForm>) => setForm({ ...form, ...change });

  const runTest = async (use: OutgoingForm, fingerprint: string | null, secret: string): Promise<ConnectionTestResult | null> => {
    const parsed = toSettings(use);
    if (!parsed.ok) {
      setMessage({ kind: 'error', text: parsed.problem });
      return null;
    }
    setMessage(null);
    setBusy('testing');
    let result: ConnectionTestResult;
    try {
      result = await api.testOutgoingServer({ accountId: account.id, server: parsed.server, ...(secret ? { password: secret } : {}), trustedFingerprint: fingerprint });
    } catch (error) {
      result = { ok: false, error: errorData(error) };
    }
    setTest(result);
    setBusy(null);
    return result;
  };

  const save = async (use: OutgoingForm = form, fingerprint: string | null = trusted, secret: string = password) => {
    const result = await runTest(use, fingerprint, secret);
    const parsed = toSettings(use);
    if (!result?.ok || !parsed.ok) return;
    const patch: OutgoingServerPatch = { ...parsed.server, trustedFingerprint: fingerprint, ...(secret ? { password: secret } : {}) };
    if (await storeAccountPatch(account.id, { smtp: patch }, 'Outgoing server saved.', { setBusy, setMessage, onSaved })) {
      setPassword('');
      setOpen(false);
    }
  };

  const remove = async () => {
    if (await storeAccountPatch(account.id, { smtp: null }, 'Outgoing server removed: this account no longer sends mail.', { setBusy, setMessage, onSaved })) {
      setTest(null);
      setOpen(false);
    }
  };

  /**
   * The section sits inside the account's <form> (HTML has no nested forms), so Enter in one of its fields
   * would submit the account form: it saves this section instead, as its primary button would. The
   * password field of a failed test handles its own Enter first.
   */
  const enterSavesThisSection = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Enter' || event.defaultPrevented || event.nativeEvent.isComposing || !(event.target instanceof HTMLInputElement)) return;
    event.preventDefault();
    if (busy === null) void save();
  };

  return (
    <section className="settings-section" aria-labelledby="edit-smtp">
      <h4 id="edit-smtp">Outgoing server</h4>
      <p className="field-note" data-testid="outgoing-server-summary">
        {account.smtp
          ? `${account.smtp.host}, port ${account.smtp.port} (${securityLabels[account.smtp.security]}), ${
              account.smtp.username ? `as ${account.smtp.username}` : 'without logging in'
            }${account.smtp.username ? (account.smtp.passwordSource === 'own' ? ', with its own password' : ', with the incoming password') : ''}.`
          : 'None yet: this account cannot send mail.'}
      </p>
      {message && (
        <p className={message.kind === 'ok' ? 'form-ok' : 'form-problem boxed'} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {!open ? (
        <div className="settings-inline-actions">
          <button type="button" className="button" onClick={() => setOpen(true)}>
            {account.smtp ? 'Change outgoing server…' : 'Set up outgoing server…'}
          </button>
        </div>
      ) : (
        <div onKeyDown={enterSavesThisSection}>{fields()}</div>
      )}
    </section>
  );

  function fields() {
    return (
      <>
      <div className="field-grid">
        <HostPortSecurityFields value={form} onChange={set} hostLabel="SMTP server" id={id} />
        <label htmlFor={id('username')}>User name</label>
        <input
          id={id('username')}
          className="text-input"
          value={form.username}
          placeholder="None (no login)"
          onChange={(e) => set({ username: e.target.value })}
          spellCheck={false}
          autoComplete="off"
        />
        <label htmlFor={id('password')}>Password</label>
        <input
          id={id('password')}
          className="text-input"
          type="password"
          value={password}
          placeholder={account.smtp?.passwordSource === 'own' ? 'Unchanged' : 'Same as incoming'}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
        />
      </div>
      {trusted && <TrustedCertificateNote fingerprint={trusted} onStopTrusting={() => setTrusted(null)} />}
      {test && (
        <ConnectionResult
          result={test}
          busy={busy !== null}
          form={form}
          onRetry={retryWithFix<OutgoingForm>(setForm, setTrusted, trusted, (next, fingerprint) => void runTest(next, fingerprint, password))}
          password={{
            forWhom: `the outgoing server of ${account.email}`,
            action: 'Test and save',
            onSubmit: (typed) => {
              setPassword(typed);
              void save(form, trusted, typed);
            },
          }}
        />
      )}
      <div className="settings-inline-actions">
        <button type="button" className="button" onClick={() => void runTest(form, trusted, password)} disabled={busy !== null}>
          {busy === 'testing' ? 'Checking…' : 'Check outgoing server'}
        </button>
        <button type="button" className="button primary" onClick={() => void save()} disabled={busy !== null}>
          {busy === 'saving' ? 'Storing…' : 'Use this outgoing server'}
        </button>
        {account.smtp && (
          <button type="button" className="button danger-quiet" onClick={() => void remove()} disabled={busy !== null}>
            Remove outgoing server
          </button>
        )}
        <button type="button" className="button" onClick={() => setOpen(false)} disabled={busy !== null}>
          Hide
        </button>
      </div>
      </>
    );
  }
}
