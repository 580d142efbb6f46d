import type { Account } from '../../shared/contract/accounts';

/**
 * What the watch loops depend on, as one comparable string: which accounts exist and how to reach them.
 * `accountsChanged` also fires for a renamed account; only a change here restarts the loops (and their
 * connections). Also keeps the shell from restarting sync in answer to a write the sync itself made.
 */
export function watchedAccountsKey(accounts: readonly Account[]): string {
  return JSON.stringify(
    accounts
      .filter((account) => account.protocol !== 'local')
      .map(({ id, protocol, host, port, security, username, trustedFingerprint, settings }) => [
        id,
        protocol,
        host,
        port,
        security,
        username,
        trustedFingerprint,
        settings,
      ])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
}
