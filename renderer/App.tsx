import { useCallback, useEffect, useState } from 'react';
import type { Account } from '../shared/contract/accounts';
import { api } from './api/client';
import { Icon } from './components/Icon';
import { MailShell } from './components/MailShell';
import { SettingsDialog, type SettingsIntent } from './components/SettingsDialog';
import { Welcome } from './components/Welcome';
import { useAccounts } from './hooks/useAccounts';
import { useErrorBanners } from './hooks/useErrorBanners';
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
  const { banners, report, dismiss } = useErrorBanners();

  // A new account syncs at once (headers first, newest first), then stays in sync (IDLE or polling).
  const startSync = useCallback(
    (account: Account) => {
      const accountIds = [account.id];
      api
        .syncAccounts({ accountIds })
        .then(() => api.startWatching({ accountIds }))
        .catch(report);
    },
    [report],
  );
  const openSettings = useCallback(() => setSettings({ kind: 'overview' }), []);
  const addAccount = useCallback(() => setSettings({ kind: 'add' }), []);

  // The menu's "Add account" and "Settings" work on the welcome screen too (the mail window's actions need the mail window).
  const hasShell = accounts !== null && loaded && (accounts.some((a) => a.capabilities.hasServer) || folders.some((f) => f.total > 0));
  useEffect(() => {
    if (hasShell) return;
    return api.on('menuActionRequested', ({ action }) => {
      if (action === 'add-account') addAccount();
      if (action === 'open-settings') openSettings();
    });
  }, [hasShell, addAccount, openSettings]);

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

  return (
    <>
      {!loaded ? (
        <div className="app-loading" aria-busy="true" />
      ) : hasShell ? (
        <MailShell
          accounts={accounts}
          folders={folders}
          onOpenSettings={openSettings}
          onAddAccount={addAccount}
          report={report}
          banners={banners}
          onDismiss={dismiss}
        />
      ) : (
        <Welcome onAddAccount={addAccount} />
      )}
      {!hasShell && banners.length > 0 && (
        <div className="top-banner" role="alert">
          <Icon name="alert" size={14} /> {banners[banners.length - 1]!.title} {banners[banners.length - 1]!.detail ?? ''}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(banners[banners.length - 1]!.key)}>
            <Icon name="x" size={12} />
          </button>
        </div>
      )}
      {settings && <SettingsDialog accounts={accounts} intent={settings} onAdded={startSync} onClose={() => setSettings(null)} />}
    </>
  );
}
