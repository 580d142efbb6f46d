import { useCallback, useEffect, useRef, useState } from 'react';
import { type Account, type CredentialStoreInfo, LOCAL_ACCOUNT_ID } from '../../shared/contract/accounts';
import { api } from '../api/client';
import { accountLabel, sidebarAccounts } from '../mail/folder-tree';
import { AccountEditor } from './AccountEditor';
import { DiscardChangesPrompt } from './DiscardChangesPrompt';
import { Icon } from './Icon';
import { Modal } from './Modal';
import { NewAccountFlow } from './NewAccountFlow';
import { ReadingSettings } from './ReadingSettings';
import { RulesSettings } from './RulesSettings';
import { WritingSettings } from './WritingSettings';

export type SettingsIntent = { kind: 'add' } | { kind: 'edit'; accountId: string } | { kind: 'reading' } | { kind: 'writing' } | { kind: 'rules' } | { kind: 'overview' };

export interface SettingsDialogProps {
  accounts: Account[];
  intent: SettingsIntent;
  /** A new account was saved: the caller starts its sync. */
  onAdded(account: Account): void;
  onClose(): void;
}

/** Accounts and their settings: the list on the left, the chosen account (or the new-account flow) on the right. */
export function SettingsDialog({ accounts, intent, onAdded, onClose }: SettingsDialogProps) {
  const mail = sidebarAccounts(accounts).filter((a) => a.capabilities.hasServer);
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
  const local = all.find((a) => a.id === LOCAL_ACCOUNT_ID);

  // Edits not saved yet are never dropped silently: closing or switching pages asks first. A ref, not
  // state: a key pressed right after typing must see the edit even before the next render.
  const dirtyRef = useRef(false);
  const setDirty = useCallback((dirty: boolean) => {
    dirtyRef.current = dirty;
  }, []);
  const [leaving, setLeaving] = useState<null | { kind: 'close' } | { kind: 'go'; to: SettingsIntent }>(null);
  // What the last removal did, said where the removed account's page was (cleared on the next page).
  const [removed, setRemoved] = useState<string | null>(null);
  const mainRef = useRef<HTMLDivElement>(null);
  const navRef = useRef<HTMLElement>(null);
  const focusCurrentRef = useRef(false);
  // Each page starts at its top: the page shown after another kept that one's scroll position (after a
  // removal, the next account's page opened scrolled to its own Remove account… button).
  useEffect(() => {
    if (mainRef.current) mainRef.current.scrollTop = 0;
    if (focusCurrentRef.current) {
      focusCurrentRef.current = false;
      navRef.current?.querySelector<HTMLElement>('.current')?.focus();
    }
  }, [view]);
  const go = (to: SettingsIntent) => {
    setRemoved(null);
    if (dirtyRef.current) setLeaving({ kind: 'go', to });
    else setView(to);
  };
  const requestClose = () => {
    if (dirtyRef.current) setLeaving({ kind: 'close' });
    else onClose();
  };
  const discard = () => {
    const what = leaving;
    setLeaving(null);
    setDirty(false);
    if (what?.kind === 'close') onClose();
    else if (what?.kind === 'go') setView(what.to);
  };
  const isCurrent = (id: string) => view.kind === 'edit' && view.accountId === id;

  return (
    <Modal
      title="Accounts"
      className="settings"
      onClose={requestClose}
      showTitle={false}
      initialFocus={view.kind === 'add' ? '#new-email' : '.settings-account.current'}
    >
      <div className="settings-layout">
        <aside className="settings-nav" ref={navRef}>
          <div className="settings-nav-title">Accounts</div>
          <ul role="list" className="settings-accounts">
            {mail.map((account) => (
              <li key={account.id}>
                <button
                  type="button"
                  className={`settings-account ${isCurrent(account.id) ? 'current' : ''}`}
                  aria-current={isCurrent(account.id) ? 'true' : undefined}
                  onClick={() => go({ kind: 'edit', accountId: account.id })}
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
                  className={`settings-account ${isCurrent(local.id) ? 'current' : ''}`}
                  aria-current={isCurrent(local.id) ? 'true' : undefined}
                  onClick={() => go({ kind: 'edit', accountId: local.id })}
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
          <button type="button" className={`button add-account ${view.kind === 'add' ? 'current' : ''}`} onClick={() => go({ kind: 'add' })}>
            <Icon name="plus" size={14} /> Add account
          </button>
          <div className="settings-nav-title settings-nav-section">Preferences</div>
          <button
            type="button"
            className={`settings-account ${view.kind === 'reading' ? 'current' : ''}`}
            aria-current={view.kind === 'reading' ? 'true' : undefined}
            onClick={() => go({ kind: 'reading' })}
          >
            <Icon name="envelope-open" size={14} />
            <span className="settings-account-text">
              <span className="settings-account-name">Reading</span>
              <span className="settings-account-kind">When mail counts as read</span>
            </span>
          </button>
          <button
            type="button"
            className={`settings-account ${view.kind === 'writing' ? 'current' : ''}`}
            aria-current={view.kind === 'writing' ? 'true' : undefined}
            onClick={() => go({ kind: 'writing' })}
          >
            <Icon name="pencil" size={14} />
            <span className="settings-account-text">
              <span className="settings-account-name">Writing</span>
              <span className="settings-account-kind">Replies, signatures, plain text</span>
            </span>
          </button>
          <button
            type="button"
            className={`settings-account ${view.kind === 'rules' ? 'current' : ''}`}
            aria-current={view.kind === 'rules' ? 'true' : undefined}
            onClick={() => go({ kind: 'rules' })}
          >
            <Icon name="check" size={14} />
            <span className="settings-account-text">
              <span className="settings-account-name">Rules and junk</span>
              <span className="settings-account-kind">Sorting new mail, the junk filter</span>
            </span>
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
        <div className="settings-main" ref={mainRef}>
          {removed && (
            <p className="settings-removed" role="status">
              <Icon name="check" size={14} /> {removed}
            </p>
          )}
          {leaving && (
            <DiscardChangesPrompt
              what={view.kind === 'add' ? 'the new account' : `the changes to ${editing ? accountLabel(editing) : 'this account'}`}
              onKeep={() => setLeaving(null)}
              onDiscard={discard}
            />
          )}
          <button type="button" className="icon-button settings-close" aria-label="Close" onClick={requestClose}>
            <Icon name="x" size={16} />
          </button>
          {view.kind === 'add' && (
            <NewAccountFlow
              key="new"
              onDirtyChange={setDirty}
              onCancel={() => {
                setDirty(false);
                if (mail[0]) setView({ kind: 'edit', accountId: mail[0].id });
                else onClose();
              }}
              onAdded={(account) => {
                setDirty(false);
                onAdded(account);
                onClose();
              }}
            />
          )}
          {editing && editing.capabilities.hasServer && (
            <AccountEditor
              key={editing.id}
              account={editing}
              onDirtyChange={setDirty}
              onSaved={() => undefined}
              onRemoved={() => {
                setDirty(false);
                const next = mail.find((a) => a.id !== editing.id);
                // The Remove button is gone with the page: the focus goes to the page shown now (its entry in
                // the list), not to the document, and the removal is said.
                focusCurrentRef.current = true;
                setRemoved(`Removed ${accountLabel(editing)} and its mail from this computer.`);
                setView(next ? { kind: 'edit', accountId: next.id } : { kind: 'add' });
              }}
            />
          )}
          {editing && !editing.capabilities.hasServer && (
            <div className="settings-form">
              <h3 className="settings-title">Local Folders</h3>
              <p className="muted">
                Mail kept only on this computer: messages you file here, and mail imported from other programs (mbox, Maildir, .eml) with{' '}
                <code>homing import</code>. It is never sent to a server and stays readable offline.
              </p>
            </div>
          )}
          {view.kind === 'reading' && <ReadingSettings />}
          {view.kind === 'rules' && <RulesSettings accounts={accounts} />}
          {view.kind === 'writing' && <WritingSettings accounts={accounts} />}
          {view.kind === 'edit' && !editing && <p className="muted">This account no longer exists.</p>}
        </div>
      </div>
    </Modal>
  );
}
