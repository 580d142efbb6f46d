import { useState } from 'react';
import type { Account, ConnectionTestResult } from '../../shared/contract/accounts';
import type { SyncStatus } from '../../shared/contract/sync';
import { api } from '../api/client';
import { accountLabel } from '../mail/folder-tree';
import { asksForPassword, errorData, errorParts } from '../mail/error-words';
import { Icon } from './Icon';
import { PasswordFix } from './PasswordFix';

export interface PasswordNeededProps {
  accounts: readonly Account[];
  statuses: ReadonlyMap<string, SyncStatus>;
}

/**
 * Accounts whose server stopped taking the stored password (changed elsewhere, an expired app password):
 * "Enter password" right here, in the main window. The new password is tested against the account's own
 * server before it is stored, then the account syncs again.
 */
export function PasswordNeeded({ accounts, statuses }: PasswordNeededProps) {
  const refused = accounts.filter((a) => {
    const error = statuses.get(a.id)?.lastError;
    return a.capabilities.hasServer && error !== null && error !== undefined && asksForPassword(error);
  });
  if (refused.length === 0) return null;
  return (
    <>
      {refused.map((account) => (
        <AccountPassword key={account.id} account={account} />
      ))}
    </>
  );
}

function AccountPassword({ account }: { account: Account }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ConnectionTestResult | null>(null);
  const label = accountLabel(account);
  const submit = async (password: string) => {
    setBusy(true);
    try {
      const result = await api.testConnection({ accountId: account.id, password });
      setFailure(result.ok ? null : result);
      if (result.ok) {
        await api.updateAccount({ id: account.id, patch: { password } });
        // The sync clears the account's error, and with it this box.
        await api.syncAccounts({ accountIds: [account.id] });
      }
    } catch (error) {
      setFailure({ ok: false, error: errorData(error) });
    } finally {
      setBusy(false);
    }
  };
  const words = failure && !failure.ok ? errorParts(failure.error) : null;
  return (
    <section className="banner warning password-needed" role="region" aria-label="Password needed">
      <Icon name="lock" size={16} />
      <div className="banner-text">
        <strong>The server of {label} no longer accepts the stored password.</strong>
        {words && (
          <p className="password-needed-failure" role="alert">
            {words.title} {words.detail ?? ''}
          </p>
        )}
        <PasswordFix forWhom={label} busy={busy} action="Test and save" onSubmit={(password) => void submit(password)} />
      </div>
    </section>
  );
}
