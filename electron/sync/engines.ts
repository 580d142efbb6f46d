import type { Account } from '../../shared/contract/accounts';
import type { SyncEngine } from './engine';
import { imapEngine } from './imap/imap-engine';
import { localEngine } from './local/local-engine';
import { pop3Engine } from './pop3/pop3-engine';

/** The one place an account's protocol picks code: every other caller goes through the engine it returns. */
const engines: Record<Account['protocol'], SyncEngine> = { imap: imapEngine, pop3: pop3Engine, local: localEngine };

export function engineFor(account: Pick<Account, 'protocol'>): SyncEngine {
  return engines[account.protocol];
}
