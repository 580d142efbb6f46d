import { defaultAccountSettings } from '../../../shared/contract/accounts';
import type { MethodHandlers } from '../../../shared/contract';
import { HomingError } from '../../../shared/errors';
import { deleteAccount, getAccount, insertAccount, updateAccount } from '../../store/accounts';
import { writeTransaction } from '../../store/write-transaction';
import type { WriterContext } from '../writer-context';

type AccountCommands = 'addAccount' | 'updateAccount' | 'removeAccount';

export function createAccountWrites(ctx: WriterContext): MethodHandlers<AccountCommands> {
  return {
    async addAccount(args) {
      const account = writeTransaction(ctx.db, (changes) =>
        insertAccount(ctx.db, changes, {
          name: args.name ?? args.email,
          email: args.email,
          protocol: args.protocol,
          host: args.host,
          port: args.port,
          security: args.security,
          username: args.username,
          trustedFingerprint: args.trustedFingerprint ?? null,
          settings: { ...defaultAccountSettings, ...args.settings },
        }),
      );
      try {
        await ctx.vault.setPassword(account.id, args.password);
      } catch (error) {
        // An account whose password could not be stored would fail every sync: take it back out.
        writeTransaction(ctx.db, (changes) => deleteAccount(ctx.db, changes, account.id));
        throw error;
      }
      return account;
    },

    async updateAccount({ id, patch }) {
      const current = getAccount(ctx.db, id);
      const { password, settings, ...server } = patch;
      const account = writeTransaction(ctx.db, (changes) =>
        updateAccount(ctx.db, changes, id, {
          ...server,
          ...(settings ? { settings: { ...current.settings, ...settings } } : {}),
        }),
      );
      if (password !== undefined) await ctx.vault.setPassword(id, password);
      return account;
    },

    async removeAccount({ id }) {
      if (!getAccount(ctx.db, id)) throw new HomingError('NOT_FOUND', `No account with id ${id}.`);
      writeTransaction(ctx.db, (changes) => deleteAccount(ctx.db, changes, id));
      await ctx.vault.deletePassword(id);
    },
  };
}
