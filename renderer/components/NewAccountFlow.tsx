import { sameHost } from '../../shared/host-names';
import { useLayoutEffect, useState } from 'react';
import {
  type Account,
  type AccountSettings,
  type AutoconfigResult,
  type ConnectionTestResult,
  defaultAccountSettings,
  type Protocol,
} from '../../shared/contract/accounts';
import { api } from '../api/client';
import { useCredentialStore } from '../hooks/useCredentialStore';
import { bestCandidate, fromCandidate, guessForm, looksLikeAddress, type ServerForm, sourceLabels, toServerSettings } from '../mail/account-form';
import { retryWithFix } from '../mail/certificate-fix';
import { describeError, errorData } from '../mail/error-words';
import { ConnectionResult } from './ConnectionResult';
import { Icon } from './Icon';
import { PasswordSourceChoice } from './PasswordSourceChoice';
import { ServerFields } from './ServerFields';
import { SyncSettingsFields } from './SyncSettingsFields';

export interface NewAccountFlowProps {
  onAdded(account: Account): void;
  onCancel(): void;
  /** Whether anything was typed, so closing the dialog can ask before dropping it. */
  onDirtyChange?(dirty: boolean): void;
}

type Step = 'identity' | 'finding' | 'server';

/**
 * Adding an account: address and password → autoconfig → what was found, IMAP or POP3, every field
 * editable → a connection test whose failure comes with its fix (the certificate's host name, or
 * trusting this exact certificate) → save. The parent starts the sync.
 */
