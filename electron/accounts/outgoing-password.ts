import type { Account, PasswordSource } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';
import type { AccountPasswords } from './account-passwords';

/**
 * The key of an outgoing server's own password, beside the account's (incoming) one. Kept apart so that
 * choosing "use the incoming password" never copies a secret, and removing the outgoing server removes
 * its password.
 */
export function outgoingVaultKey(accountId: string): string {
  return `${accountId}:smtp`;
}

/**
 * Where an outgoing server's own password is kept: where the account keeps its passwords (the keychain
 * or the file the user chose). An account whose incoming password comes from a command keeps the
 * outgoing one in the keychain: the command prints one password, not two.
 */
export function outgoingPasswordSource(accountSource: PasswordSource): Exclude<PasswordSource, { kind: 'command' }> {
  return accountSource.kind === 'command' ? { kind: 'keychain' } : accountSource;
}

/**
 * The password to log in to the account's outgoing server with: its own, or the incoming server's when
 * the user chose that (the outgoing server is then the second server that password goes to, by the
 * user's own setting). CREDENTIALS_MISSING when there is none.
 */
export async function outgoingPassword(passwords: AccountPasswords, account: Account): Promise<string> {
  if (account.smtp?.passwordSource !== 'own') return passwords.read(account);
  try {
    return await passwords.read({
      id: outgoingVaultKey(account.id),
      email: account.email,
      settings: { ...account.settings, passwordSource: outgoingPasswordSource(account.settings.passwordSource) },
    });
  } catch (error) {
    if (!(error instanceof HomingError) || error.code !== 'CREDENTIALS_MISSING') throw error;
    throw new HomingError(
      'CREDENTIALS_MISSING',
      `No password for the outgoing server of ${account.email} is stored. Set it again: homing account edit ${account.id} --smtp-password-env VAR, ` +
        'or enter it in the app’s account settings.',
      { accountId: account.id, fix: 'set-password' },
    );
  }
}
