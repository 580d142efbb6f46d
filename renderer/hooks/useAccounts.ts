import { useEffect, useState } from 'react';
import type { Account } from '../../shared/contract/accounts';
import { api } from '../api/client';
import { coalesce } from '../mail/coalesce';

export interface AccountsState {
  accounts: Account[] | null;
  error: unknown;
}

/** Every account (Local Folders included), kept current by `accountsChanged`. */
export function useAccounts(): AccountsState {
  const [state, setState] = useState<AccountsState>({ accounts: null, error: null });
  useEffect(() => {
    let live = true;
    const refresh = coalesce(async () => {
      try {
        const accounts = await api.listAccounts({});
        if (live) setState({ accounts, error: null });
      } catch (error) {
        if (live) setState((s) => ({ accounts: s.accounts, error }));
      }
    });
    refresh();
    const stop = api.on('accountsChanged', refresh);
    return () => {
      live = false;
      stop();
    };
  }, []);
  return state;
}