export function NewAccountFlow({ onAdded, onCancel, onDirtyChange }: NewAccountFlowProps) {
  const [step, setStep] = useState<Step>('identity');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [found, setFound] = useState<AutoconfigResult | null>(null);
  const [findError, setFindError] = useState<unknown>(null);
  const [form, setForm] = useState<ServerForm>(() => guessForm(''));
  const [settings, setSettings] = useState<AccountSettings>(defaultAccountSettings);
  const [trusted, setTrusted] = useState<string | null>(null);
  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  const [busy, setBusy] = useState<null | 'testing' | 'saving'>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // The incoming server moved to the name its certificate covers ("Use server42.hostingco.net instead").
  const [certificateHost, setCertificateHost] = useState<MovedHost | null>(null);
  const store = useCredentialStore();
  // Where no keychain answers, the password goes nowhere until the user says where (never a silent plain file).
  const mustChoose = store?.keychain === 'unavailable' && settings.passwordSource.kind === 'keychain';
  const dirty = email.trim() !== '' || name.trim() !== '' || password !== '';
  // Before the browser handles the next key: Escape right after typing must already know.
  useLayoutEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);

  const find = async () => {
    const address = email.trim();
    if (!looksLikeAddress(address)) {
      setProblem('Enter your whole email address, like you@example.org.');
      return;
    }
    if (!password) {
      setProblem('Enter the password of your mailbox.');
      return;
    }
    if (mustChoose) {
      setProblem('Choose where to keep the password: no system keychain answers on this computer.');
      return;
    }
    setProblem(null);
    setStep('finding');
    try {
      const result = await api.autoconfigAccount({ email: address });
      setFound(result);
      setFindError(null);
      const first = bestCandidate(result, 'imap') ?? bestCandidate(result, 'pop3');
      setForm(first ? fromCandidate(first) : guessForm(address));
    } catch (error) {
      setFound(null);
      setFindError(error);
      setForm(guessForm(address));
    }
    setTest(null);
    setStep('server');
  };

  const chooseProtocol = (next: ServerForm) => {
    // Switching protocol takes that protocol's best candidate, if autoconfig found one.
    if (next.protocol !== form.protocol && found) {
      const candidate = bestCandidate(found, next.protocol);
      if (candidate) {
        setForm(fromCandidate(candidate));
        setTest(null);
        return;
      }
    }
    setForm(next);
    setTest(null);
  };

  const connect = async (use: ServerForm = form, fingerprint: string | null = trusted, secret: string = password, moved: MovedHost | null = certificateHost) => {
    const parsed = toServerSettings(use);
    if (!parsed.ok) {
      setProblem(parsed.problem);
      return;
    }
    if (!secret) {
      setProblem('Enter the password of your mailbox.');
      return;
    }
    setProblem(null);
    setBusy('testing');
    let result: ConnectionTestResult;
    try {
      result = await api.testConnection({ server: parsed.server, password: secret, trustedFingerprint: fingerprint });
    } catch (error) {
      result = { ok: false, error: errorData(error) };
    }
    setTest(result);
    if (!result.ok) {
      setBusy(null);
      return;
    }
    setBusy('saving');
    try {
      // The outgoing server autoconfig found with the incoming one (best first), logging in like it; the
      // settings dialog changes it, and sending reports what it cannot do.
      const outgoing = found?.smtp[0];
      // Autoconfig's outgoing server on the host the certificate did not cover goes where the incoming one
      // went: the provider's server shows that one certificate for SMTP too, so its check would fail the
      // same way and every message sent would wait in the Outbox on it.
      const outgoingHost =
        outgoing && moved && sameHost(outgoing.host, moved.from) && sameHost(parsed.server.host, moved.to) ? parsed.server.host : outgoing?.host;
      const account = await api.addAccount({
        email: email.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...parsed.server,
        password: secret,
        trustedFingerprint: fingerprint,
        settings,
        ...(outgoing && outgoingHost ? { smtp: { host: outgoingHost, port: outgoing.port, security: outgoing.security, username: outgoing.username || parsed.server.username } } : {}),
        // The test found the POP3 server's APOP refused for this user: its first sync does not try it again.
        ...(result.apopRefused ? { apopRefused: true } : {}),
      });
      onAdded(account);
    } catch (error) {
      setTest({ ok: false, error: errorData(error) });
      setBusy(null);
    }
  };

  if (step === 'identity' || step === 'finding') {
    return (
      <form
        className="settings-form"
        aria-labelledby="new-account-title"
        onSubmit={(event) => {
          event.preventDefault();
          void find();
        }}
      >
        <h3 id="new-account-title" className="settings-title">
          Add a mail account
        </h3>
        <p className="muted settings-lead">Homing looks up your provider’s settings from your address. You can change them next.</p>
        <div className="field-grid">
          <label htmlFor="new-email">Email address</label>
          <input
            id="new-email"
            className="text-input"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoComplete="email"
            required
            spellCheck={false}
          />
          <label htmlFor="new-password">Password</label>
          <input
            id="new-password"
            className="text-input"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
          <label htmlFor="new-name">Your name</label>
          <input
            id="new-name"
            className="text-input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="name"
            placeholder="Optional: shown to the people you write to"
          />
        </div>
        {store?.keychain !== 'unavailable' && (
          <p className="field-note">
            <Icon name="lock" size={12} /> Your password is kept in this computer’s password store and sent only to your mail server.
          </p>
        )}
        <PasswordSourceChoice
          source={settings.passwordSource}
          onChange={(passwordSource) => setSettings({ ...settings, passwordSource })}
          idPrefix="new-password"
          quiet
          adding
        />
        {problem && (
          <p className="form-problem" role="alert">
            {problem}
          </p>
        )}
        <div className="settings-actions">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={step === 'finding'}>
            {step === 'finding' ? (
              <>
                <span className="spinner" aria-hidden="true" /> Looking up settings…
              </>
            ) : (
              'Continue'
            )}
          </button>
        </div>
      </form>
    );
  }

  const candidate = found ? bestCandidate(found, form.protocol) : null;
  const both = found !== null && found.imap.length > 0 && found.pop3.length > 0;
  const findWords = findError ? describeError(findError) : null;
  return (
    <form
      className="settings-form"
      aria-labelledby="server-title"
      onSubmit={(event) => {
        event.preventDefault();
        void connect();
      }}
    >
      <h3 id="server-title" className="settings-title">
        Server settings for {email.trim()}
      </h3>
      <div className={`autoconfig-summary ${candidate ? 'found' : 'not-found'}`} role="status" data-testid="autoconfig-summary">
        <Icon name={candidate ? 'check' : 'info'} size={14} />
        {candidate ? (
          <span>
            Found {both ? 'IMAP and POP3 settings' : `${candidate.protocol === 'imap' ? 'IMAP' : 'POP3'} settings`} in {sourceLabels[candidate.source] ?? candidate.source}
            {candidate.probed ? ', and checked that the server answers' : ''}.
          </span>
        ) : (
          <span>{findWords ? `${findWords.title} ${findWords.code === 'AUTOCONFIG_NOT_FOUND' ? '' : 'Enter the settings by hand.'}` : 'No settings found; enter them by hand.'}</span>
        )}
      </div>
      <ServerFields form={form} onChange={chooseProtocol} protocolFixed={false} idPrefix="new" />
      <div className="field-grid">
        <label htmlFor="new-server-password">Password</label>
        <input
          id="new-server-password"
          className="text-input"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          required
        />
      </div>
      <details className="more-settings">
        <summary>Sync settings</summary>
        <SyncSettingsFields protocol={form.protocol as Protocol} settings={settings} onChange={setSettings} idPrefix="new-sync" />
      </details>
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
      {test && (
        <ConnectionResult
          result={test}
          busy={busy !== null}
          form={form}
          onRetry={retryWithFix<ServerForm>(setForm, setTrusted, trusted, (next, fingerprint) => {
            const moved = sameHost(next.host, form.host) ? certificateHost : { from: form.host.trim(), to: next.host.trim() };
            setCertificateHost(moved);
            void connect(next, fingerprint, password, moved);
          })}
          password={{
            forWhom: email.trim(),
            action: 'Connect and save',
            onSubmit: (typed) => {
              setPassword(typed);
              void connect(form, trusted, typed);
            },
          }}
        />
      )}
      {trusted && (
        <p className="field-note">
          <Icon name="shield" size={12} /> This account will trust only the certificate you accepted.
        </p>
      )}
      <div className="settings-actions">
        <button type="button" className="button" onClick={() => setStep('identity')} disabled={busy !== null}>
          Back
        </button>
        <button type="submit" className="button primary" disabled={busy !== null}>
          {busy === 'testing' ? (
            <>
              <span className="spinner" aria-hidden="true" /> Connecting…
            </>
          ) : busy === 'saving' ? (
            <>
              <span className="spinner" aria-hidden="true" /> Saving…
            </>
          ) : (
            'Connect and save'
          )}
        </button>
      </div>
    </form>
  );
}

interface MovedHost {
  from: string;
  to: string;
}
