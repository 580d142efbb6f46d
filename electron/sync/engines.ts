import type { Account } from '../../shared/contract/accounts';
import type { SyncEngine } from './engine';
import { imapEngine } from './imap/imap-engine';
import { localEngine } from './local/local-engine';
import { pop3Engine } from './pop3/pop3-engine';

/**
 * The one place an account's protocol picks code: every other caller goes through the engine it returns.
 * Read at call time, not into a table when this module loads: the engines' own sync code reaches back
 * here (mail rules plan their actions through the engines as messages arrive), so at load time an
 * engine's binding may not be set yet.
 */
export function engineFor(account: Pick<Account, 'protocol'>): SyncEngine {
  switch (account.protocol) {
    case 'imap':
      return imapEngine;
    case 'pop3':
      return pop3Engine;
    case 'local':
      return localEngine;
  }
}
