import type { Account, OutgoingServer, Security } from '../../shared/contract/accounts';
import { type CredentialScopeChange, type CredentialTarget, credentialScopeWords, storedPasswordChanges } from '../../shared/credential-scope';
import { HomingError } from '../../shared/errors';

/** The incoming server of an account, as a place its password may go. */
export function incomingTarget(account: Pick<Account, 'host' | 'port' | 'security' | 'username' | 'trustedFingerprint'>): CredentialTarget {
  return {
    host: account.host ?? '',
    port: account.port ?? 0,
    security: (account.security ?? 'tls') as Security,
    username: account.username,
    trustedFingerprint: account.trustedFingerprint,
  };
}

/** An outgoing server, as a place a password may go. */
export function outgoingTarget(server: Pick<OutgoingServer, 'host' | 'port' | 'security' | 'username' | 'trustedFingerprint'>): CredentialTarget {
  return { host: server.host, port: server.port, security: server.security, username: server.username, trustedFingerprint: server.trustedFingerprint };
}

/**
 * The servers a stored secret of the account was saved for: the incoming password for the incoming
 * server (and the outgoing server, when the user set that one to log in with it); the outgoing server's
 * own password for that server.
 */
export function savedTargets(account: Account, secret: 'incoming' | 'own'): CredentialTarget[] {
  const smtp = account.smtp;
  if (secret === 'own') return smtp?.passwordSource === 'own' ? [outgoingTarget(smtp)] : [];
  return [incomingTarget(account), ...(smtp?.passwordSource === 'incoming' ? [outgoingTarget(smtp)] : [])];
}

/**
 * Throws PASSWORD_REQUIRED when a stored password would go to `target`, a server it was not saved for
 * (shared/credential-scope.ts says which are). Called before any connection is made and before anything
 * is changed, by every path that uses or keeps a stored password for other settings: the connection
 * tests and the account changes, whichever caller (window, bridge, CLI) asked.
 */
export function requireStoredPasswordScope(savedFor: CredentialTarget[], target: CredentialTarget, account: Pick<Account, 'id' | 'email'>): void {
  // Named against the saved server nearest the target (on a tie the later one: the outgoing server, when
  // it shares the incoming password), so the words say what the user changed, not how two servers differ.
  let nearest: { saved: CredentialTarget; changes: CredentialScopeChange[] } | null = null;
  for (const saved of savedFor) {
    const changes = storedPasswordChanges(saved, target);
    if (changes.length === 0) return;
    if (!nearest || changes.length <= nearest.changes.length) nearest = { saved, changes };
  }
  const changes: CredentialScopeChange[] = nearest?.changes ?? ['host'];
  const where = nearest ? ` (${nearest.saved.host}:${nearest.saved.port})` : '';
  throw new HomingError(
    'PASSWORD_REQUIRED',
    `Type the password for ${account.email} again: ${credentialScopeWords(changes)}, and a stored password is only sent to the server it was saved for${where}. ` +
      'In the app, enter it with the new settings; with homing, add --password-env VAR (or, for a password command, give --password-command again).',
    { accountId: account.id, change: changes[0], changes, fix: 'enter-password' },
  );
}

/**
 * Whether `stored` (the account's row now) still sends its passwords where `snapshot` (the row a
 * connection was set up from) does: the same incoming and outgoing servers, users, pins and password
 * places. A connection checks this after reading a password: an edit that moved the account to another
 * server writes the row before the new password (account-writes.ts), so a connection still holding the
 * old settings that reads the new password sees the row changed and sends nothing.
 */
export function sameCredentialTargets(snapshot: Account, stored: Account | null): boolean {
  if (!stored) return false;
  const key = (a: Account) =>
    JSON.stringify([
      incomingTarget({ ...a, host: (a.host ?? '').toLowerCase() }),
      a.smtp ? [outgoingTarget({ ...a.smtp, host: a.smtp.host.toLowerCase() }), a.smtp.passwordSource] : null,
      a.settings.passwordSource,
    ]);
  return key(snapshot) === key(stored);
}

/** CANCELLED: the account's server settings changed while a connection was being made with the old ones. */
export function settingsChangedWhileConnecting(account: Pick<Account, 'id' | 'email'>): HomingError {
  return new HomingError('CANCELLED', `The settings of ${account.email} changed while connecting; connecting again with the new ones.`, {
    accountId: account.id,
  });
}
