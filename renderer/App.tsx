import { useState } from 'react';
import type { Account } from '../shared/contract/accounts';
import { api } from './api/client';
import { Icon } from './components/Icon';
import { MailShell } from './components/MailShell';
import { SettingsDialog, type SettingsIntent } from './components/SettingsDialog';
import { Welcome } from './components/Welcome';
import { useAccounts } from './hooks/useAccounts';
import { useFolders } from './hooks/useFolders';
import { errorSentence } from './mail/error-words';

/**
 * The app: a welcome on first run (no mail account and nothing in Local Folders), else the three panes.
 * The settings dialog opens over either.
 */
export function App() {
  const { accounts, error } = useAccounts();
  const { folders, loaded } = useFolders();
  const [settings, setSettings] = useState<SettingsIntent | null>(null);
  const [syncError, setSyncError] = useState<unknown>(null);

  const startSync = (account: Account) => {
    const ids = [account.id];
    api
      .syncAccounts({ accountIds: ids })
      .then(() => api.startWatching({ accountIds: ids }))
      .catch((e: unknown) => setSyncError(e));
  };

  if (accounts === null) {
    return (
      <div className="app-loading" aria-busy={error === null}>
        {error !== null && (
          <p role="alert" className="fatal">
            <Icon name="alert" size={18} /> {errorSentence(error)}
          </p>
        )}
      </div>
    );
  }

  const hasMail = accounts.some((a) => a.protocol !== 'local') || folders.some((f) => f.total > 0);
  return (
    <>
      {syncError !== null && (
        <div className="top-banner" role="alert">
          <Icon name="alert" size={14} /> {errorSentence(syncError)}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setSyncError(null)}>
            <Icon name="x" size={12} />
          </button>
        </div>
      )}
      {!loaded ? (
        <div className="app-loading" aria-busy="true" />
      ) : hasMail ? (
        <MailShell accounts={accounts} folders={folders} onOpenSettings={() => setSettings({ kind: 'overview' })} />
      ) : (
        <Welcome onAddAccount={() => setSettings({ kind: 'add' })} />
      )}
      {settings && <SettingsDialog accounts={accounts} intent={settings} onAdded={startSync} onClose={() => setSettings(null)} />}
    </>
  );
}
