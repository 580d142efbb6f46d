import type { MethodHandlers } from '../../shared/contract';
import { listAccounts } from '../store/accounts';
import type { QueryContext } from './query-context';
import { notBuilt } from '../not-built';

type AccountQueries = 'listAccounts' | 'autoconfigAccount' | 'testConnection' | 'getCredentialStoreInfo';

export function createAccountQueries(ctx: QueryContext): MethodHandlers<AccountQueries> {
  return {
    async listAccounts() {
      return listAccounts(ctx.db);
    },
    autoconfigAccount: notBuilt('autoconfigAccount'),
    testConnection: notBuilt('testConnection'),
    async getCredentialStoreInfo() {
      return { description: ctx.vault.description, weakness: ctx.vault.weakness };
    },
  };
}
