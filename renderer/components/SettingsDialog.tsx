import { useEffect, useState } from 'react';
import type { Account, CredentialStoreInfo } from '../../shared/contract/accounts';
import { api } from '../api/client';
import { accountLabel, sidebarAccounts } from '../mail/folder-tree';
import { AccountEditor } from './AccountEditor';
import { Icon } from './Icon';
import { Modal } from './Modal';
import { NewAccountFlow } from './NewAccountFlow';

export type SettingsIntent = { kind: 'add' } | { kind: 'edit'; accountId: string } | { kind: 'overview' };

export interface SettingsDialogProps {
  accounts: Account[];
  intent: SettingsIntent;
  /** A new account was saved: the caller starts its sync. */
  onAdded(account: Account): void;
  onClose(): void;
}

/** Accounts and their settings: the list on the left, the chosen account (or the new-account flow) on the right. */
export function SettingsDialog({ accounts, intent, onAdded, onClose }: SettingsDialogProps) {
  const mail = sidebarAccounts(accounts).filter((a) => a.protocol !== 'local');
  const [view, setView] = useState<SettingsIntent>(() =>
    intent.kind === 'overview' ? (mail[0] ? { kind: 'edit', accountId: mail[0].id } : { kind: 'add' }) : intent,
  );
  const all = sidebarAccounts(accounts);
  const editing = view.kind === 'edit' ? all.find((a) => a.id === view.accountId) : undefined;
  const [vault, setVault] = useState<CredentialStoreInfo | null>(null);
  useEffect(() => {
    let live = true;
    api.getCredentialStoreInfo({}).then(
      (info) => live && setVault(info),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const local = all.find((a) => a.protocol === 'local');

  return (
    <Modal title="Accounts" className="settings" onClose={onClose} showTitle={false}>
      <div className="settings-layout">
        <aside className="settings-nav">
          <div className="settings-nav-title">Accounts</div>
          <ul role="list" className="settings-accounts">
            {mail.map((account) => (
              <li key={account.id}>
                <button
                  type="button"
                  className={`settings-account ${view.kind === 'edit' && view.accountId === account.id ? 'current' : ''}`}
                  aria-current={view.kind === 'edit' && view.accountId === account.id ? 'true' : undefined}
                  onClick={() => setView({ kind: 'edit', accountId: account.id })}
                >
                  <Icon name="at-sign" size={14} />
                  <span className="settings-account-text">
                    <span className="settings-account-name">{accountLabel(account)}</span>
                    <span className="settings-account-kind">{account.protocol.toUpperCase()} · {account.host}</span>
                  </span>
                </button>
              </li>
            ))}
            {local && (
              <li>
                <button
                  type="button"
                  className={`settings-account ${view.kind === 'edit' && view.accountId === local.id ? 'current' : ''}`}
                  onClick={() => setView({ kind: 'edit', accountId: local.id })}
                >
                  <Icon name="hard-drive" size={14} />
                  <span className="settings-account-text">
                    <span className="settings-account-name">Local Folders</span>
                    <span className="settings-account-kind">On this computer</span>
                  </span>
                </button>
              </li>
            )}
          </ul>
          <button type="button" className={`button add-account ${view.kind === 'add' ? 'current' : ''}`} onClick={() => setView({ kind: 'add' })}>
            <Icon name="plus" size={14} /> Add account
          </button>
          {vault && (
            <p className={`vault-note ${vault.weakness ? 'weak' : ''}`} data-testid="vault-note">
              <Icon name={vault.weakness ? 'alert' : 'lock'} size={12} />
              <span>
                Password store: {vault.description}
                {vault.weakness && <span className="vault-weakness">{vault.weakness}</span>}
              </span>
            </p>
          )}
        </aside>
        <div className="settings-main">
          <button type="button" className="icon-button settings-close" aria-label="Close" onClick={onClose}>
            <Icon name="x" size={16} />
          </button>
          {view.kind === 'add' && (
            <NewAccountFlow
              key="new"
              onCancel={() => (mail[0] ? setView({ kind: 'edit', accountId: mail[0].id }) : onClose())}
              onAdded={(account) => {
                onAdded(account);
                onClose();
              }}
            />
          )}
          {editing && editing.protocol !== 'local' && (
            <AccountEditor
              key={editing.id}
              account={editing}
              onSaved={() => undefined}
              onRemoved={() => {
                const next = mail.find((a) => a.id !== editing.id);
                setView(next ? { kind: 'edit', accountId: next.id } : { kind: 'add' });
              }}
            />
          )}
          {editing && editing.protocol === 'local' && (
            <div className="settings-form">
              <h3 className="settings-title">Local Folders</h3>
              <p className="muted">
                Mail kept only on this computer: messages you file here, and mail imported from other programs (mbox, Maildir, .eml) with{' '}
                <code>homing import</code>. It is never sent to a server and stays readable offline.
              </p>
            </div>
          )}
          {view.kind === 'edit' && !editing && <p className="muted">This account no longer exists.</p>}
        </div>
      </div>
    </Modal>
  );
}
