import { defaultAccountSettings } from '../../../shared/contract/accounts';
import type { MethodHandlers } from '../../../shared/contract';
import { HomingError } from '../../../shared/errors';
import { accountPasswords } from '../../accounts/account-passwords';
import { splitCommandLine } from '../../accounts/command-line';
import { type AccountUpdate, deleteAccount, getAccount, insertAccount, listAccounts, updateAccount } from '../../store/accounts';
import { writeTransaction } from '../../store/write-transaction';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';

type AccountCommands = 'addAccount' | 'updateAccount' | 'removeAccount';

/**
 * Account CRUD in the single writer. The password goes to the vault (never the database); the rows go
 * through one transaction each, so every change emits one accountsChanged event.
 */
export function createAccountWrites(ctx: WriterContext, runtime: SyncRuntime): MethodHandlers<AccountCommands> {
  const passwords = accountPasswords(ctx);
  return {
    async addAccount(args) {
      if (args.smtp) throw new HomingError('NOT_IMPLEMENTED', 'Outgoing servers are not stored yet (issue 20 lands it in steps).');
      const source = args.settings?.passwordSource ?? defaultAccountSettings.passwordSource;
      // A command that cannot even be split is refused before anything is stored.
      if (source.kind === 'command') splitCommandLine(source.command);
      const twin = listAccounts(ctx.db).find(
        (a) => a.protocol === args.protocol && sameHost(a.host, args.host) && a.port === args.port && a.username === args.username,
      );
      if (twin) {
        throw new HomingError('INVALID_ARGUMENT', `This mailbox is already set up as “${twin.name}”.`, { accountId: twin.id });
      }
      const account = writeTransaction(ctx.db, (changes) =>
        insertAccount(ctx.db, changes, {
          name: args.name ?? args.email,
          email: args.email,
          protocol: args.protocol,
          host: args.host.toLowerCase(),
          port: args.port,
          security: args.security,
          username: args.username,
          trustedFingerprint: args.trustedFingerprint ?? null,
          settings: { ...defaultAccountSettings, ...args.settings },
        }),
      );
      try {
        await passwords.store(account.id, source, args.password);
      } catch (error) {
        // An account whose password could not be stored would fail every sync: take it back out.
        writeTransaction(ctx.db, (changes) => deleteAccount(ctx.db, changes, account.id));
        throw error;
      }
      return account;
    },

    async updateAccount({ id, patch }) {
      const current = getAccount(ctx.db, id);
      if (current.protocol === 'local') throw new HomingError('INVALID_ARGUMENT', 'Local Folders has no server settings.');
      const { password, settings, smtp, ...fields } = patch;
      if (smtp !== undefined) throw new HomingError('NOT_IMPLEMENTED', 'Outgoing servers are not stored yet (issue 20 lands it in steps).');
      // A pin trusts one server's certificate. Moving to another host ("use that hostname instead") means
      // normal verification again, unless the same change pins a certificate for the new host.
      const hostChanged = fields.host !== undefined && !sameHost(fields.host, current.host);
      const pin = fields.trustedFingerprint !== undefined ? fields.trustedFingerprint : hostChanged ? null : undefined;
      // The password first: if its store cannot take it, nothing has changed.
      const nextSource = settings?.passwordSource ?? current.settings.passwordSource;
      if (nextSource.kind === 'command') splitCommandLine(nextSource.command);
      if (password !== undefined || settings?.passwordSource !== undefined) {
        await passwords.change(id, current.settings.passwordSource, nextSource, password);
      }
      const update: AccountUpdate = {};
      if (fields.name !== undefined) update.name = fields.name;
      if (fields.email !== undefined) update.email = fields.email;
      if (fields.host !== undefined) update.host = fields.host.toLowerCase();
      if (fields.port !== undefined) update.port = fields.port;
      if (fields.security !== undefined) update.security = fields.security;
      if (fields.username !== undefined) update.username = fields.username;
      if (pin !== undefined) update.trustedFingerprint = pin;
      if (settings) update.settings = { ...current.settings, ...settings };
      return writeTransaction(ctx.db, (changes) => updateAccount(ctx.db, changes, id, update));
    },

    /** The account, its folders, messages and queued operations (foreign keys cascade), and its password. */
    async removeAccount({ id }) {
      const account = getAccount(ctx.db, id);
      if (account.protocol === 'local') throw new HomingError('INVALID_ARGUMENT', 'Local Folders cannot be removed.');
      // The password first: if the vault cannot be written, nothing is removed and the user can retry,
      // rather than leaving a password behind for an account that no longer exists.
      await passwords.forget(id, account.settings.passwordSource);
      // A sync still running for the account would write rows for it after they are gone.
      await runtime.stopAccount(id);
      writeTransaction(ctx.db, (changes) => deleteAccount(ctx.db, changes, id));
    },
  };
}

function sameHost(a: string | null, b: string | null): boolean {
  return (a ?? '').toLowerCase().replace(/\.$/, '') === (b ?? '').toLowerCase().replace(/\.$/, '');
}
