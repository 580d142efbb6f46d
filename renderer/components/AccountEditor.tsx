import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Account, AccountPatch, AccountSettings, ConnectionTestResult, Protocol, Security } from '../../shared/contract/accounts';
import { api } from '../api/client';
import { type ServerForm, toServerSettings } from '../mail/account-form';
import { retryWithFix } from '../mail/certificate-fix';
import { errorData, errorSentence, savesUntested } from '../mail/error-words';
import { accountLabel } from '../mail/folder-tree';
import { draftLossWords, localMailLossWords, localOnlyDraft, unsent, unsentLossWords } from '../mail/outbox-words';
import { ConnectionResult } from './ConnectionResult';
import { OutgoingServerSection } from './OutgoingServerSection';
import { PasswordSourceChoice } from './PasswordSourceChoice';
import { ServerFields } from './ServerFields';
import { type SettingsMessage, storeAccountPatch } from './store-account-patch';
import { SyncSettingsFields } from './SyncSettingsFields';
import { TrustedCertificateNote } from './TrustedCertificateNote';

export interface AccountEditorProps {
  account: Account;
  onRemoved(): void;
  onSaved(account: Account): void;
  /** Whether there are edits not saved yet, so closing the dialog can ask before dropping them. */
  onDirtyChange?(dirty: boolean): void;
}

const formOf = (account: Account): ServerForm => ({
  protocol: account.protocol as Protocol,
  host: account.host ?? '',
  port: String(account.port ?? ''),
  security: (account.security ?? 'tls') as Security,
  username: account.username ?? '',
});

