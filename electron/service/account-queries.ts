import type { MethodHandlers } from '../../shared/contract';
import { type Account, LOCAL_ACCOUNT_ID, protocolSchema, type ServerSettings } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';
import { accountPasswords } from '../accounts/account-passwords';
import { type AutoconfigTimeouts } from '../accounts/autoconfig/source';
import type { ProbeTimeouts } from '../accounts/probe/probe';
import { createResolvers, type Resolvers, resolverOptionsFromEnv } from '../accounts/resolvers';
import { requireStoredPasswordScope, savedTargets } from '../accounts/stored-password-scope';
import { inspectVault } from '../accounts/vault';
import { findAccount, listAccounts } from '../store/accounts';
import { awaitingUploadCount } from '../store/operation-queue';
import { localOnlyMessageCount } from '../store/pop3-state';
import type { QueryContext } from './query-context';

type AccountQueries = 'listAccounts' | 'autoconfigAccount' | 'testConnection' | 'countLocalOnlyMessages' | 'getCredentialStoreInfo';

/** How account setup reaches the network; tests and `HOMING_DNS_SERVERS` point it at other resolvers. */
export interface AccountSetup {
  resolvers: Resolvers;
  autoconfigTimeouts?: Partial<AutoconfigTimeouts>;
  probeTimeouts?: Partial<ProbeTimeouts>;
}

export function defaultAccountSetup(env: NodeJS.ProcessEnv = process.env): AccountSetup {
  return { resolvers: createResolvers(resolverOptionsFromEnv(env)) };
}

export function createAccountQueries(ctx: QueryContext, setup: AccountSetup = defaultAccountSetup()): MethodHandlers<AccountQueries> {
  return {
    async listAccounts() {
      return listAccounts(ctx.db);
    },

    // Autoconfig and the connection test load on first use: they bring imapflow and an XML parser, which
    // a CLI `sync` or `list` (and the app's start) would otherwise load on the main thread for nothing.
    async autoconfigAccount({ email }) {
      const { runAutoconfig } = await import('../accounts/autoconfig/run-autoconfig');
      return runAutoconfig(email, {
        resolvers: setup.resolvers,
        ...(setup.autoconfigTimeouts ? { timeouts: setup.autoconfigTimeouts } : {}),
      });
    },

    /**
     * Stored settings (`accountId`), settings being typed (`server` + `password`), or both: an account being
     * edited is tested with the new settings. Without a typed password the stored one is used, but only for
     * the server it was saved for (stored-password-scope.ts): other settings are PASSWORD_REQUIRED before
     * anything connects. The account's pinned certificate applies only to the server it was pinned for.
     */
    async testConnection(args) {
      const account = args.accountId ? findAccount(ctx.db, args.accountId) : null;
      if (args.accountId && (!account || account.id === LOCAL_ACCOUNT_ID)) {
        throw new HomingError('NOT_FOUND', `No mail account with id ${args.accountId}.`);
      }
      const stored = account ? storedServer(account) : null;
      const server = args.server ?? stored;
      if (!server) throw new HomingError('INVALID_ARGUMENT', 'Give an account id or the server settings to test.');
      const sameServer = account !== null && account.host?.toLowerCase() === server.host.toLowerCase() && account.port === server.port;
      const trustedFingerprint = args.trustedFingerprint !== undefined ? args.trustedFingerprint : sameServer ? (account?.trustedFingerprint ?? null) : null;
      if (args.password === undefined && account) {
        requireStoredPasswordScope(savedTargets(account, 'incoming').slice(0, 1), { ...server, trustedFingerprint }, account);
      }
      const password = args.password ?? (account ? await accountPasswords(ctx).read(account) : null);
      if (!password) {
        throw new HomingError(
          'CREDENTIALS_MISSING',
          account ? `No password is stored for ${account.email}; enter it to test.` : 'Enter the password to test the connection.',
        );
      }
      const { testConnection } = await import('../accounts/connection-test');
      return testConnection(
        { server, password, trustedFingerprint },
        { resolvers: setup.resolvers, ...(setup.probeTimeouts ? { timeouts: setup.probeTimeouts } : {}) },
      );
    },

    async countLocalOnlyMessages({ accountId }) {
      const account = findAccount(ctx.db, accountId);
      if (!account) throw new HomingError('NOT_FOUND', `No account with id ${accountId}.`);
      // An IMAP account's mail is the server's but for uploads still waiting; Local Folders cannot be removed.
      if (account.protocol === 'pop3') return localOnlyMessageCount(ctx.db, accountId);
      return account.protocol === 'imap' ? awaitingUploadCount(ctx.db, accountId) : 0;
    },

    getCredentialStoreInfo() {
      return inspectVault(ctx.vault);
    },
  };
}

/** The server settings stored with an account, or null when it has none (Local Folders, an incomplete account). */
function storedServer(account: Account): ServerSettings | null {
  const protocol = protocolSchema.safeParse(account.protocol);
  if (!protocol.success || !account.host || !account.port || !account.security || !account.username) return null;
  return { protocol: protocol.data, host: account.host, port: account.port, security: account.security, username: account.username };
}
