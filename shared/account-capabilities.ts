import type { AccountCapabilities, AccountKind } from './contract/accounts';

/**
 * What each kind of account can do, stated once. The sync engines carry the same facts for themselves
 * (`SyncEngine.hasServer`, whether `actions.receive` takes mail; a unit test holds the two together), and every account the service hands out
 * carries its kind's line (`Account.capabilities`), so the window asks what an account can do and never
 * which protocol it speaks.
 */
const capabilitiesByKind: Readonly<Record<AccountKind, AccountCapabilities>> = {
  // IMAP uploads a message moved in from another account (APPEND, exactly once); POP3 files it in its local folders.
  imap: { hasServer: true, receivesFromOtherAccounts: true, choosesServerCopy: false },
  pop3: { hasServer: true, receivesFromOtherAccounts: true, choosesServerCopy: true },
  local: { hasServer: false, receivesFromOtherAccounts: true, choosesServerCopy: false },
};

export function capabilitiesOf(kind: AccountKind): AccountCapabilities {
  return capabilitiesByKind[kind];
}
