import { useEffect, useState } from 'react';
import type { CredentialStoreInfo } from '../../shared/contract/accounts';
import { api } from '../api/client';

/** Where this computer can keep passwords (the system keychain, or none answers); null until the service says. */
export function useCredentialStore(): CredentialStoreInfo | null {
  const [store, setStore] = useState<CredentialStoreInfo | null>(null);
  useEffect(() => {
    let live = true;
    api.getCredentialStoreInfo({}).then(
      (info) => live && setStore(info),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return store;
}
