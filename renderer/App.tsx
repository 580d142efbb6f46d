import { useEffect, useState } from 'react';
import type { Account } from '../shared/contract/accounts';
import { HomingError } from '../shared/errors';
import { api } from './api/client';

type Load = { state: 'loading' } | { state: 'ready'; accounts: Account[] } | { state: 'failed'; message: string };

export function App() {
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    const refresh = () =>
      api.listAccounts({}).then(
        (accounts) => live && setLoad({ state: 'ready', accounts }),
        (error: unknown) => live && setLoad({ state: 'failed', message: error instanceof HomingError ? error.message : String(error) }),
      );
    void refresh();
    const stop = api.on('accountsChanged', () => void refresh());
    return () => {
      live = false;
      stop();
    };
  }, []);

  return (
    <main className="app" aria-busy={load.state === 'loading'}>
      {load.state === 'failed' && (
        <p role="alert" className="error">
          {load.message}
        </p>
      )}
      {load.state === 'ready' && load.accounts.length === 0 && (
        <section className="welcome" aria-labelledby="welcome-title">
          <h1 id="welcome-title">No accounts yet</h1>
          <p>Add your mail account to download your mail to this computer.</p>
        </section>
      )}
      {load.state === 'ready' && load.accounts.length > 0 && (
        <ul aria-label="Accounts">
          {load.accounts.map((account) => (
            <li key={account.id}>{account.email}</li>
          ))}
        </ul>
      )}
    </main>
  );
}