/** An existing account: its name, server, password, outgoing server, sync settings, trusted certificate; or remove it. */
export function AccountEditor({ account, onRemoved, onSaved, onDirtyChange }: AccountEditorProps) {
  const [name, setName] = useState(account.name);
  const [email, setEmail] = useState(account.email);
  const [form, setForm] = useState<ServerForm>(() => formOf(account));
  const [password, setPassword] = useState('');
  const [settings, setSettings] = useState<AccountSettings>(account.settings);
  const [trusted, setTrusted] = useState<string | null>(account.trustedFingerprint);
  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  const [busy, setBusy] = useState<null | 'testing' | 'saving' | 'removing'>(null);
  const [message, setMessage] = useState<SettingsMessage | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  // Asked when the user asks to remove: messages only this computer has (the unsent ones) are named first.
  const [unsentCount, setUnsentCount] = useState(0);
  // Save's test could not reach the server: "Save anyway" stores the settings untested.
  const [unreachable, setUnreachable] = useState(false);
  // And drafts the server has no copy of.
  const [localDraftCount, setLocalDraftCount] = useState(0);
  // And mail the server no longer has or never had (a POP3 account's, deleted there after download; its Sent copies).
  const [localMailCount, setLocalMailCount] = useState(0);

  const original = formOf(account);
  const serverChanged = (Object.keys(original) as Array<keyof ServerForm>).some((k) => original[k] !== form[k]);
  const dirty =
    serverChanged ||
    password !== '' ||
    trusted !== account.trustedFingerprint ||
    (name.trim() !== '' && name.trim() !== account.name) ||
    (email.trim() !== '' && email.trim() !== account.email) ||
    JSON.stringify(settings) !== JSON.stringify(account.settings);
  // Before the browser handles the next key: Escape right after typing must already know.
  useLayoutEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  // A failed save is a box with what to do, brought into view and focused: not a line in the footer.
  const messageRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (message?.kind !== 'error') return;
    messageRef.current?.scrollIntoView({ block: 'nearest' });
    messageRef.current?.focus({ preventScroll: true });
  }, [message]);

  /** The connection as it would be saved; unchanged settings are tested as stored (with the stored password). */
  const testAsEdited = async (use: ServerForm, fingerprint: string | null, secret: string): Promise<ConnectionTestResult | null> => {
    const parsed = toServerSettings(use);
    if (!parsed.ok) {
      setMessage({ kind: 'error', text: parsed.problem });
      return null;
    }
    const changed = (Object.keys(original) as Array<keyof ServerForm>).some((k) => original[k] !== use[k]) || secret !== '' || fingerprint !== account.trustedFingerprint;
    try {
      return await api.testConnection(
        changed
          ? { accountId: account.id, server: parsed.server, ...(secret ? { password: secret } : {}), trustedFingerprint: fingerprint }
          : { accountId: account.id },
      );
    } catch (error) {
      return { ok: false, error: errorData(error) };
    }
  };

  const runTest = async (use: ServerForm = form, fingerprint: string | null = trusted, secret: string = password) => {
    setMessage(null);
    setBusy('testing');
    const result = await testAsEdited(use, fingerprint, secret);
    if (result) setTest(result);
    setBusy(null);
  };

  /**
   * Saves; a change to how Homing connects (server, user name, password, trusted certificate) is tested
   * first and stored only when the server accepts it, so a mistyped password never replaces a good one.
   */
  const save = async (use: ServerForm = form, fingerprint: string | null = trusted, secret: string = password, untested = false) => {
    setUnreachable(false);
    const parsed = toServerSettings(use);
    if (!parsed.ok) {
      setMessage({ kind: 'error', text: parsed.problem });
      return;
    }
    const patch: AccountPatch = { settings };
    if (name.trim() && name.trim() !== account.name) patch.name = name.trim();
    if (email.trim() && email.trim() !== account.email) patch.email = email.trim();
    if (parsed.server.host !== account.host) patch.host = parsed.server.host;
    if (parsed.server.port !== account.port) patch.port = parsed.server.port;
    if (parsed.server.security !== account.security) patch.security = parsed.server.security;
    if (parsed.server.username !== account.username) patch.username = parsed.server.username;
    if (secret) patch.password = secret;
    if (fingerprint !== account.trustedFingerprint) patch.trustedFingerprint = fingerprint;
    const connectionChanged = ['host', 'port', 'security', 'username', 'password', 'trustedFingerprint'].some((k) => k in patch);
    setMessage(null);
    if (connectionChanged && !untested) {
      setBusy('testing');
      const result = await testAsEdited(use, fingerprint, secret);
      if (!result) {
        setBusy(null);
        return;
      }
      setTest(result);
      if (!result.ok) {
        // The server could not be reached (down, no network): the user may save the settings untested.
        setUnreachable(savesUntested(result.error));
        setBusy(null);
        return;
      }
    }
    const saved = untested ? 'Saved without a connection test: Homing connects with these settings once the server answers.' : 'Saved.';
    if (await storeAccountPatch(account.id, patch, saved, { setBusy, setMessage, onSaved })) {
      setPassword('');
      if (untested) setTest(null);
    }
  };

  const remove = async () => {
    setBusy('removing');
    try {
      await api.removeAccount({ id: account.id, confirm: true });
      onRemoved();
    } catch (error) {
      setMessage({ kind: 'error', text: errorSentence(error) });
      setBusy(null);
    }
  };

  return (
    <form
      className="settings-form"
      aria-labelledby="edit-account-title"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h3 id="edit-account-title" className="settings-title">
        {accountLabel(account)}
        <span className="protocol-badge">{account.protocol.toUpperCase()}</span>
      </h3>
      <section className="settings-section" aria-labelledby="edit-identity">
        <h4 id="edit-identity">Account</h4>
        <div className="field-grid">
          <label htmlFor="edit-name">Name</label>
          <input id="edit-name" className="text-input" value={name} onChange={(e) => setName(e.target.value)} />
          <label htmlFor="edit-email">Email address</label>
          <input id="edit-email" className="text-input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} spellCheck={false} />
        </div>
      </section>
      <section className="settings-section" aria-labelledby="edit-server">
        <h4 id="edit-server">Server</h4>
        <ServerFields form={form} onChange={setForm} protocolFixed idPrefix="edit" />
        <div className="field-grid">
          <label htmlFor="edit-password">Password</label>
          <input
            id="edit-password"
            className="text-input"
            type="password"
            value={password}
            placeholder="Unchanged"
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
          />
        </div>
        <PasswordSourceChoice source={settings.passwordSource} onChange={(passwordSource) => setSettings({ ...settings, passwordSource })} idPrefix="edit-password" />
        {trusted && <TrustedCertificateNote fingerprint={trusted} onStopTrusting={() => setTrusted(null)} />}
        {test && (
          <ConnectionResult
            result={test}
            busy={busy !== null}
            form={form}
            onRetry={retryWithFix<ServerForm>(setForm, setTrusted, trusted, (next, fingerprint) => void runTest(next, fingerprint))}
            password={{
              forWhom: account.email,
              action: 'Test and save',
              onSubmit: (typed) => {
                setPassword(typed);
                void save(form, trusted, typed);
              },
            }}
          />
        )}
        <div className="settings-inline-actions">
          {unreachable && test && !test.ok && (
            <button type="button" className="button" onClick={() => void save(form, trusted, password, true)} disabled={busy !== null}>
              Save anyway
            </button>
          )}
          <button type="button" className="button" onClick={() => void runTest()} disabled={busy !== null}>
            {busy === 'testing' ? (
              <>
                <span className="spinner" aria-hidden="true" /> Testing…
              </>
            ) : (
              'Test connection'
            )}
          </button>
        </div>
      </section>
      <OutgoingServerSection account={account} onSaved={onSaved} />
      <section className="settings-section" aria-labelledby="edit-sync">
        <h4 id="edit-sync">Sync</h4>
        <SyncSettingsFields protocol={account.protocol as Protocol} settings={settings} onChange={setSettings} idPrefix="edit-sync" />
      </section>
      {message && (
        <p
          ref={messageRef}
          tabIndex={-1}
          className={message.kind === 'ok' ? 'form-ok' : 'form-problem boxed'}
          role={message.kind === 'ok' ? 'status' : 'alert'}
        >
          {message.text}
        </p>
      )}
      <div className="settings-actions">
        {!confirmRemove ? (
          <button
            type="button"
            className="button danger-quiet"
            onClick={() => {
              setUnsentCount(0);
              setLocalDraftCount(0);
              setLocalMailCount(0);
              setConfirmRemove(true);
              api.countLocalOnlyMessages({ accountId: account.id }).then(setLocalMailCount, () => undefined);
              api.listOutbox({ accountId: account.id }).then(
                (items) => setUnsentCount(items.filter(unsent).length),
                () => undefined,
              );
              api.listDrafts({ accountId: account.id }).then(
                (drafts) => setLocalDraftCount(drafts.filter(localOnlyDraft).length),
                () => undefined,
              );
            }}
            disabled={busy !== null}
          >
            Remove account…
          </button>
        ) : (
          <div className="confirm-remove" role="alertdialog" aria-labelledby="confirm-remove-text">
            <span id="confirm-remove-text">
              Remove {accountLabel(account)} and all of its mail from this computer? Mail on the server is not touched.
              {unsentLossWords(unsentCount) && <strong className="confirm-remove-loss"> {unsentLossWords(unsentCount)}</strong>}
              {draftLossWords(localDraftCount) && <strong className="confirm-remove-loss"> {draftLossWords(localDraftCount)}</strong>}
              {localMailLossWords(localMailCount) && <strong className="confirm-remove-loss"> {localMailLossWords(localMailCount)}</strong>}
            </span>
            <button type="button" className="button" onClick={() => setConfirmRemove(false)}>
              Keep
            </button>
            <button type="button" className="button danger" onClick={() => void remove()} disabled={busy !== null}>
              Remove
            </button>
          </div>
        )}
        <span className="toolbar-spacer" />
        <button type="submit" className="button primary" disabled={busy !== null}>
          {busy === 'saving' ? 'Saving…' : busy === 'testing' ? 'Testing…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
